import { builtinResources } from "../../registry/builtin-resources.js";
import { Definitions, type Schema } from "../openapi/definitions.js";

// The structure server-side apply sees in a kind's OpenAPI schema, as
// kube-openapi's schemaconv hands it to structured-merge-diff: structs with
// named fields, granular or atomic maps, lists that are atomic (the
// default), sets, or maps keyed by x-kubernetes-list-map-keys (or, without a
// list type, by the strategic-merge merge key), and scalars. A node without a
// schema is "deduced": objects are granular maps, lists atomic.

export type ListKind = "atomic" | "set" | "map";

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** One node of a type: a schema, or undefined for a deduced (schema-less) node. */
export class TypeNode {
  constructor(
    private readonly defs: Definitions | undefined,
    /** The field's own schema (with the list and map extensions), before references are followed. */
    private readonly raw: Schema | undefined,
  ) {}

  private resolved(): Schema | undefined {
    let cur = this.raw;
    for (let i = 0; cur && typeof cur.$ref === "string" && i < 8; i++) {
      cur = this.defs?.schemas.get(cur.$ref.slice(cur.$ref.lastIndexOf("/") + 1));
    }
    return cur;
  }

  private ext(name: string): unknown {
    return this.raw?.[name] ?? this.resolved()?.[name];
  }

  /** Whether the node has a schema at all. */
  get typed(): boolean {
    return this.resolved() !== undefined;
  }

  /** Whether an object here is replaced as a whole (x-kubernetes-map-type: atomic, +structType=atomic). */
  get atomicMap(): boolean {
    return this.ext("x-kubernetes-map-type") === "atomic";
  }

  /** Whether `key` is a declared field of a struct (as opposed to a key of a map). */
  isNamedField(key: string): boolean {
    const props = this.resolved()?.properties;
    return isObj(props) && Object.hasOwn(props, key);
  }

  /** The node of field or map key `key`. */
  child(key: string): TypeNode {
    const r = this.resolved();
    const props = r?.properties;
    if (isObj(props) && isObj(props[key])) return new TypeNode(this.defs, props[key] as Schema);
    if (isObj(r?.additionalProperties)) return new TypeNode(this.defs, r.additionalProperties as Schema);
    return new TypeNode(this.defs, undefined);
  }

  /** How a list here merges, and by which keys. */
  get list(): { kind: ListKind; keys: string[] } {
    const type = this.ext("x-kubernetes-list-type");
    if (type === "map") return { kind: "map", keys: (this.ext("x-kubernetes-list-map-keys") as string[]) ?? [] };
    if (type === "set" || type === "atomic") return { kind: type, keys: [] };
    const strategy = String(this.ext("x-kubernetes-patch-strategy") ?? "");
    if (strategy.split(",").includes("merge")) {
      const key = this.ext("x-kubernetes-patch-merge-key");
      return typeof key === "string" && key !== "" ? { kind: "map", keys: [key] } : { kind: "set", keys: [] };
    }
    return { kind: "atomic", keys: [] };
  }

  get items(): TypeNode {
    const r = this.resolved();
    return new TypeNode(this.defs, isObj(r?.items) ? (r.items as Schema) : undefined);
  }

  /** The default of field `key` of this struct, when its schema declares one. */
  defaultOf(key: string): unknown {
    const props = this.resolved()?.properties;
    return isObj(props) && isObj(props[key]) ? (props[key] as Schema).default : undefined;
  }
}

let builtin: Definitions | undefined;

/** The definitions of the built-in kinds, built once. */
export function builtinDefinitions(): Definitions {
  builtin ??= new Definitions(builtinResources);
  return builtin;
}

/** The schema root of a served kind, by apiVersion and kind; a deduced node for kinds without one. */
export function typeOf(apiVersion: string, kind: string): TypeNode {
  const defs = builtinDefinitions();
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const name = defs.nameOf(group!, version!, kind);
  return new TypeNode(defs, name === undefined ? undefined : { $ref: `#/definitions/${name}` });
}

/** A deduced node: everything granular maps, lists atomic. */
export const deduced = (): TypeNode => new TypeNode(undefined, undefined);
