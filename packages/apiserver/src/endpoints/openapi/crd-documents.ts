import {
  crdDefinitionName,
  crdKindSchema,
  crdListSchema,
  type MetaSchemas,
  type OpenApiVersion,
} from "../../apiextensions/crd-openapi.js";
import type { Crd } from "../../apiextensions/crd-validation.js";
import type { ResourceDefinition } from "../../registry/resource-definition.js";
import type { Definitions, Schema } from "./definitions.js";
import { refsOf } from "./definitions.js";
import { v3Definition, v3PathsOf } from "./documents.js";
import { groupVersionPath, groupVersionPaths, type Paths } from "./paths.js";

// The OpenAPI of established CRDs, as apiextensions-apiserver's OpenAPI
// controllers publish it: for /openapi/v2, every served version's path items
// and definitions, merged under the built-in document (which wins a clash);
// for /openapi/v3, one document per group version ("apis/<group>/<version>")
// with its CRDs' paths and the schemas they reach, titled as kube titles
// them. The path items are those of a built-in resource with the CRD
// builder's differences: every operation carries the custom resource's GVK
// (scale's too), lists are "list objects of kind", patches take no strategic
// merge patch, and no group or group-version discovery path is listed.

/** The established CRDs and their served versions' definitions. */
export interface CrdOpenApiSource {
  /** Changes whenever what established() answers may have. */
  readonly generation: number;
  established(): { crd: Crd; definitions: ResourceDefinition[] }[];
}

export interface CrdDocuments {
  v2Paths: Paths;
  v2Definitions: Record<string, Schema>;
  /** Keyed as the v3 index keys them: "apis/<group>/<version>". */
  v3: Map<string, Schema>;
}

const V3_INFO = { title: "Kubernetes CRD Swagger", version: "v0.1.0" };
const GVK = "x-kubernetes-group-version-kind";
const METHODS = ["get", "put", "post", "delete", "patch"];

const sortKeys = <T>(o: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The built-in texts CRD schemas share: TypeMeta's fields and the metadata descriptions. */
function metaSchemas(defs: Definitions): MetaSchemas {
  const props = (name: string) => (defs.schemas.get(name)?.properties ?? {}) as Record<string, Schema>;
  const status = props("io.k8s.apimachinery.pkg.apis.meta.v1.Status");
  const configMap = props("io.k8s.api.core.v1.ConfigMap");
  return {
    apiVersion: { ...status.apiVersion },
    kind: { ...status.kind },
    objectMetaDescription: String(configMap.metadata?.description ?? ""),
    listMetaDescription: String(status.metadata?.description ?? ""),
  };
}

/** The path items of one served CRD version. */
function versionPaths(d: ResourceDefinition, defs: Definitions): Paths {
  // The built-in generator, naming the custom kinds as kube's CRD builder does.
  const names = {
    nameOf: (group: string, version: string, kind: string) =>
      group === d.group && version === d.version && (kind === d.kind || kind === d.listKind)
        ? crdDefinitionName(group, version, kind)
        : defs.nameOf(group, version, kind),
  } as unknown as Definitions;
  const paths = groupVersionPaths([d], names);
  delete paths[`${groupVersionPath(d.group, d.version)}/`];
  const gvk = { group: d.group, kind: d.kind, version: d.version };
  for (const item of Object.values(paths)) {
    for (const method of METHODS) {
      const op = item[method] as Schema | undefined;
      if (!op) continue;
      op[GVK] = { ...gvk };
      if (op["x-kubernetes-action"] === "list") op.description = `list objects of kind ${d.kind}`;
      if (Array.isArray(op.consumes)) {
        op.consumes = (op.consumes as string[]).filter((t) => t !== "application/strategic-merge-patch+json");
      }
    }
    if (Array.isArray(item.parameters)) {
      item.parameters = (item.parameters as Schema[]).map((p) =>
        p.in === "path" && p.name === "name" ? { ...p, description: `name of the ${d.kind}` } : p,
      );
    }
  }
  return paths;
}

/** The definitions of one served CRD version in one OpenAPI version, by name. */
function versionDefinitions(crd: Crd, version: string, v: OpenApiVersion, meta: MetaSchemas): Record<string, Schema> {
  const { group, names } = crd.spec;
  return {
    [crdDefinitionName(group, version, names.kind)]: crdKindSchema(crd, version, v, meta),
    [crdDefinitionName(group, version, names.listKind ?? `${names.kind}List`)]: crdListSchema(crd, version, v, meta),
  };
}

/** The CRD parts of /openapi/v2 and the CRD group versions' /openapi/v3 documents. */
export function buildCrdDocuments(
  crds: { crd: Crd; definitions: ResourceDefinition[] }[],
  defs: Definitions,
): CrdDocuments {
  const meta = metaSchemas(defs);
  const v2Paths: Paths = {};
  const v2Definitions: Record<string, Schema> = {};
  const byGv = new Map<string, { paths: Paths; schemas: Record<string, Schema> }>();
  for (const { crd, definitions } of crds) {
    for (const d of definitions) {
      const paths = versionPaths(d, defs);
      Object.assign(v2Paths, paths);
      Object.assign(v2Definitions, versionDefinitions(crd, d.version, "v2", meta));
      const key = `apis/${d.group}/${d.version}`;
      const gv = byGv.get(key) ?? { paths: {}, schemas: {} };
      Object.assign(gv.paths, paths);
      Object.assign(gv.schemas, versionDefinitions(crd, d.version, "v3", meta));
      byGv.set(key, gv);
    }
  }
  const v3 = new Map<string, Schema>();
  for (const [key, gv] of [...byGv].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const schemas: Record<string, Schema> = { ...gv.schemas };
    // The built-in types they reach, without GVKs: kube's CRD builder names them from an empty scheme.
    for (const name of defs.closure(refsOf([gv.paths, gv.schemas]))) {
      const s = defs.schemas.get(name);
      if (!s || schemas[name]) continue;
      const { [GVK]: _gvk, ...rest } = v3Definition(name, s);
      schemas[name] = rest;
    }
    v3.set(key, {
      openapi: "3.0.0",
      info: V3_INFO,
      paths: v3PathsOf(sortKeys(gv.paths)),
      components: { schemas: sortKeys(schemas) },
    });
  }
  return { v2Paths: sortKeys(v2Paths), v2Definitions: sortKeys(v2Definitions), v3 };
}
