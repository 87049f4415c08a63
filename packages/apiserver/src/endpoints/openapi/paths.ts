import { type ResourceDefinition, servedSubresource } from "../../registry/resource-definition.js";
import { type Definitions, type Gvk, META, type Schema, subresourceGvk } from "./definitions.js";

// The operations of the served resources as Swagger 2.0 path items, in the
// shape kube-apiserver publishes them: collection and item paths (both
// scopes), subresources, the group-version discovery documents, each
// operation tagged with `x-kubernetes-action` and the
// `x-kubernetes-group-version-kind` clients look operations up by. Only what
// this server serves is listed: JSON in and out, the patch types it applies
// (not server-side apply's). Writes list `fieldValidation`: kubectl looks for
// it on the kind's PATCH before leaving `--validate=strict|warn` to the
// server (without it, it validates manifests itself against /openapi/v2).

export type PathItem = { [method: string]: unknown };
export type Paths = { [path: string]: PathItem };

const ref = (name: string) => ({ $ref: `#/definitions/${name}` });

const query = (name: string, type: string, description: string) => ({
  uniqueItems: true,
  type,
  description,
  name,
  in: "query",
});
const pathParam = (name: string, description: string) => ({
  uniqueItems: true,
  type: "string",
  description,
  name,
  in: "path",
  required: true,
});
const body = (schema: Schema) => ({ name: "body", in: "body", required: true, schema });

const PRETTY = query("pretty", "string", "If 'true', the output is pretty printed.");
const NAME = (kind: string) => pathParam("name", `name of the ${kind}`);
const NAMESPACE = pathParam("namespace", "object name and auth scope, such as for teams and projects");
const DRY_RUN = query(
  "dryRun",
  "string",
  "When present, modifications are not persisted. The only valid value is All: run every stage of the request without storing the result.",
);
const FIELD_MANAGER = query(
  "fieldManager",
  "string",
  "A name for the actor or entity making these changes; at most 128 printable characters.",
);
const FIELD_VALIDATION = query(
  "fieldValidation",
  "string",
  "What to do with unknown or duplicate fields in the object of a create, update or patch: Ignore (drop them silently, the last duplicate winning), Warn (the default: drop them and send a Warning header for each) or Strict (fail the request with a BadRequest listing them all).",
);
const WRITE_PARAMS = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];
const LIST_PARAMS = [
  query("allowWatchBookmarks", "boolean", "Asks a watch for BOOKMARK events; the server may send them or not."),
  query("continue", "string", "The continue token of the previous page of a paginated list."),
  query("fieldSelector", "string", "Restricts the objects returned by their fields. Defaults to everything."),
  query("labelSelector", "string", "Restricts the objects returned by their labels. Defaults to everything."),
  query("limit", "integer", "The largest number of objects to return in one response; more come with `continue`."),
  query("resourceVersion", "string", "Which version of the collection to answer with, or to watch from."),
  query("resourceVersionMatch", "string", "How resourceVersion applies to a list: Exact or NotOlderThan."),
  query("sendInitialEvents", "boolean", "Whether a watch starts with the current objects as synthetic ADDED events."),
  query("timeoutSeconds", "integer", "How long a list or watch call may last, whatever happens."),
  query(
    "watch",
    "boolean",
    "Watch for changes to the described objects and stream them as add, update and remove events.",
  ),
];
const DELETE_PARAMS = [
  DRY_RUN,
  query("gracePeriodSeconds", "integer", "Seconds before the object is deleted; zero deletes at once."),
  query("orphanDependents", "boolean", "Deprecated: use propagationPolicy."),
  query(
    "propagationPolicy",
    "string",
    "Whether and how dependents are garbage collected: Orphan, Background or Foreground.",
  ),
];

const UNAUTHORIZED = { "401": { description: "Unauthorized" } };
const ok = (schema: Schema) => ({ "200": { description: "OK", schema }, ...UNAUTHORIZED });
const written = (schema: Schema, codes: string[]) => ({
  ...Object.fromEntries(
    codes.map((c) => [c, { description: c === "200" ? "OK" : c === "201" ? "Created" : "Accepted", schema }]),
  ),
  ...UNAUTHORIZED,
});

const JSON_ONLY = ["application/json"];
const PATCH_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
];

/** "apps" → "Apps", "rbac.authorization.k8s.io" → "RbacAuthorization", "" → "Core". */
function groupWord(group: string): string {
  if (group === "") return "Core";
  return group
    .replace(/\.k8s\.io$/, "")
    .split(".")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
}

/** The tag kube groups a group version's operations under ("apps_v1", "rbacAuthorization_v1", "core_v1"). */
function tagOf(group: string, version: string): string {
  const w = groupWord(group);
  return `${w.charAt(0).toLowerCase()}${w.slice(1)}_${version}`;
}

export function groupVersionPath(group: string, version: string): string {
  return group === "" ? `/api/${version}` : `/apis/${group}/${version}`;
}

