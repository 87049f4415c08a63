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
  requestEntityTooLarge,
  StatusError,
  statusOk,
  unauthorized,
  unsupportedMediaType,
} from "@wharf/apimachinery";
import { authenticationGroup, authenticationResources, selfSubjectReview } from "../auth/self-subject-review.js";
import type { UserInfo } from "../auth/user-info.js";
import type { GenericStore, KubeObject, ListQuery } from "../registry/generic-store.js";
import type { NamespaceLifecycle } from "../registry/namespace-lifecycle.js";
import { applyJsonPatch, applyMergePatch } from "./patch.js";
import { toTable, wantsTable } from "./table.js";

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

/** kube-apiserver refuses request bodies over 3 MiB with 413. */
const MAX_BODY = 3 * 1024 * 1024;

export interface ApiHandlerOptions {
  /** Who is calling; undefined answers 401. */
  authenticate(req: Req): UserInfo | undefined;
  stores: GenericStore[];
  /** Creates only in existing, non-terminating namespaces; namespace deletion through termination. */
  lifecycle: NamespaceLifecycle;
  version: Record<string, string>;
  /** Readiness of the storage behind the server. */
  ready(): Promise<boolean>;
}

export function writeJson(res: Res, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function writeStatusError(res: Res, e: unknown): void {
  const err = e instanceof StatusError ? e : internalError(e instanceof Error ? e : new Error(String(e)));
  writeJson(res, err.status.code, err.status);
}

async function readBody(req: Req): Promise<unknown> {
  const type = String(req.headers["content-type"] ?? "application/json");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw requestEntityTooLarge("the server has received a request that is too large");
    chunks.push(c);
  }
  if (type.includes("protobuf")) throw unsupportedMediaType();
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf: ${(e as Error).message}`,
    );
  }
}

interface Route {
  store: GenericStore;
  namespace?: string;
  name?: string;
}

/**
 * The REST endpoints of the registry's resources plus discovery, health and
 * version: a thin adapter from HTTP to GenericStore.
 */
export function apiHandler(o: ApiHandlerOptions): (req: Req, res: Res) => void {
  const byPath = new Map<string, GenericStore>();
  for (const s of o.stores)
    byPath.set(`${s.def.group === "" ? "/api" : `/apis/${s.def.group}`}/${s.def.version}/${s.def.resource}`, s);

  const route = (path: string): Route | undefined => {
    const m = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\/(.*)$/.exec(path);
    if (!m) return undefined;
    const base = m[1]!;
    const parts = m[2]!.split("/").filter((p) => p !== "");
    // /namespaces/{ns}/{resource}[/{name}] for namespaced resources.
    if (parts[0] === "namespaces" && parts.length >= 3) {
      const store = byPath.get(`${base}/${parts[2]}`);
      if (store?.def.namespaced && parts.length <= 4) return { store, namespace: parts[1], name: parts[3] };
    }
    const store = byPath.get(`${base}/${parts[0]}`);
    if (store && parts.length <= 2) return { store, name: parts[1] };
    return undefined;
  };

  const discovery = (path: string, res: Res): boolean => {
    if (path === "/api") {
      writeJson(res, 200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] });
      return true;
    }
    if (path === "/apis") {
      writeJson(res, 200, { kind: "APIGroupList", apiVersion: "v1", groups: [authenticationGroup] });
      return true;
    }
    if (path === "/apis/authentication.k8s.io") {
      writeJson(res, 200, { kind: "APIGroup", apiVersion: "v1", ...authenticationGroup });
      return true;
    }
    if (path === "/apis/authentication.k8s.io/v1") {
      writeJson(res, 200, authenticationResources);
      return true;
    }
    if (path === "/api/v1") {
      writeJson(res, 200, {
        kind: "APIResourceList",
        groupVersion: "v1",
        resources: o.stores
          .filter((s) => s.def.group === "")
          .map((s) => ({
            name: s.def.resource,
            singularName: s.def.singular,
            namespaced: s.def.namespaced,
            kind: s.def.kind,
            verbs: s.def.verbs,
            ...(s.def.shortNames.length > 0 ? { shortNames: s.def.shortNames } : {}),
          })),
      });
      return true;
    }
    if (path === "/version") {
      writeJson(res, 200, o.version);
      return true;
    }
    return false;
  };

  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    void (async () => {
      try {
        // Authorization allows every authenticated user for now (RBAC comes with a later step).
        const user = o.authenticate(req);
        if (!user) throw unauthorized();
        if (path === "/apis/authentication.k8s.io/v1/selfsubjectreviews") {
          if (req.method !== "POST")
            throw methodNotSupported(
              { group: "authentication.k8s.io", resource: "selfsubjectreviews" },
              String(req.method).toLowerCase(),
            );
          await readBody(req);
          return writeJson(res, 201, selfSubjectReview(user));
        }
        if (["/healthz", "/livez", "/readyz"].includes(path)) {
          const ok = path === "/livez" || (await o.ready());
          const verbose = url.searchParams.has("verbose");
          const name = path === "/readyz" ? "readyz" : path.slice(1);
          res.writeHead(ok ? 200 : 500, { "content-type": "text/plain; charset=utf-8" });
          res.end(
            verbose
              ? `[${ok ? "+" : "-"}]etcd ${ok ? "ok" : "failed"}\n${name} check ${ok ? "passed" : "failed"}\n`
              : ok
                ? "ok"
                : "etcd failed",
          );
          return;
        }
        if (req.method === "GET" && discovery(path, res)) return;
        const r = route(path);
        if (!r)
          throw notFound({ group: "", resource: "" }, "").withMessage(
            "the server could not find the requested resource",
          );
        if (req.method === "DELETE" && r.store.def.resource === "namespaces" && r.store.def.group === "" && r.name) {
          return writeJson(res, 200, await o.lifecycle.delete(r.name));
        }
        await serveResource(r, req, res, url, o.lifecycle);
      } catch (e) {
        if (!res.headersSent) writeStatusError(res, e);
        else res.end();
      }
    })();
  };
}

async function serveResource(r: Route, req: Req, res: Res, url: URL, lifecycle: NamespaceLifecycle): Promise<void> {
  const { store } = r;
  const q = url.searchParams;
  const dryRun = q.getAll("dryRun").includes("All");
  const accept = String(req.headers.accept ?? "");
  if (accept !== "" && !/application\/json|\*\/\*|application\/\*/.test(accept)) throw notAcceptable();
  switch (req.method) {
    case "GET": {
      if (r.name !== undefined) {
        const obj = await store.get(r.namespace, r.name);
        return writeJson(res, 200, wantsTable(accept) ? toTable(store.def, { items: [obj], metadata: {} }) : obj);
      }
      const query: ListQuery = {
        namespace: r.namespace,
        labelSelector: q.has("labelSelector") ? parseLabelSelector(q.get("labelSelector")!) : undefined,
        fieldSelector: q.has("fieldSelector") ? parseFieldSelector(q.get("fieldSelector")!) : undefined,
        limit: q.has("limit") ? Number(q.get("limit")) : undefined,
        continueToken: q.get("continue") ?? undefined,
        resourceVersion: q.get("resourceVersion") ?? undefined,
      };
      if (q.get("watch") === "true" || q.get("watch") === "1") return watch(store, query, req, res, q);
      const list = await store.list(query);
      return writeJson(res, 200, wantsTable(accept) ? toTable(store.def, list) : list);
    }
    case "POST": {
      if (r.name !== undefined) throw methodNotSupported(store.qualified, "create");
      const body = (await readBody(req)) as KubeObject;
      if (store.def.namespaced && r.namespace !== undefined) {
        await lifecycle.admitCreate(store, r.namespace, body?.metadata?.name ?? "");
      }
      return writeJson(res, 201, await store.create(r.namespace, body, dryRun));
    }
    case "PUT": {
      if (r.name === undefined) throw methodNotSupported(store.qualified, "update");
      const body = (await readBody(req)) as KubeObject;
      return writeJson(res, 200, await store.update(r.namespace, r.name, body, dryRun));
    }
    case "PATCH": {
      if (r.name === undefined) throw methodNotSupported(store.qualified, "patch");
      const type = String(req.headers["content-type"] ?? "");
      const patch = await readBody(req);
      const current = await store.get(r.namespace, r.name);
      let next: KubeObject;
      if (type.startsWith("application/json-patch+json")) next = applyJsonPatch(current, patch) as KubeObject;
      else if (
        type.startsWith("application/merge-patch+json") ||
        type.startsWith("application/strategic-merge-patch+json")
      ) {
        next = applyMergePatch(current, patch) as KubeObject;
      } else throw unsupportedMediaType();
      // The patch was computed against `current`: write only if the object is still at that version.
      const meta = { ...(next.metadata ?? {}) };
      if (!(patch as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion) {
        meta.resourceVersion = (current.metadata as { resourceVersion: string }).resourceVersion;
      }
      return writeJson(res, 200, await store.update(r.namespace, r.name, { ...next, metadata: meta }, dryRun));
    }
    case "DELETE": {
      if (r.name === undefined) throw methodNotSupported(store.qualified, "deletecollection");
      const deleted = await store.delete(r.namespace, r.name);
      return writeJson(
        res,
        200,
        statusOk({
          name: r.name,
          group: store.def.group,
          kind: store.def.resource,
          uid: (deleted.metadata as { uid?: string }).uid,
        }),
      );
    }
    default:
      throw methodNotSupported(store.qualified, String(req.method).toLowerCase());
  }
}

async function watch(store: GenericStore, query: ListQuery, req: Req, res: Res, q: URLSearchParams): Promise<void> {
  const timeoutSeconds = q.has("timeoutSeconds") ? Number(q.get("timeoutSeconds")) : 1800;
  let ended = false;
  let handle: { stop(): void } | undefined;
  const finish = () => {
    if (ended) return;
    ended = true;
    handle?.stop();
    clearTimeout(timer);
    res.end();
  };
  const timer = setTimeout(finish, Math.max(1, timeoutSeconds) * 1000);
  res.writeHead(200, { "content-type": "application/json" });
  // Clients wait for the response headers before they make the changes they watch for: send them now.
  (res as ServerResponse).flushHeaders?.();
  const write = (line: string) => (res as ServerResponse).write(line);
  handle = await store.watch(
    query,
    (e) => {
      if (!ended) write(`${JSON.stringify(e)}\n`);
    },
    (err) => {
      if (err && !ended) write(`${JSON.stringify({ type: "ERROR", object: err.status })}\n`);
      finish();
    },
  );
  if (ended) handle.stop();
  req.once("close", finish);
}
