import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, posix } from "node:path";

// Reads the Kubernetes API types as the `kubernetes-types` npm package ships
// them: one TypeScript declaration file per API package and version
// (`core/v1.d.ts`, `meta/v1.d.ts`…), generated from Kubernetes' own OpenAPI
// definitions, each interface and field carrying its API description as a
// doc comment. The files are regular generated code, so a line reader is
// enough to recover a model of every type: its fields, their types, which
// are required, and the descriptions.
//
// kubernetes-types 1.29 is the release closest to the 1.28 API this server
// follows; flowcontrol.apiserver.k8s.io/v1beta2 left Kubernetes in 1.29, so
// its types come from kubernetes-types 1.26 (installed under the npm alias
// `kubernetes-types-1.26`).

/** A field's type as the declaration spells it. */
export type TypeNode =
  | { kind: "string" | "number" | "boolean" | "intOrString" }
  | { kind: "array"; of: TypeNode }
  | { kind: "map"; of: TypeNode }
  | { kind: "ref"; name: string };

export interface SourceField {
  name: string;
  required: boolean;
  type: TypeNode;
  description?: string;
}

/** One declared type, named as Kubernetes' OpenAPI names it (`io.k8s.api.core.v1.Pod`). */
export interface SourceType {
  name: string;
  description?: string;
  /** Interfaces have fields (possibly none); aliases (`Time = string`, `A | boolean`) have `alias`. */
  fields?: SourceField[];
  alias?: string;
}

/** The package directory a module of the declarations lives in, and its path inside ("core/v1"). */
interface ModuleRef {
  root: string;
  path: string;
}

const require = createRequire(import.meta.url);
const TYPES_129 = dirname(require.resolve("kubernetes-types/package.json"));
const TYPES_126 = dirname(require.resolve("kubernetes-types-1.26/package.json"));

/** Where the declarations of an API package version are read from. */
function moduleFor(path: string): ModuleRef {
  return { root: path === "flowcontrol/v1beta2" ? TYPES_126 : TYPES_129, path };
}

/** The OpenAPI name prefix of a declaration module ("core/v1" → "io.k8s.api.core.v1"). */
export function definitionPrefix(path: string): string {
  switch (path) {
    case "meta/v1":
      return "io.k8s.apimachinery.pkg.apis.meta.v1";
    case "api/resource":
      return "io.k8s.apimachinery.pkg.api.resource";
    case "runtime":
      return "io.k8s.apimachinery.pkg.runtime";
    case "version":
      return "io.k8s.apimachinery.pkg.version";
    case "apiextensions/v1":
      return "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1";
    default:
      return `io.k8s.api.${path.replace("/", ".")}`;
  }
}

/** The declaration module of an API group version ("apps", "v1" → "apps/v1"; the core group is "core"). */
export function modulePathOf(group: string, version: string): string {
  return `${group === "" ? "core" : group.split(".")[0]}/${version}`;
}

/** Joins a doc comment's lines, dropping the leading ` * ` of each. */
function commentText(lines: string[]): string | undefined {
  const text = lines
    .map((l) => l.replace(/^\s*\/\*\*\s?/, "").replace(/\s*\*\/\s*$/, ""))
    .map((l) => l.replace(/^\s*\* ?/, ""))
    .join("\n")
    .trim();
  return text === "" ? undefined : text;
}

