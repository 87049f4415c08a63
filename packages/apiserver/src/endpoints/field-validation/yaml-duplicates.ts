import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";

// Duplicate keys of an apply body, as sigs.k8s.io/yaml's strict decoding
// (go-yaml v2) reports them: `line 10: key "paused" already set in map`,
// the line being that of the repeated key's value, keys inside a value
// reported before the key itself.

/** A map key as Go's %#v prints it. */
function goKey(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

export function yamlDuplicateKeys(text: string): string[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { version: "1.1", uniqueKeys: false, lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) return [];
  const out: string[] = [];
  const lineOf = (n: Node | null | undefined, fallback: number) =>
    n?.range ? lines.linePos(n.range[0]).line : fallback;
  const walk = (n: unknown) => {
    if (isSeq(n)) {
      for (const item of n.items) walk(item);
      return;
    }
    if (!isMap(n)) return;
    const seen = new Set<string>();
    for (const pair of n.items) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      walk(pair.value);
      const id = `${typeof key}:${String(key)}`;
      if (seen.has(id)) {
        const keyLine = lineOf(pair.key as Node | null, 1);
        out.push(`line ${lineOf(pair.value as Node | null, keyLine)}: key ${goKey(key)} already set in map`);
      }
      seen.add(id);
    }
  };
  walk(doc.contents);
  return out;
}
