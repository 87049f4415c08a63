import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import {
  badRequest,
  internalError,
  methodNotSupported,
  notAcceptable,
  notFound,
  parseFieldSelector,
  parseLabelSelector,
  StatusError,
  unauthorized,
  unsupportedMediaType,
} from "@wharf/apimachinery";
import type { Crd } from "../apiextensions/crd-validation.js";
import type { UserInfo } from "../auth/user-info.js";
import type { ComponentStatuses } from "../registry/component-statuses.js";
import type { GenericStore, KubeObject, ListQuery, UpdateMode, WatchEvent } from "../registry/generic-store.js";
import type { NamespaceLifecycle } from "../registry/namespace-lifecycle.js";
import { evictPod } from "../registry/pod-eviction.js";
import { type ResourceDefinition, servedSubresource } from "../registry/resource-definition.js";
import { applyApproval } from "../registry/resources/certificates.js";
import { checkWriteOptions, isApplyPatch, serveApply, updateTracker } from "./apply/apply-endpoint.js";
import { serveScaleApply } from "./apply/scale-apply.js";
import { serveComponentStatuses } from "./component-status-endpoint.js";
import { serveDelete, serveNamespaceDelete } from "./delete.js";
import { type ApiGroupInfo, aggregatedHeaders, Discovery, wantsAggregated } from "./discovery.js";
import { type FieldsTarget, FieldValidator, fieldsTargetOf } from "./field-validation/field-validation.js";
import { goJson, goValue } from "./field-validation/go-print.js";
import { goJsonSyntaxError } from "./go-json-syntax.js";
import { readBodyBytes, writeJson } from "./http-io.js";
import { type InflightLimit, writeTooManyRequests } from "./inflight-limit.js";
import { applyStrategicMergePatch } from "./openapi.js";
import { applyJsonPatch, applyMergePatch, BUILTIN_PATCH_TYPES, checkPatchType } from "./patch.js";
import { checkBodyKind, decodeObjectBody } from "./request-body.js";
import { bindPod, review, scaleMerge, toScale } from "./subresources.js";
import { type TableOptions, toTable, wantsTable } from "./table.js";
import { Warnings } from "./warnings.js";

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

/** A watch whose client leaves more than this unread (beyond its initial events) is closed; the client re-watches. */
export const DEFAULT_MAX_WATCH_BUFFERED_BYTES = 8 * 1024 * 1024;

export interface ApiHandlerOptions {
  /** Who is calling; undefined answers 401. */
  authenticate(req: Req): UserInfo | undefined;
  /** --max-requests-inflight and --max-mutating-requests-inflight. */
  inflight?: InflightLimit;
  stores: GenericStore[];
  /** Every served resource, stored or not (reviews, bindings); the stores' definitions unless given. */
  resources?: ResourceDefinition[];
  /** The API groups under /apis in kube's order, preferred version first. */
  groups: ApiGroupInfo[];
  /** Authenticates a bearer token for TokenReview. */
  reviewToken?(token: string): UserInfo | undefined;
  /** Creates only in existing, non-terminating namespaces; namespace deletion through termination. */
  lifecycle: NamespaceLifecycle;
  version: Record<string, string>;
  /** Readiness of the storage behind the server. */
  ready(): Promise<boolean>;
  /** Bytes a watch may leave unread beyond its initial events before it is closed (default 8 MiB). */
  maxWatchBufferedBytes?: number;
  /** Resources served at run time (CRDs' custom resources): looked up after the built-in ones. */
  customResources?: CustomResourceRoutes;
  /** The components core/v1 componentstatuses probes; without it that resource answers as create-only. */
  componentStatuses?: ComponentStatuses;
}

/** The run-time part of the served API: routes by "/apis/<group>/<version>/<resource>", and what discovery lists. */
export interface CustomResourceRoutes {
  lookup(path: string): { def: ResourceDefinition; store: GenericStore } | undefined;
  definitions(): ResourceDefinition[];
  groups(): ApiGroupInfo[];
  /** The CRD a custom resource definition serves (its schema checks request fields). */
  crdOf?(def: ResourceDefinition): Crd | undefined;
  /** Changes whenever the above do. */
  readonly generation: number;
}