/** Parses a module into its types, resolving imported names to their OpenAPI names. */
function parseModule(ref: ModuleRef): SourceType[] {
  const text = readFileSync(join(ref.root, `${ref.path}.d.ts`), "utf8");
  const prefix = definitionPrefix(ref.path);
  const local = new Set<string>();
  for (const m of text.matchAll(/^export (?:interface|declare type) (\w+)/gm)) local.add(m[1]!);
  const imported = new Map<string, string>();
  for (const m of text.matchAll(/^import \{([^}]*)\} from "([^"]+)";/gm)) {
    const from = posix.join(posix.dirname(ref.path), m[2]!);
    for (const n of m[1]!.split(",").map((s) => s.trim())) if (n) imported.set(n, `${definitionPrefix(from)}.${n}`);
  }
  const qualify = (n: string) => imported.get(n) ?? (local.has(n) ? `${prefix}.${n}` : undefined);

  const parseType = (t: string): TypeNode => {
    t = t.trim();
    if (t === "string" || t === "number" || t === "boolean") return { kind: t };
    if (t === "number | string" || t === "string | number") return { kind: "intOrString" };
    if (/^"[^"]*"$/.test(t)) return { kind: "string" };
    const arr = /^Array<(.*)>$/s.exec(t);
    if (arr) return { kind: "array", of: parseType(arr[1]!) };
    const map = /^\{\s*\[name: string\]: (.*);\s*\}$/s.exec(t);
    if (map) return { kind: "map", of: parseType(map[1]!) };
    const name = qualify(t);
    if (!name) throw new Error(`openapi: ${ref.path}: cannot read the type "${t}"`);
    return { kind: "ref", name };
  };

  const out: SourceType[] = [];
  const lines = text.split("\n");
  let comment: string[] | undefined;
  let pendingDoc: string | undefined;
  let current: SourceType | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (comment) {
      comment.push(line);
      if (line.includes("*/")) {
        pendingDoc = commentText(comment);
        comment = undefined;
      }
      continue;
    }
    if (/^\s*\/\*\*/.test(line)) {
      comment = [line];
      if (line.includes("*/")) {
        pendingDoc = commentText(comment);
        comment = undefined;
      }
      continue;
    }
    const iface = /^export interface (\w+) \{(\})?$/.exec(line);
    if (iface) {
      current = { name: `${prefix}.${iface[1]}`, description: pendingDoc, fields: [] };
      out.push(current);
      if (iface[2]) current = undefined;
      pendingDoc = undefined;
      continue;
    }
    const alias = /^export declare type (\w+) = (.*);$/.exec(line);
    if (alias) {
      out.push({ name: `${prefix}.${alias[1]}`, description: pendingDoc, alias: alias[2]! });
      pendingDoc = undefined;
      continue;
    }
    if (line === "}") {
      current = undefined;
      continue;
    }
    const field = /^\s+(?:readonly )?("[^"]+"|[\w$]+)(\?)?: (.*)$/.exec(line);
    if (current && field) {
      let type = field[3]!;
      // A map type spans lines: `{`, `[name: string]: T;`, `};`.
      if (type === "{") {
        while (!/^\s*\};?$/.test(lines[i + 1] ?? "}")) type += ` ${lines[++i]!.trim()}`;
        i++;
        type += " }";
      } else type = type.replace(/;$/, "");
      current.fields!.push({
        name: field[1]!.replace(/^"|"$/g, ""),
        required: field[2] === undefined,
        type: parseType(type),
        description: pendingDoc,
      });
      pendingDoc = undefined;
    }
  }
  return out;
}

const cache = new Map<string, Map<string, SourceType>>();

/** The types of one declaration module ("apps/v1"), by OpenAPI name; undefined when no such module ships. */
export function sourceModule(path: string): Map<string, SourceType> | undefined {
  let types = cache.get(path);
  if (!types) {
    const ref = moduleFor(path);
    if (!existsSync(join(ref.root, `${path}.d.ts`))) return undefined;
    types = new Map(parseModule(ref).map((t) => [t.name, t]));
    cache.set(path, types);
  }
  return types;
}

/** The declared type of an OpenAPI name, reading the module that holds it. */
export function sourceType(name: string): SourceType | undefined {
  const prefixes = [
    ["io.k8s.apimachinery.pkg.apis.meta.v1.", "meta/v1"],
    ["io.k8s.apimachinery.pkg.api.resource.", "api/resource"],
    ["io.k8s.apimachinery.pkg.runtime.", "runtime"],
    ["io.k8s.apimachinery.pkg.version.", "version"],
    ["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.", "apiextensions/v1"],
  ] as const;
  for (const [p, path] of prefixes) if (name.startsWith(p)) return sourceModule(path)?.get(name);
  const m = /^io\.k8s\.api\.([a-z0-9]+)\.([a-z0-9]+)\.\w+$/.exec(name);
  return m ? sourceModule(`${m[1]}/${m[2]}`)?.get(name) : undefined;
}
