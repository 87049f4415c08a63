import { goNumber } from "../../apiextensions/json-schema.js";

// How kube's patch handler shows a patch in its 422 for strict errors:
// the patch map as Go's %+v prints it, or the patched object as Go's
// encoder writes JSON (map keys sorted, <, > and & escaped).

/** A decoded JSON value as Go's %+v prints a map[string]interface{}. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goValue).join(" ")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goValue(o[k])}`)
      .join(" ")}]`;
  }
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? String(v) : goNumber(v);
  return String(v);
}

/** JSON as Go's encoding/json writes a map. */
export function goJson(v: unknown): string {
  return sortedJson(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}
