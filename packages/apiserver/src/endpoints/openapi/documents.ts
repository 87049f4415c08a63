import { apiVersionOf, type ResourceDefinition } from "../../registry/resource-definition.js";
import type { ApiGroupInfo } from "../discovery.js";
import { Definitions, refsOf, type Schema } from "./definitions.js";
import {
  coreVersionsPaths,
  groupPaths,
  groupsPaths,
  groupVersionPath,
  groupVersionPaths,
  type Paths,
  versionPaths,
} from "./paths.js";

// The OpenAPI documents of the served API, built from the resource table:
// one Swagger 2.0 document of everything (/openapi/v2) and one OpenAPI 3.0
// document per discovery path (/openapi/v3/api/v1, /openapi/v3/apis/apps/v1,
// and the small api, apis, apis/<group> and version documents), each with
// the schemas its paths reach. v3 is derived from the v2 model: `$ref`s move
// to components, a described reference becomes `allOf: [{$ref}]`, body
// parameters become request bodies, and IntOrString and Quantity become
// `oneOf` their JSON types, as kube-apiserver writes them.

const SECURITY_DESCRIPTION = "Bearer Token authentication";

const sortKeys = <T>(o: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export interface OpenApiDocuments {
  v2: Schema;
  /** Keyed by the discovery path without the leading slash ("api/v1", "apis/apps/v1", "version"). */
  v3: Map<string, Schema>;
  definitions: Definitions;
}

export function buildDocuments(
  resources: ResourceDefinition[],
  groups: ApiGroupInfo[],
  version: string,
  definitions = new Definitions(resources),
): OpenApiDocuments {
  const info = { title: "Kubernetes", version };
  const byGv = new Map<string, ResourceDefinition[]>();
  for (const d of resources) {
    const key = apiVersionOf(d);
    byGv.set(key, [...(byGv.get(key) ?? []), d]);
  }
  // Core first, then the groups in discovery order.
  const gvs: { group: string; version: string }[] = [{ group: "", version: "v1" }];
  for (const g of groups) for (const v of g.versions) gvs.push({ group: g.name, version: v });

  const v3 = new Map<string, Schema>();
  const allPaths: Paths = {};
  const add = (key: string, paths: Paths) => {
    Object.assign(allPaths, paths);
    v3.set(key, v3Document(paths, definitions, info));
  };
  add("api", coreVersionsPaths());
  add("apis", groupsPaths());
  for (const gv of gvs) {
    const defs = byGv.get(apiVersionOf(gv));
    if (!defs) continue;
    add(groupVersionPath(gv.group, gv.version).slice(1), groupVersionPaths(defs, definitions));
  }
  for (const g of groups) add(`apis/${g.name}`, groupPaths(g.name));
  add("version", versionPaths());

  const v2: Schema = {
    swagger: "2.0",
    info,
    paths: sortKeys(allPaths),
    definitions: Object.fromEntries(definitions.closure(refsOf(allPaths)).map((n) => [n, definitions.schemas.get(n)])),
    securityDefinitions: {
      BearerToken: { description: SECURITY_DESCRIPTION, type: "apiKey", name: "authorization", in: "header" },
    },
    security: [{ BearerToken: [] }],
  };
  return { v2, v3, definitions };
}

const V3_REF = "#/components/schemas/";

/** The v3 form of a v2 schema. */
function v3Schema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(v3Schema);
  if (!s || typeof s !== "object") return s;
  const o = s as Schema;
  if (typeof o.$ref === "string") {
    const target = `${V3_REF}${o.$ref.slice(o.$ref.lastIndexOf("/") + 1)}`;
    const { $ref: _r, ...rest } = o;
    if (Object.keys(rest).length === 0) return { $ref: target };
    return { ...(v3Schema(rest) as Schema), allOf: [{ $ref: target }] };
  }
  const out: Schema = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === "properties") {
      out[k] = Object.fromEntries(Object.entries(v as Schema).map(([name, p]) => [name, v3Schema(p)]));
    } else out[k] = k.startsWith("x-kubernetes-") || k === "required" || k === "enum" ? v : v3Schema(v);
  }
  return out;
}

/** A definition's v3 schema: IntOrString and Quantity name their JSON types instead of a string format. */
export function v3Definition(name: string, s: Schema): Schema {
  if (name === "io.k8s.apimachinery.pkg.util.intstr.IntOrString") {
    return { description: s.description, format: "int-or-string", oneOf: [{ type: "integer" }, { type: "string" }] };
  }
  if (name === "io.k8s.apimachinery.pkg.api.resource.Quantity") {
    return { description: s.description, oneOf: [{ type: "string" }, { type: "number" }] };
  }
  return v3Schema(s) as Schema;
}

function v3Operation(op: Schema): Schema {
  const {
    consumes,
    produces,
    schemes: _s,
    parameters,
    responses,
    ...rest
  } = op as Schema & {
    consumes?: string[];
    produces?: string[];
    parameters?: Schema[];
    responses?: Record<string, Schema>;
  };
  const out: Schema = { ...rest };
  const params = (parameters ?? []).filter((p) => p.in !== "body");
  const bodyParam = (parameters ?? []).find((p) => p.in === "body");
  if (params.length > 0) out.parameters = params.map(v3Parameter);
  if (bodyParam) {
    out.requestBody = {
      content: Object.fromEntries((consumes ?? ["*/*"]).map((t) => [t, { schema: v3Schema(bodyParam.schema) }])),
      required: true,
    };
  }
  out.responses = Object.fromEntries(
    Object.entries(responses ?? {}).map(([code, r]) => [
      code,
      r.schema === undefined
        ? { description: r.description }
        : {
            description: r.description,
            content: Object.fromEntries((produces ?? []).map((t) => [t, { schema: v3Schema(r.schema) }])),
          },
    ]),
  );
  return out;
}

function v3Parameter(p: Schema): Schema {
  const { type, uniqueItems, ...rest } = p;
  return { ...rest, schema: { type, uniqueItems } };
}

/** The v3 form of v2 path items: parameters with schemas, request bodies, responses with content. */
export function v3PathsOf(paths: Paths): Schema {
  const v3Paths: Schema = {};
  for (const [path, item] of Object.entries(paths)) {
    const out: Schema = {};
    for (const [method, op] of Object.entries(item)) {
      out[method] = method === "parameters" ? (op as Schema[]).map(v3Parameter) : v3Operation(op as Schema);
    }
    v3Paths[path] = out;
  }
  return v3Paths;
}

function v3Document(paths: Paths, definitions: Definitions, info: Schema): Schema {
  const v3Paths = v3PathsOf(paths);
  const schemas = Object.fromEntries(
    definitions.closure(refsOf(paths)).map((n) => [n, v3Definition(n, definitions.schemas.get(n)!)]),
  );
  return {
    openapi: "3.0.0",
    info,
    paths: v3Paths,
    components: {
      schemas,
      securitySchemes: {
        BearerToken: { type: "apiKey", description: SECURITY_DESCRIPTION, name: "authorization", in: "header" },
      },
    },
    security: [{ BearerToken: [] }],
  };
}