export function writeStatusError(res: Res, e: unknown): void {
  const err = e instanceof StatusError ? e : internalError(e instanceof Error ? e : new Error(String(e)));
  // kube's error writer turns a status's retry-after period into the header clients wait on.
  const retryAfter = err.status.details?.retryAfterSeconds;
  if (retryAfter !== undefined && retryAfter > 0) res.setHeader("retry-after", String(retryAfter));
  writeJson(res, err.status.code, err.status);
}

/** A create-only body (reviews, bindings) of `def`'s kind. */
async function readBody(req: Req, def: ResourceDefinition, known: readonly ResourceDefinition[]): Promise<KubeObject> {
  const text = await readBodyText(req);
  const obj = asObject(decodeObjectBody(text, req.headers["content-type"], def.kind).value ?? {});
  checkBodyKind(obj, def, known);
  return obj;
}

/**
 * An object: kube decodes bodies into objects, and anything else (null,
 * an array, a scalar) is a 400 before anything is stored.
 */
function asObject(value: unknown): KubeObject {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as KubeObject;
  if (value === null) throw badRequest("Object 'Kind' is missing in 'null'");
  const type = Array.isArray(value) ? "array" : typeof value === "boolean" ? "bool" : typeof value;
  throw badRequest(
    `couldn't get version/kind; json parse error: json: cannot unmarshal ${type} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
  );
}

/**
 * A patch body (JSON): malformed JSON is kube's 400 — `error decoding
 * patch: <Go's syntax error>` when fieldValidation decodes it strictly
 * (Warn, Strict), else the patch library's error.
 */
function parsePatch(text: string, type: string, fv: FieldValidator): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const goError = goJsonSyntaxError(text) ?? (e as Error).message;
    const merge = type.startsWith("application/merge-patch+json");
    if (type.startsWith("application/strategic-merge-patch+json")) throw badRequest(goError);
    if (fv.directive !== "Ignore") throw badRequest(`error decoding patch: ${goError}`);
    throw badRequest(merge ? "Invalid JSON Patch" : goError);
  }
}

/** What kube's strict decode of a JSON patch into `[]jsonPatchOp` refuses (fieldValidation Warn or Strict). */
function jsonPatchShapeError(patch: unknown): string | undefined {
  const goType = (v: unknown) =>
    Array.isArray(v) ? "array" : v === null ? "null" : typeof v === "boolean" ? "bool" : typeof v;
  if (patch === null) return undefined;
  if (!Array.isArray(patch)) {
    return `json: cannot unmarshal ${goType(patch)} into Go value of type []handlers.jsonPatchOp`;
  }
  for (const op of patch) {
    if (op === null) continue;
    if (typeof op !== "object" || Array.isArray(op)) {
      return `json: cannot unmarshal ${goType(op)} into Go value of type handlers.jsonPatchOp`;
    }
    for (const key of ["op", "path", "from"]) {
      const v = (op as Record<string, unknown>)[key];
      if (v !== undefined && v !== null && typeof v !== "string") {
        return `json: cannot unmarshal ${goType(v)} into Go struct field jsonPatchOp.${key} of type string`;
      }
    }
  }
  return undefined;
}

/** The request body as text, within kube's size limit; 415 for protobuf (not served). */
async function readBodyText(req: Req): Promise<string> {
  const type = String(req.headers["content-type"] ?? "application/json");
  const body = await readBodyBytes(req);
  if (type.includes("protobuf")) throw unsupportedMediaType();
  return body.toString("utf8");
}

interface Route {
  def: ResourceDefinition;
  /** Undefined for create-only resources that are never stored. */
  store?: GenericStore;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** What the fields of writes to the resource (or a subresource of it) are checked against. */
  fields?: (subresource?: string) => FieldsTarget | undefined;
  /** The built-in kinds a body's kind is decoded among; undefined for custom resources. */
  known?: readonly ResourceDefinition[];
}

const pathOf = (d: ResourceDefinition) => `${d.group === "" ? "/api" : `/apis/${d.group}`}/${d.version}/${d.resource}`;