interface OperationSpec {
  action: string;
  verb: string;
  description: string;
  gvk: Gvk;
  /** The kind word of the operation id ("NamespacedDeployment", "PodForAllNamespaces"). */
  idKind: string;
  parameters: unknown[];
  responses: unknown;
  consumes?: string[];
  produces?: string[];
}

function operation(d: ResourceDefinition, o: OperationSpec): Record<string, unknown> {
  const id = `${o.verb}${groupWord(d.group)}${d.version.charAt(0).toUpperCase()}${d.version.slice(1)}${o.idKind}`;
  return {
    description: o.description,
    consumes: o.consumes ?? ["*/*"],
    produces: o.produces ?? JSON_ONLY,
    schemes: ["https"],
    tags: [tagOf(d.group, d.version)],
    operationId: id,
    parameters: o.parameters,
    responses: o.responses,
    "x-kubernetes-action": o.action,
    "x-kubernetes-group-version-kind": { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version },
  };
}

/** The path items of one resource and its served subresources. */
function resourcePaths(d: ResourceDefinition, defs: Definitions): Paths {
  const out: Paths = {};
  const gvk: Gvk = { group: d.group, version: d.version, kind: d.kind };
  const kindRef = ref(defs.nameOf(d.group, d.version, d.kind)!);
  const base = groupVersionPath(d.group, d.version);
  const ns = d.namespaced ? "Namespaced" : "";
  const collection = d.namespaced ? `${base}/namespaces/{namespace}/${d.resource}` : `${base}/${d.resource}`;
  const scope = d.namespaced ? [NAMESPACE, PRETTY] : [PRETTY];
  const has = (v: string) => d.verbs.includes(v);

  const coll: PathItem = {};
  if (has("list")) {
    const listRef = ref(defs.nameOf(d.group, d.version, d.listKind)!);
    // A resource that cannot be watched (componentstatuses) lists only, as kube's installer words it.
    const watchable = has("watch");
    coll.get = operation(d, {
      action: "list",
      verb: "list",
      description: watchable ? `list or watch objects of kind ${d.kind}` : `list objects of kind ${d.kind}`,
      gvk,
      idKind: `${ns}${d.kind}`,
      parameters: LIST_PARAMS,
      responses: ok(listRef),
      produces: watchable ? [...JSON_ONLY, "application/json;stream=watch"] : JSON_ONLY,
    });
    if (d.namespaced) {
      out[`${base}/${d.resource}`] = {
        get: operation(d, {
          action: "list",
          verb: "list",
          description: `list or watch objects of kind ${d.kind}`,
          gvk,
          idKind: `${d.kind}ForAllNamespaces`,
          parameters: LIST_PARAMS,
          responses: ok(listRef),
          produces: [...JSON_ONLY, "application/json;stream=watch"],
        }),
        parameters: [PRETTY],
      };
    }
  }
  if (has("create")) {
    coll.post = operation(d, {
      action: "post",
      verb: "create",
      description: `create ${article(d.kind)} ${d.kind}`,
      gvk,
      idKind: `${ns}${d.kind}`,
      parameters: [body(kindRef), ...WRITE_PARAMS],
      responses: written(kindRef, ["200", "201", "202"]),
    });
  }
  if (has("deletecollection")) {
    coll.delete = operation(d, {
      action: "deletecollection",
      verb: "delete",
      description: `delete collection of ${d.kind}`,
      gvk,
      idKind: `Collection${ns}${d.kind}`,
      parameters: [body(ref(`${META}.DeleteOptions`)), ...DELETE_PARAMS, ...LIST_PARAMS],
      responses: ok(ref(`${META}.Status`)),
    });
  }
  if (Object.keys(coll).length > 0) out[collection] = { ...coll, parameters: scope };

  const item: PathItem = {};
  const itemParams = [NAME(d.kind), ...scope];
  if (has("get")) {
    item.get = operation(d, {
      action: "get",
      verb: "read",
      description: `read the specified ${d.kind}`,
      gvk,
      idKind: `${ns}${d.kind}`,
      parameters: [],
      responses: ok(kindRef),
    });
  }
  if (has("update")) {
    item.put = operation(d, {
      action: "put",
      verb: "replace",
      description: `replace the specified ${d.kind}`,
      gvk,
      idKind: `${ns}${d.kind}`,
      parameters: [body(kindRef), ...WRITE_PARAMS],
      responses: written(kindRef, ["200", "201"]),
    });
  }
  if (has("patch")) {
    item.patch = patchOperation(d, gvk, kindRef, `${ns}${d.kind}`, `partially update the specified ${d.kind}`);
  }
  if (has("delete")) {
    item.delete = operation(d, {
      action: "delete",
      verb: "delete",
      description: `delete ${article(d.kind)} ${d.kind}`,
      gvk,
      idKind: `${ns}${d.kind}`,
      parameters: [body(ref(`${META}.DeleteOptions`)), ...DELETE_PARAMS],
      responses: written(ref(`${META}.Status`), ["200", "202"]),
    });
  }
  if (Object.keys(item).length > 0) out[`${collection}/{name}`] = { ...item, parameters: itemParams };

  for (const s of d.subresources ?? []) {
    if (!servedSubresource(d, s.name)) continue;
    const subGvk = subresourceGvk(d, s);
    const subRef = ref(defs.nameOf(subGvk.group, subGvk.version, subGvk.kind)!);
    const word = s.name.charAt(0).toUpperCase() + s.name.slice(1);
    const idKind = `${ns}${d.kind}${word}`;
    const what = s.name === "status" ? `status of the specified ${d.kind}` : `${s.name} of the specified ${d.kind}`;
    const sub: PathItem = {};
    if (s.verbs.includes("get")) {
      sub.get = operation(d, {
        action: "get",
        verb: "read",
        description: `read ${what}`,
        gvk: subGvk,
        idKind,
        parameters: [],
        responses: ok(subRef),
      });
    }
    if (s.verbs.includes("create")) {
      sub.post = operation(d, {
        action: "post",
        verb: "create",
        description: `create ${s.name} of ${article(d.kind)} ${d.kind}`,
        gvk: subGvk,
        idKind,
        parameters: [body(subRef), ...WRITE_PARAMS],
        responses: written(subRef, ["200", "201", "202"]),
      });
    }
    if (s.verbs.includes("update")) {
      sub.put = operation(d, {
        action: "put",
        verb: "replace",
        description: `replace ${what}`,
        gvk: subGvk,
        idKind,
        parameters: [body(subRef), ...WRITE_PARAMS],
        responses: written(subRef, ["200", "201"]),
      });
    }
    if (s.verbs.includes("patch")) sub.patch = patchOperation(d, subGvk, subRef, idKind, `partially update ${what}`);
    out[`${collection}/{name}/${s.name}`] = {
      ...sub,
      parameters: [pathParam("name", `name of the ${subGvk.kind}`), ...scope],
    };
  }
  return out;
}

