// Field paths and field sets as structured-merge-diff (v4) names them: a
// path is a list of path elements, each a field name (`f:spec`), the key of
// an item of a keyed list (`k:{"name":"nginx"}`), the value of an item of a
// set (`v:"a"`) or an index (`i:0`). A set of paths is what a manager owns;
// it travels in managedFields as a FieldsV1 tree.

/** A scalar as it appears in a list key or a set value. */
export type Scalar = string | number | boolean | null;

export type PathElement =
  | { kind: "f"; name: string }
  | { kind: "k"; fields: [string, Scalar][] }
  | { kind: "v"; value: unknown }
  | { kind: "i"; index: number };

export type Path = PathElement[];

export const field = (name: string): PathElement => ({ kind: "f", name });

/** A list key element, its fields sorted by name as structured-merge-diff keeps them. */
export function keyed(fields: [string, Scalar][]): PathElement {
  return { kind: "k", fields: [...fields].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) };
}

/** JSON with object keys sorted, as Go encodes maps. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** The element's FieldsV1 key: `f:name`, `k:{"name":"c"}`, `v:"x"`, `i:0`. */
export function elementKey(pe: PathElement): string {
  switch (pe.kind) {
    case "f":
      return `f:${pe.name}`;
    case "k":
      return `k:{${pe.fields.map(([n, v]) => `${JSON.stringify(n)}:${canonicalJson(v)}`).join(",")}}`;
    case "v":
      return `v:${canonicalJson(pe.value)}`;
    case "i":
      return `i:${pe.index}`;
  }
}

/** Parses a FieldsV1 key back into a path element. */
export function parseElementKey(key: string): PathElement {
  const body = key.slice(2);
  switch (key.slice(0, 2)) {
    case "f:":
      return field(body);
    case "k:": {
      const o = JSON.parse(body) as Record<string, Scalar>;
      return keyed(Object.entries(o));
    }
    case "v:":
      return { kind: "v", value: JSON.parse(body) };
    case "i:":
      if (/^\d+$/.test(body)) return { kind: "i", index: Number(body) };
  }
  throw new Error(`unrecognized FieldsV1 key: ${key}`);
}

