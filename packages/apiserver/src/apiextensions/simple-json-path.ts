import { isObj } from "./json-schema.js";

// The simple JSON paths CRDs use: ".spec.replicas" for scale, and the
// jsonPath of printer columns (kube's JSONPath, here its common subset:
// dotted fields, [n] indexes and ['quoted'] keys).

type Step = string | number;

function parse(path: string): Step[] | undefined {
  const steps: Step[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/gy;
  let p = path.trim();
  if (p.startsWith("{") && p.endsWith("}")) p = p.slice(1, -1);
  if (p === "." || p === "") return steps;
  re.lastIndex = 0;
  while (re.lastIndex < p.length) {
    const m = re.exec(p);
    if (!m) return undefined;
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push(m[3] ?? m[4] ?? "");
  }
  return steps;
}

/** The value at a simple path of an object, and whether it is there. */
export function readPath(obj: unknown, path: string): { found: boolean; value?: unknown } {
  const steps = parse(path);
  if (!steps) return { found: false };
  let cur: unknown = obj;
  for (const s of steps) {
    if (typeof s === "number") {
      if (!Array.isArray(cur) || s >= cur.length) return { found: false };
      cur = cur[s];
    } else {
      if (!isObj(cur) || !Object.hasOwn(cur, s)) return { found: false };
      cur = cur[s];
    }
  }
  return { found: true, value: cur };
}

/** Sets the value at a dotted path, creating objects on the way (unstructured.SetNestedField). */
export function writePath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const steps = (parse(path) ?? []).map(String);
  let cur = obj;
  steps.forEach((s, i) => {
    if (i === steps.length - 1) cur[s] = value;
    else {
      if (!isObj(cur[s])) cur[s] = {};
      cur = cur[s] as Record<string, unknown>;
    }
  });
}