function patchOperation(d: ResourceDefinition, gvk: Gvk, result: Schema, idKind: string, description: string) {
  return operation(d, {
    action: "patch",
    verb: "patch",
    description,
    gvk,
    idKind,
    parameters: [body(ref(`${META}.Patch`)), ...WRITE_PARAMS],
    responses: written(result, ["200", "201"]),
    consumes: PATCH_TYPES,
  });
}

const article = (kind: string) => (/^[AEIOU]/.test(kind) ? "an" : "a");

/** GET <group version>/: the APIResourceList of a group version. */
function resourceListPath(group: string, version: string): Paths {
  return {
    [`${groupVersionPath(group, version)}/`]: {
      get: {
        description: "get available resources",
        consumes: ["application/json"],
        produces: JSON_ONLY,
        schemes: ["https"],
        tags: [tagOf(group, version)],
        operationId: `get${groupWord(group)}${version.charAt(0).toUpperCase()}${version.slice(1)}APIResources`,
        responses: ok(ref(`${META}.APIResourceList`)),
      },
    },
  };
}

/** The paths of one served group version: its resources' operations and its discovery document. */
export function groupVersionPaths(resources: ResourceDefinition[], defs: Definitions): Paths {
  const first = resources[0]!;
  const out: Paths = resourceListPath(first.group, first.version);
  for (const d of resources) Object.assign(out, resourcePaths(d, defs));
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function discoveryOperation(path: string, tag: string, id: string, description: string, result: string): Paths {
  return {
    [path]: {
      get: {
        description,
        consumes: ["application/json"],
        produces: JSON_ONLY,
        schemes: ["https"],
        tags: [tag],
        operationId: id,
        responses: ok(ref(result)),
      },
    },
  };
}

/** GET /api/: the core API versions. */
export const coreVersionsPaths = () =>
  discoveryOperation("/api/", "core", "getCoreAPIVersions", "get available API versions", `${META}.APIVersions`);

/** GET /apis/: the API groups. */
export const groupsPaths = () =>
  discoveryOperation("/apis/", "apis", "getAPIVersions", "get available API versions", `${META}.APIGroupList`);

/** GET /apis/<group>/: one API group. */
export function groupPaths(group: string): Paths {
  const w = groupWord(group);
  return discoveryOperation(
    `/apis/${group}/`,
    `${w.charAt(0).toLowerCase()}${w.slice(1)}`,
    `get${w}APIGroup`,
    "get information of a group",
    `${META}.APIGroup`,
  );
}

/** GET /version/: the server's version. */
export const versionPaths = () =>
  discoveryOperation(
    "/version/",
    "version",
    "getCodeVersion",
    "get the code version",
    "io.k8s.apimachinery.pkg.version.Info",
  );