/**
 * The REST endpoints of the registry's resources and their subresources,
 * plus discovery, health and version: a thin adapter from HTTP to
 * GenericStore.
 */
export function apiHandler(o: ApiHandlerOptions): (req: Req, res: Res) => void {
  const byPath = new Map<string, { def: ResourceDefinition; store?: GenericStore }>();
  for (const def of o.resources ?? o.stores.map((s) => s.def)) byPath.set(pathOf(def), { def });
  for (const s of o.stores) byPath.set(pathOf(s.def), { def: s.def, store: s });
  const builtinDefs = [...byPath.values()].map((e) => e.def);
  let discovery = new Discovery(builtinDefs, o.groups);
  let discoveryGeneration = -1;
  const currentDiscovery = (): Discovery => {
    const c = o.customResources;
    if (c && c.generation !== discoveryGeneration) {
      discoveryGeneration = c.generation;
      discovery = new Discovery([...builtinDefs, ...c.definitions()], [...o.groups, ...c.groups()]);
    }
    return discovery;
  };

  const route = (path: string): Route | undefined => {
    const m = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\/(.*)$/.exec(path);
    if (!m) return undefined;
    const base = m[1]!;
    // Segments are split first and then unescaped, as Go's router does: `system%3Adiscovery` names system:discovery.
    const parts = m[2]!
      .split("/")
      .filter((p) => p !== "")
      .map(unescapeSegment);
    // /namespaces/{ns}/{resource}[/{name}[/{subresource}]] for namespaced resources.
    if (parts[0] === "namespaces" && parts.length >= 3) {
      const e = byPath.get(`${base}/${parts[2]}`) ?? o.customResources?.lookup(`${base}/${parts[2]}`);
      if (e?.def.namespaced && parts.length <= 5) {
        return { ...e, namespace: parts[1], name: parts[3], subresource: parts[4] };
      }
    }
    // /{resource}[/{name}[/{subresource}]]: cluster-scoped resources, and lists across namespaces.
    const e = byPath.get(`${base}/${parts[0]}`) ?? o.customResources?.lookup(`${base}/${parts[0]}`);
    if (e && parts.length <= 3 && (parts.length === 1 || !e.def.namespaced)) {
      return { ...e, name: parts[1], subresource: parts[2] };
    }
    return undefined;
  };

  const serveDiscovery = (path: string, accept: string, res: Res): boolean => {
    const discovery = currentDiscovery();
    if (path === "/api" || path === "/apis") {
      const version = wantsAggregated(accept);
      if (version) {
        const text = JSON.stringify(discovery.aggregated(path, version));
        res.writeHead(200, { ...aggregatedHeaders(version, text), "content-length": Buffer.byteLength(text) });
        res.end(text);
        return true;
      }
      writeJson(res, 200, path === "/api" ? discovery.apiVersions() : discovery.groupList());
      return true;
    }
    if (path === "/version") {
      writeJson(res, 200, o.version);
      return true;
    }
    const m = /^\/api\/(v1)$|^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (!m) return false;
    const doc = m[1]
      ? discovery.resourceList("", m[1])
      : m[3] === undefined
        ? discovery.group(m[2]!)
        : discovery.resourceList(m[2]!, m[3]);
    if (!doc) return false;
    writeJson(res, 200, doc);
    return true;
  };

  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    void (async () => {
      try {
        // Authorization allows every authenticated user for now (RBAC comes with a later step).
        const user = o.authenticate(req);
        if (!user) throw unauthorized();
        const release = o.inflight?.enter(String(req.method), isLongRunning(url), user);
        if (release === false) return writeTooManyRequests(res);
        if (release) {
          res.once("close", release);
          res.once("finish", release);
        }
        if (["/healthz", "/livez", "/readyz"].includes(path)) {
          // kube 1.28 adds its etcd check to all three (AddHealthChecks); a failure is always listed, reason withheld.
          const ok = await o.ready();
          const verbose = url.searchParams.has("verbose");
          const name = path.slice(1);
          res.writeHead(ok ? 200 : 500, { "content-type": "text/plain; charset=utf-8" });
          res.end(
            !ok
              ? `[-]etcd failed: reason withheld\n${name} check failed\n`
              : verbose
                ? `[+]etcd ok\n${name} check passed\n`
                : "ok",
          );
          return;
        }
        if (req.method === "GET" && serveDiscovery(path, String(req.headers.accept ?? ""), res)) return;
        const r = route(path);
        if (!r)
          throw notFound({ group: "", resource: "" }, "").withMessage(
            "the server could not find the requested resource",
          );
        if (byPath.has(pathOf(r.def))) r.known = builtinDefs;
        if (!r.store && r.def.kind === "ComponentStatus" && r.def.group === "" && o.componentStatuses) {
          return await serveComponentStatuses(r.def, o.componentStatuses, r.name, req, res, url);
        }
        if (!r.store) return await serveCreateOnly(r, req, res, user, o);
        r.fields = (sub) => fieldsTargetOf(r.def, sub, o.customResources?.crdOf?.(r.def));
        if (r.subresource !== undefined) return await serveSubresource(r, req, res, url, o.stores);
        if (req.method === "DELETE" && r.def.resource === "namespaces" && r.def.group === "" && r.name) {
          return await serveNamespaceDelete(o.lifecycle, r.name, req, res, url);
        }
        await serveResource(r, req, res, url, o.lifecycle, o.maxWatchBufferedBytes);
      } catch (e) {
        if (!res.headersSent) writeStatusError(res, e);
        else res.end();
      }
    })();
  };
}

