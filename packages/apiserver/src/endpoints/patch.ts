import { badRequest, invalidPatch, unsupportedMediaType } from "@wharf/apimachinery";

// JSON merge patch (RFC 7386) and JSON patch (RFC 6902). Strategic merge
// patch and server-side apply come with the built-in types' patch metadata.

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

function parsePointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw invalidPatch(`invalid JSON pointer "${path}"`);
  return path.slice(1).split("/").map(unescapePointerToken);
}

function getAt(doc: unknown, tokens: string[]): unknown {
  let cur = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

/** Applies an RFC 6902 patch to a deep copy of `doc`; failures are 422 as kube-apiserver reports them. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  let out = structuredClone(doc);
  for (const op of patch as Array<{ op?: string; path?: string; from?: string; value?: unknown }>) {
    const tokens = parsePointer(op.path ?? "");
    const set = (root: unknown, toks: string[], value: unknown, insert: boolean): unknown => {
      if (toks.length === 0) return value;
      const parent = getAt(root, toks.slice(0, -1));
      const last = toks[toks.length - 1]!;
      if (Array.isArray(parent)) {
        const i = last === "-" ? parent.length : Number(last);
        if (!Number.isInteger(i) || i < 0 || i > parent.length)
          throw invalidPatch(`add operation does not apply: doc is missing path: "${op.path}"`);
        if (insert) parent.splice(i, 0, value);
        else parent[i] = value;
      } else if (isObject(parent)) parent[last] = value;
      else throw invalidPatch(`add operation does not apply: doc is missing path: "${op.path}"`);
      return root;
    };
    const remove = (root: unknown, toks: string[]): unknown => {
      const parent = getAt(root, toks.slice(0, -1));
      const last = toks[toks.length - 1]!;
      if (Array.isArray(parent) && Number(last) < parent.length) parent.splice(Number(last), 1);
      else if (isObject(parent) && last in parent) delete parent[last];
      else throw invalidPatch(`remove operation does not apply: doc is missing path: "${op.path}"`);
      return root;
    };
    switch (op.op) {
      case "add":
        out = set(out, tokens, structuredClone(op.value), true);
        break;
      case "replace":
        if (getAt(out, tokens) === undefined)
          throw invalidPatch(`replace operation does not apply: doc is missing key: ${op.path}`);
        out = set(out, tokens, structuredClone(op.value), false);
        break;
      case "remove":
        out = remove(out, tokens);
        break;
      case "move":
      case "copy": {
        const from = parsePointer(op.from ?? "");
        const value = structuredClone(getAt(out, from));
        if (value === undefined)
          throw invalidPatch(`${op.op} operation does not apply: doc is missing from path: ${op.from}`);
        if (op.op === "move") out = remove(out, from);
        out = set(out, tokens, value, true);
        break;
      }
      case "test":
        if (JSON.stringify(getAt(out, tokens)) !== JSON.stringify(op.value))
          throw invalidPatch(`testing value ${op.path} failed`);
        break;
      default:
        throw invalidPatch(`Unexpected kind: ${op.op}`);
    }
  }
  return out;
}

/** The PATCH media types kube-apiserver accepts for built-in resources, in the order its 415 lists them. */
export const BUILTIN_PATCH_TYPES: readonly string[] = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

/** Custom resources have no patch metadata: apiextensions-apiserver refuses strategic merge patches. */
export const CUSTOM_RESOURCE_PATCH_TYPES: readonly string[] = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/apply-patch+yaml",
];

/**
 * kube's PatchResource check, before anything else of a PATCH: the Content-Type
 * (its parameters cut at the first `;`) must be one of `accepted`, else 415
 * listing them.
 */
export function checkPatchType(contentType: string | undefined, accepted: readonly string[]): void {
  const type = String(contentType ?? "");
  const cut = type.indexOf(";");
  if (!accepted.includes(cut > 0 ? type.slice(0, cut) : type)) throw unsupportedMediaType(accepted);
}
