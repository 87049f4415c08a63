// The continue token of paginated lists, in kube's format: unpadded
// base64url of {"v":"meta.k8s.io/v1","rv":<list revision>,"start":"<next key
// relative to the list prefix>"}. Using kube's exact encoding lets tokens be
// inspected by the same tools, and the decode checks (version, revision,
// no path traversal out of the prefix) and their texts are kube's.

import { posix } from "node:path";
import { badRequest } from "./status.js";

export const CONTINUE_TOKEN_VERSION = "meta.k8s.io/v1";

export interface ContinueToken {
  /** The revision the first page was read at; every later page reads at it too. */
  rv: number;
  /** The key to resume from, relative to the list's key prefix. */
  start: string;
}

export const ContinueErrorMessage = {
  GenericInvalidKey: "continue key is not valid",
  InvalidStartRV: "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
  EmptyStartKey: "continue key is not valid: encoded start key empty (version meta.k8s.io/v1)",
  UnrecognizedEncodedVersion: "continue key is not valid: server does not recognize this encoded version",
} as const;

/** The 400 text for a list that sends both a continue token and a resourceVersion other than "" or "0". */
export const RESOURCE_VERSION_WITH_CONTINUE_MSG = "specifying resource version is not allowed when using continue";

/** The 400 the apiserver answers for a bad token: "invalid continue token: <reason>". */
function invalidToken(reason: string) {
  return badRequest(`invalid continue token: ${reason}`);
}

/** Raw (unpadded) base64url, as Go's base64.RawURLEncoding writes it. */
export function encodeContinueToken(t: ContinueToken): string {
  const json = JSON.stringify({ v: CONTINUE_TOKEN_VERSION, rv: t.rv, start: t.start });
  return Buffer.from(json, "utf8").toString("base64url");
}

/**
 * Node's decoder skips characters outside the alphabet; Go's stops at the
 * first one. Checks first so bad tokens fail with Go's message.
 */
function decodeRawUrlBase64(s: string): Buffer {
  const bad = s.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0)
    throw invalidToken(`${ContinueErrorMessage.GenericInvalidKey}: illegal base64 data at input byte ${bad}`);
  if (s.length % 4 === 1) {
    throw invalidToken(`${ContinueErrorMessage.GenericInvalidKey}: illegal base64 data at input byte ${s.length - 1}`);
  }
  return Buffer.from(s, "base64url");
}

/** Go's path.Clean for an absolute path. */
function cleanAbsolute(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}

/**
 * Decodes and checks a token; throws a 400 BadRequest StatusError with kube's
 * text. `start` is returned as encoded (relative to the prefix).
 */
export function decodeContinueToken(token: string): ContinueToken {
  const data = decodeRawUrlBase64(token);
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString("utf8"));
  } catch {
    throw invalidToken(`${ContinueErrorMessage.GenericInvalidKey}: invalid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalidToken(`${ContinueErrorMessage.GenericInvalidKey}: json: cannot unmarshal into continueToken`);
  }
  const o = parsed as Record<string, unknown>;
  // Go's decoder fails on a wrongly typed field; it leaves a missing one at its zero value.
  const typeError = (f: string, want: string) =>
    invalidToken(
      `${ContinueErrorMessage.GenericInvalidKey}: json: cannot unmarshal ${typeof o[f] === "number" ? "number" : typeof o[f]} into Go struct field continueToken.${f} of type ${want}`,
    );
  if (o.v !== undefined && o.v !== null && typeof o.v !== "string") throw typeError("v", "string");
  if (o.rv !== undefined && o.rv !== null && !(typeof o.rv === "number" && Number.isSafeInteger(o.rv))) {
    throw typeError("rv", "int64");
  }
  if (o.start !== undefined && o.start !== null && typeof o.start !== "string") throw typeError("start", "string");
  const v = (o.v as string | undefined) ?? "";
  const rv = (o.rv as number | undefined) ?? 0;
  const start = (o.start as string | undefined) ?? "";
  if (v !== CONTINUE_TOKEN_VERSION) throw invalidToken(`${ContinueErrorMessage.UnrecognizedEncodedVersion} ${v}`);
  if (rv === 0) throw invalidToken(ContinueErrorMessage.InvalidStartRV);
  if (start === "") throw invalidToken(ContinueErrorMessage.EmptyStartKey);
  // A start key must not climb out of the list's prefix ("../secrets/x"): it must already be clean.
  const key = start.startsWith("/") ? start : `/${start}`;
  if (cleanAbsolute(key) !== key) throw invalidToken(`${ContinueErrorMessage.GenericInvalidKey}: ${start}`);
  return { rv, start };
}

/** storage.EncodeContinue: a token resuming at `key`, which must lie under `keyPrefix`. */
export function encodeContinue(key: string, keyPrefix: string, rv: number): string {
  if (!key.startsWith(keyPrefix) || keyPrefix === "") {
    throw new Error("unable to encode next field: the key and key prefix do not match");
  }
  return encodeContinueToken({ rv, start: key.slice(keyPrefix.length) });
}

/** storage.DecodeContinue: the full key to resume from and the list's revision. */
export function decodeContinue(token: string, keyPrefix: string): { key: string; rv: number } {
  const t = decodeContinueToken(token);
  const key = t.start.startsWith("/") ? t.start : `/${t.start}`;
  return { key: keyPrefix + key.slice(1), rv: t.rv };
}