/** kube's long-running requests, which no in-flight limit counts: watches (and the streaming subresources, not served yet). */
function isLongRunning(url: URL): boolean {
  const watch = url.searchParams.get("watch");
  return watch === "true" || watch === "1";
}

const qualified = (d: ResourceDefinition, sub?: string) => ({
  group: d.group,
  resource: sub ? `${d.resource}/${sub}` : d.resource,
});

/** POST on a resource that is answered, not stored: the reviews and core/v1 bindings. */
async function serveCreateOnly(r: Route, req: Req, res: Res, user: UserInfo, o: ApiHandlerOptions): Promise<void> {
  if (req.method !== "POST" || r.name !== undefined) {
    throw methodNotSupported(qualified(r.def), String(req.method).toLowerCase());
  }
  const body = await readBody(req, r.def, r.known ?? []);
  if (r.def.group === "" && r.def.resource === "bindings") {
    const pods = o.stores.find((s) => s.def.group === "" && s.def.resource === "pods")!;
    const dryRun = new URL(req.url ?? "/", "http://x").searchParams.getAll("dryRun").includes("All");
    return writeJson(res, 201, await bindPod(pods, r.namespace ?? "", undefined, body, dryRun));
  }
  const answer = review(r.def, body, {
    user,
    namespace: r.namespace,
    reviewToken: (t) => o.reviewToken?.(t),
  });
  writeJson(res, 201, answer);
}

/** The field validation of a write: its directive, and its warnings in the response's headers. */
function fieldValidator(q: URLSearchParams, res: Res): FieldValidator {
  const warnings = new Warnings(res);
  return new FieldValidator(q, (text) => warnings.add(text));
}

/**
 * A create or update body (JSON, or YAML by content type) of `r`'s kind,
 * its fields checked against `target`.
 */
