// The shape of a JSON document with every member as written, duplicates
// included and in order: what a strict decoder sees, and JSON.parse (which
// keeps only the last of duplicate keys) does not.

export type JsonNode =
  | { t: "object"; entries: [string, JsonNode][] }
  | { t: "array"; items: JsonNode[] }
  | { t: "scalar" };

const SCALAR: JsonNode = { t: "scalar" };

/** Go's encoding/json refuses documents nested deeper than this. */
export const MAX_DEPTH = 10000;

/** A document nested deeper than MAX_DEPTH. */
export class TooDeepError extends Error {
  constructor() {
    super("exceeded max depth");
  }
}

/**
 * Reads the shape of `text`, which JSON.parse has accepted. Iterative, so
 * nesting depth is bounded by memory, not by the call stack.
 */
export function parseJsonDocument(text: string): JsonNode {
  let i = 0;
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
  };
  const readString = (): string => {
    const start = i;
    i++; // opening quote
    while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const skipScalar = () => {
    if (text[i] === '"') {
      readString();
      return;
    }
    while (i < text.length && !",]} \n\r\t".includes(text[i]!)) i++;
  };
  // Containers being read; in an object, whether a key comes next and the key its value goes under.
  type Frame = { node: JsonNode; expectKey: boolean; key: string };
  const stack: Frame[] = [];
  let root: JsonNode | undefined;
  const attach = (n: JsonNode) => {
    const top = stack[stack.length - 1];
    if (!top) root = n;
    else if (top.node.t === "object") {
      top.node.entries.push([top.key, n]);
      top.expectKey = true;
    } else if (top.node.t === "array") top.node.items.push(n);
  };
  ws();
  while (i < text.length) {
    const c = text[i]!;
    const top = stack[stack.length - 1];
    if (c === "{" || c === "[") {
      const node: JsonNode = c === "{" ? { t: "object", entries: [] } : { t: "array", items: [] };
      attach(node);
      stack.push({ node, expectKey: true, key: "" });
      if (stack.length > MAX_DEPTH) throw new TooDeepError();
      i++;
    } else if (c === "}" || c === "]") {
      stack.pop();
      i++;
    } else if (c === "," || c === ":") {
      i++;
    } else if (top?.node.t === "object" && top.expectKey) {
      top.key = readString();
      top.expectKey = false;
    } else {
      skipScalar();
      attach(SCALAR);
    }
    ws();
    if (stack.length === 0 && root !== undefined) break;
  }
  return root ?? SCALAR;
}

/** The shape of a decoded value, object keys sorted as Go's encoder writes maps. */
export function shapeOfValue(v: unknown): JsonNode {
  if (Array.isArray(v)) return { t: "array", items: v.map(shapeOfValue) };
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return {
      t: "object",
      entries: Object.keys(o)
        .sort()
        .map((k) => [k, shapeOfValue(o[k])] as [string, JsonNode]),
    };
  }
  return SCALAR;
}