/** structured-merge-diff's value.ToString: strings quoted as Go's %q, the rest as %v. */
function valueString(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(",")}]`;
  if (typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${k}=${valueString((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return String(v);
}

/** The element as a path prints it: `.spec`, `[name="c"]`, `[="x"]`, `[0]`. */
export function elementString(pe: PathElement): string {
  switch (pe.kind) {
    case "f":
      return `.${pe.name}`;
    case "k":
      return `[${pe.fields.map(([n, v]) => `${n}=${valueString(v)}`).join(",")}]`;
    case "v":
      return `[=${valueString(pe.value)}]`;
    case "i":
      return `[${pe.index}]`;
  }
}

export const pathString = (p: Path): string => p.map(elementString).join("");

const KIND_ORDER = { f: 0, k: 1, v: 2, i: 3 } as const;

function compareScalars(a: unknown, b: unknown): number {
  const rank = (v: unknown) =>
    typeof v === "number" ? 0 : typeof v === "string" ? 1 : typeof v === "boolean" ? 2 : v === null ? 3 : 4;
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const x = canonicalJson(a);
  const y = canonicalJson(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** structured-merge-diff's order of path elements: fields, then keys, values, indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  switch (a.kind) {
    case "f": {
      const n = (b as { name: string }).name;
      return a.name < n ? -1 : a.name > n ? 1 : 0;
    }
    case "k": {
      const other = (b as { fields: [string, Scalar][] }).fields;
      for (let i = 0; i < Math.min(a.fields.length, other.length); i++) {
        const [an, av] = a.fields[i]!;
        const [bn, bv] = other[i]!;
        if (an !== bn) return an < bn ? -1 : 1;
        const c = compareScalars(av, bv);
        if (c !== 0) return c;
      }
      return a.fields.length - other.length;
    }
    case "v":
      return compareScalars(a.value, (b as { value: unknown }).value);
    case "i":
      return a.index - (b as { index: number }).index;
  }
}

export function comparePaths(a: Path, b: Path): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareElements(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

const pathKey = (p: Path): string => p.map(elementKey).join("\u0000");

/**
 * A set of field paths. Each path is a member on its own: owning
 * `.spec.replicas` says nothing about `.spec`, as in structured-merge-diff.
 */
export class FieldSet {
  private readonly paths = new Map<string, Path>();

  constructor(paths: Iterable<Path> = []) {
    for (const p of paths) this.insert(p);
  }

  insert(p: Path): this {
    this.paths.set(pathKey(p), p);
    return this;
  }

  has(p: Path): boolean {
    return this.paths.has(pathKey(p));
  }

  get size(): number {
    return this.paths.size;
  }

  empty(): boolean {
    return this.paths.size === 0;
  }

  /** The members in structured-merge-diff's order. */
  list(): Path[] {
    return [...this.paths.values()].sort(comparePaths);
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet(this.paths.values());
    for (const p of other.paths.values()) out.insert(p);
    return out;
  }

  difference(other: FieldSet): FieldSet {
    return new FieldSet([...this.paths.values()].filter((p) => !other.has(p)));
  }

  intersection(other: FieldSet): FieldSet {
    return new FieldSet([...this.paths.values()].filter((p) => other.has(p)));
  }

  /** The members not under (nor equal to) a member of `other`: RecursiveDifference. */
  recursiveDifference(other: FieldSet): FieldSet {
    return new FieldSet(
      [...this.paths.values()].filter((p) => {
        for (let n = 1; n <= p.length; n++) if (other.has(p.slice(0, n))) return false;
        return true;
      }),
    );
  }

  /** The members equal to or under `prefix`. */
  under(prefix: Path): FieldSet {
    const key = pathKey(prefix);
    return new FieldSet(
      [...this.paths.entries()].filter(([k]) => k === key || k.startsWith(`${key}\u0000`)).map(([, p]) => p),
    );
  }

  equals(other: FieldSet): boolean {
    return this.size === other.size && [...this.paths.keys()].every((k) => other.paths.has(k));
  }

  /** The FieldsV1 tree: `{"f:spec":{"f:replicas":{}}}`, "." marking a member that also has children. */
  toFieldsV1(): Record<string, unknown> {
    interface Node {
      member: boolean;
      pe?: PathElement;
      children: Map<string, Node>;
    }
    const root: Node = { member: false, children: new Map() };
    for (const p of this.paths.values()) {
      let n = root;
      for (const pe of p) {
        const k = elementKey(pe);
        let c = n.children.get(k);
        if (!c) {
          c = { member: false, pe, children: new Map() };
          n.children.set(k, c);
        }
        n = c;
      }
      n.member = true;
    }
    const emit = (n: Node, self: boolean): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      if (self && n.member && n.children.size > 0) out["."] = {};
      const kids = [...n.children.entries()].sort((a, b) => compareElements(a[1].pe!, b[1].pe!));
      for (const [k, c] of kids) out[k] = emit(c, true);
      return out;
    };
    return emit(root, false);
  }

  static fromFieldsV1(tree: unknown): FieldSet {
    const out = new FieldSet();
    const walk = (node: unknown, prefix: Path) => {
      if (node === null || typeof node !== "object" || Array.isArray(node)) {
        throw new Error("FieldsV1 must be a JSON object");
      }
      const entries = Object.entries(node);
      if (entries.length === 0 && prefix.length > 0) out.insert(prefix);
      for (const [k, v] of entries) {
        if (k === ".") {
          if (prefix.length > 0) out.insert(prefix);
          continue;
        }
        walk(v, [...prefix, parseElementKey(k)]);
      }
    };
    walk(tree, []);
    return out;
  }
}