async function readObject(
  req: Req,
  r: Route,
  fv: FieldValidator,
  target: FieldsTarget | undefined,
  /** An update's name on the URL, which the body's must equal. */
  urlName?: string,
): Promise<KubeObject> {
  const text = await readBodyText(req);
  const { value, yamlDuplicates } = decodeObjectBody(text, req.headers["content-type"], target?.kind ?? r.def.kind);
  // Built-in kinds decode `null` into an empty object (then validation speaks); custom resources refuse it.
  const obj = asObject(value === null && r.known ? {} : value);
  if (r.known) checkBodyKind(obj, bodyDef(r), r.known);
  const decoded = fv.decodeObject(text, obj, target, yamlDuplicates);
  // kube's EnsureObjectNamespaceMatchesRequestNamespace, before any name check.
  const ns = (decoded.metadata as { namespace?: unknown } | undefined)?.namespace;
  if (r.def.namespaced && r.namespace !== undefined && typeof ns === "string" && ns !== "" && ns !== r.namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  // kube's checkName: a body without a name does not match either.
  const bodyName = (decoded.metadata as { name?: unknown } | undefined)?.name;
  if (urlName !== undefined && (bodyName ?? "") !== urlName) {
    throw badRequest(
      `the name of the object (${String(bodyName ?? "")}) does not match the name on the URL (${urlName})`,
    );
  }
  return decoded;
}

/** The definition whose kind a write's body must have: the resource's, or for /scale autoscaling/v1 Scale. */
function bodyDef(r: Route): ResourceDefinition {
  return r.subresource === "scale" ? { ...r.def, group: "autoscaling", version: "v1", kind: "Scale" } : r.def;
}

/** Applies a PATCH body of the request's patch type to `current`; the result's fields checked against `target`. */
async function patched(
  req: Req,
  current: KubeObject,
  fv: FieldValidator,
  target: FieldsTarget | undefined,
): Promise<{ next: KubeObject; patch: unknown }> {
  const type = String(req.headers["content-type"] ?? "");
  const text = await readBodyText(req);
  const patch = parsePatch(text, type, fv);
  let next: KubeObject;
  const jsonPatch = type.startsWith("application/json-patch+json");
  if (jsonPatch) {
    const shape = fv.directive === "Ignore" ? undefined : jsonPatchShapeError(patch);
    if (shape) throw badRequest(`error decoding patch: ${shape}`);
    try {
      next = applyJsonPatch(current, patch ?? []) as KubeObject;
    } catch (e) {
      // kube answers every failing operation with the same generic 422 (the library's text is not shown).
      if (e instanceof StatusError && e.status.code === 422) {
        throw new StatusError({
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: "the server rejected our request due to an error in our request",
          reason: "Invalid",
          details: {},
          code: 422,
        });
      }
      throw e;
    }
  } else if (type.startsWith("application/merge-patch+json")) next = applyMergePatch(current, patch) as KubeObject;
  else if (type.startsWith("application/strategic-merge-patch+json")) {
    next = applyStrategicMergePatch(current, patch) as KubeObject;
  } else throw unsupportedMediaType();
  // A merge patch that is not an object replaces the whole document (RFC 7386).
  next = asObject(next);
  const strategic = type.startsWith("application/strategic-merge-patch+json");
  next = fv.checkPatched(next, fv.patchErrors(text, jsonPatch), target, () =>
    strategic ? goValue(patch) : goJson(next),
  );
  // The patch was computed against `current`: write only if the object is still at that version.
  const meta = { ...(next.metadata ?? {}) };
  if (!(patch as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion) {
    meta.resourceVersion = (current.metadata as { resourceVersion: string }).resourceVersion;
  }
  return { next: { ...next, metadata: meta }, patch };
}

/**
 * status, scale, approval, ephemeralcontainers and finalize (GET, PUT,
 * PATCH as kube lists them) and pods/binding (POST).
 */
async function serveSubresource(r: Route, req: Req, res: Res, url: URL, stores: GenericStore[]): Promise<void> {
  const store = r.store!;
  const sub = r.subresource!;
  const spec = r.name === undefined ? undefined : servedSubresource(r.def, sub);
  if (!spec)
    throw notFound({ group: "", resource: "" }, "").withMessage("the server could not find the requested resource");
  const verb = { GET: "get", PUT: "update", PATCH: "patch", POST: "create" }[String(req.method)] ?? "";
  if (!spec.verbs.includes(verb)) throw methodNotSupported(qualified(r.def, sub), String(req.method).toLowerCase());
  if (verb === "patch") checkPatchType(req.headers["content-type"], r.def.patchTypes ?? BUILTIN_PATCH_TYPES);
  const dryRun = url.searchParams.getAll("dryRun").includes("All");
  const name = r.name!;
  if (sub === "binding") {
    const binding = await readBody(req, { ...r.def, kind: "Binding" }, r.known ?? []);
    return writeJson(res, 201, await bindPod(store, r.namespace!, name, binding, dryRun));
  }
  if (sub === "eviction") {
    // policy/v1 Eviction, or the v1beta1 one kube still takes here.
    const text = await readBodyText(req);
    const eviction = asObject(decodeObjectBody(text, req.headers["content-type"], "Eviction").value ?? {});
    const version = eviction.apiVersion === "policy/v1beta1" ? "v1beta1" : "v1";
    checkBodyKind(eviction, { ...r.def, group: "policy", version, kind: "Eviction" }, r.known ?? []);
    const pdbs = stores.find((s) => s.def.group === "policy" && s.def.resource === "poddisruptionbudgets")!;
    return writeJson(res, 201, await evictPod(store, pdbs, r.namespace!, name, eviction, dryRun));
  }
  if (sub === "scale") {
    const scaleOf = r.def.scaleAdapter?.toScale ?? ((obj: KubeObject) => toScale(r.def, obj));
    const current = scaleOf(await store.get(r.namespace, name));
    if (verb === "get") return writeJson(res, 200, current);
    if (verb === "patch" && isApplyPatch(req.headers["content-type"])) {
      const applied = await serveScaleApply({
        store,
        namespace: r.namespace,
        name,
        body: await readBodyText(req),
        query: url.searchParams,
        toScale: scaleOf,
        merge: r.def.scaleAdapter?.merge ?? scaleMerge,
        replicasPath: r.def.scaleAdapter?.replicasPath ?? ["spec", "replicas"],
        fields: { validator: fieldValidator(url.searchParams, res), target: r.fields?.(sub) },
      });
      return writeJson(res, 200, applied);
    }
    checkWriteOptions(url.searchParams, verb === "update" ? "update" : "patch");
    const fv = fieldValidator(url.searchParams, res);
    const target = r.fields?.(sub);
    const scale =
      verb === "update" ? await readObject(req, r, fv, target, name) : (await patched(req, current, fv, target)).next;
    const merge = (r.def.scaleAdapter?.merge ?? scaleMerge)(scale);
    const meta = (scale.metadata ?? {}) as { name?: string; resourceVersion?: string };
    const updated = await store.write(
      r.namespace,
      name,
      { metadata: { name: meta.name ?? name, resourceVersion: meta.resourceVersion } },
      (_req, stored) => merge(stored),
      dryRun,
      true,
      updateTracker(r.def, sub, url.searchParams, req.headers["user-agent"]),
    );
    return writeJson(res, 200, scaleOf(updated));
  }
  // The rest are views of the whole object that write part of it.
  const mode: UpdateMode =
    sub === "status"
      ? "status"
      : sub === "approval"
        ? applyApproval
        : sub === "finalize"
          ? (next, stored) => ({ ...next, status: stored.status })
          : // ephemeralcontainers: only spec.ephemeralContainers comes from the request.
            (next, stored) => ({
              ...stored,
              metadata: next.metadata,
              spec: {
                ...((stored.spec as object) ?? {}),
                ephemeralContainers: (next.spec as { ephemeralContainers?: unknown } | undefined)?.ephemeralContainers,
              },
            });
  if (verb === "get") return writeJson(res, 200, await store.get(r.namespace, name));
  if (verb === "patch" && sub === "status" && isApplyPatch(req.headers["content-type"])) {
    const applied = await serveApply({
      store,
      namespace: r.namespace,
      name,
      subresource: sub,
      body: await readBodyText(req),
      query: url.searchParams,
      fields: { validator: fieldValidator(url.searchParams, res), target: r.fields?.(sub) },
    });
    return writeJson(res, applied.code, applied.body);
  }
  checkWriteOptions(url.searchParams, verb === "update" ? "update" : "patch");
  const fv = fieldValidator(url.searchParams, res);
  const target = r.fields?.(sub);
  const body =
    verb === "update"
      ? await readObject(req, r, fv, target, name)
      : (await patched(req, await store.get(r.namespace, name), fv, target)).next;
  const track = updateTracker(r.def, sub, url.searchParams, req.headers["user-agent"]);
  // kube's namespace finalize strategy validates metadata and the finalizer names.
  const validate = sub === "finalize" ? true : undefined;
  writeJson(res, 200, await store.write(r.namespace, name, body, mode, dryRun, validate, track));
}

async function serveResource(
  r: Route,
  req: Req,
  res: Res,
  url: URL,
  lifecycle: NamespaceLifecycle,
  maxWatchBufferedBytes = DEFAULT_MAX_WATCH_BUFFERED_BYTES,
): Promise<void> {
  const store = r.store!;
  const q = url.searchParams;
  const dryRun = q.getAll("dryRun").includes("All");
  const accept = String(req.headers.accept ?? "");
  if (accept !== "" && !/application\/json|\*\/\*|application\/\*/.test(accept)) throw notAcceptable();
  switch (req.method) {
    case "GET": {
      const table = { includeObject: q.get("includeObject"), accept };
      if (r.name !== undefined) {
        const obj = await store.get(r.namespace, r.name);
        return writeJson(res, 200, wantsTable(accept) ? toTable(store.def, obj, table) : obj);
      }
      const query: ListQuery = {
        namespace: r.namespace,
        labelSelector: q.has("labelSelector") ? parseLabelSelector(q.get("labelSelector")!) : undefined,
        fieldSelector: q.has("fieldSelector") ? parseFieldSelector(q.get("fieldSelector")!) : undefined,
        limit: q.has("limit") ? Number(q.get("limit")) : undefined,
        continueToken: q.get("continue") ?? undefined,
        resourceVersion: q.get("resourceVersion") ?? undefined,
        resourceVersionMatch: q.get("resourceVersionMatch") ?? undefined,
        sendInitialEvents: q.has("sendInitialEvents") ? isTrue(q.get("sendInitialEvents")) : undefined,
      };
      if (isTrue(q.get("watch"))) {
        // A watch answers 200 before its first event: refuse bad selectors and options first.
        store.checkWatch(query);
        if (wantsTable(accept)) toTable(store.def, { items: [] }, table); // a bad includeObject is a 400, not a stream
        return watch(store, query, req, res, q, maxWatchBufferedBytes, wantsTable(accept) ? table : undefined);
      }
      const list = await store.list(query);
      return writeJson(res, 200, wantsTable(accept) ? toTable(store.def, list, table) : list);
    }
    case "POST": {
      if (r.name !== undefined) throw methodNotSupported(store.qualified, "create");
      checkWriteOptions(q, "create");
      const body = await readObject(req, r, fieldValidator(q, res), r.fields?.());
      if (store.def.namespaced && r.namespace !== undefined) {
        await lifecycle.admitCreate(store, r.namespace, body?.metadata?.name ?? "");
      }
      const track = updateTracker(store.def, undefined, q, req.headers["user-agent"]);
      return writeJson(res, 201, await store.create(r.namespace, body, dryRun, track));
    }
    case "PUT": {
      if (r.name === undefined) throw methodNotSupported(store.qualified, "update");
      checkWriteOptions(q, "update");
      const body = await readObject(req, r, fieldValidator(q, res), r.fields?.(), r.name);
      const track = updateTracker(store.def, undefined, q, req.headers["user-agent"]);
      return writeJson(res, 200, await store.update(r.namespace, r.name, body, dryRun, false, track));
    }
    case "PATCH": {
      if (r.name === undefined) throw methodNotSupported(store.qualified, "patch");
      checkPatchType(req.headers["content-type"], store.def.patchTypes ?? BUILTIN_PATCH_TYPES);
      if (isApplyPatch(req.headers["content-type"])) {
        const ns = r.namespace;
        const applied = await serveApply({
          store,
          namespace: ns,
          name: r.name,
          body: await readBodyText(req),
          query: q,
          fields: { validator: fieldValidator(q, res), target: r.fields?.() },
          admitCreate:
            store.def.namespaced && ns !== undefined ? () => lifecycle.admitCreate(store, ns, r.name!) : undefined,
        });
        return writeJson(res, applied.code, applied.body);
      }
      checkWriteOptions(q, "patch");
      const { next } = await patched(req, await store.get(r.namespace, r.name), fieldValidator(q, res), r.fields?.());
      const track = updateTracker(store.def, undefined, q, req.headers["user-agent"]);
      return writeJson(res, 200, await store.update(r.namespace, r.name, next, dryRun, false, track));
    }
    case "DELETE":
      return serveDelete(store, r.namespace, r.name, req, res, url);
    default:
      throw methodNotSupported(store.qualified, String(req.method).toLowerCase());
  }
}

const isTrue = (v: string | null) => v === "true" || v === "1";

/** Each event's line, serialized once however many watchers it goes to. */
const watchLines = new WeakMap<WatchEvent, string>();

function watchLine(e: WatchEvent): string {
  let line = watchLines.get(e);
  if (line === undefined) {
    line = `${JSON.stringify(e)}\n`;
    watchLines.set(e, line);
  }
  return line;
}

/** Bytes written to a response that the client has not taken yet. */
function unread(res: Res): number {
  const h2 = (res as Http2ServerResponse).stream;
  return h2 ? h2.writableLength : (res as ServerResponse).writableLength;
}

/**
 * A watch: 200 and then one JSON event per line (objects as Tables when the
 * client asked for them: column definitions only in the first, as kube
 * sends them; bookmarks and errors as they are). An error starting it
 * (410 Expired for a revision older than the watch cache's window) is the
 * stream's only event, of type ERROR, as kube sends it. A client that stops
 * reading is cut off once `maxBuffered` bytes wait for it beyond its initial
 * events (kube closes a watcher that cannot keep up; the client re-watches
 * from its last resourceVersion) instead of being buffered for without bound.
 */
async function watch(
  store: GenericStore,
  query: ListQuery,
  req: Req,
  res: Res,
  q: URLSearchParams,
  maxBuffered: number,
  table?: TableOptions,
): Promise<void> {
  const timeoutSeconds = q.has("timeoutSeconds") ? Number(q.get("timeoutSeconds")) : 1800;
  const timeoutMs = Math.max(1, timeoutSeconds) * 1000;
  let ended = false;
  let handle: { stop(): void } | undefined;
  /** While the initial events are written nothing is cut off; afterwards the limit counts from what they left. */
  let limit = Number.POSITIVE_INFINITY;
  const finish = () => {
    if (ended) return;
    ended = true;
    handle?.stop();
    clearTimeout(timer);
    res.end();
  };
  const timer = setTimeout(finish, timeoutMs);
  req.once("close", finish);
  res.writeHead(200, { "content-type": "application/json" });
  // Clients wait for the response headers before they make the changes they watch for: send them now.
  (res as ServerResponse).flushHeaders?.();
  const write = (line: string) => {
    if (ended) return;
    (res as ServerResponse).write(line);
    if (unread(res) > limit) finish();
  };
  let headers = true;
  const line = (e: WatchEvent): string => {
    if (!table || e.type === "BOOKMARK" || e.type === "ERROR") return watchLine(e);
    const object = toTable(store.def, e.object, { ...table, noHeaders: !headers });
    headers = false;
    return `${JSON.stringify({ type: e.type, object })}\n`;
  };
  try {
    handle = await store.watch(
      query,
      (e) => write(line(e)),
      (err) => {
        if (err) write(`${JSON.stringify({ type: "ERROR", object: err.status })}\n`);
        finish();
      },
      { allowWatchBookmarks: isTrue(q.get("allowWatchBookmarks")), deadline: Date.now() + timeoutMs },
    );
  } catch (e) {
    const err = e instanceof StatusError ? e : internalError(e instanceof Error ? e : new Error(String(e)));
    write(`${JSON.stringify({ type: "ERROR", object: err.status })}\n`);
    finish();
    return;
  }
  limit = unread(res) + maxBuffered;
  if (ended) handle.stop();
}

/** A path segment with its %-escapes decoded; one that does not decode stays as sent (and names nothing). */
function unescapeSegment(segment: string): string {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
