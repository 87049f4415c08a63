import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import {
  forbidden,
  parseFieldSelector,
  parseLabelSelector,
  StatusError,
  unsupportedMediaType,
} from "@wharf/apimachinery";
import {
  checkDeleteOptions,
  type DeleteOptions,
  deleteOptionsFromBody,
  deleteOptionsFromQuery,
} from "../registry/delete-options.js";
import { deleteCollection } from "../registry/deletion.js";
import type { GenericStore, KubeObject, ListQuery } from "../registry/generic-store.js";
import type { NamespaceLifecycle } from "../registry/namespace-lifecycle.js";
import { readBodyBytes, writeJson } from "./http-io.js";

// kube-apiserver 1.28's DELETE handlers (endpoints/handlers/delete.go): one
// object, or a collection with list options; DeleteOptions from the body,
// else from the query.

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

/**
 * 405 as kube's router answers a method it has no route for (a verb the
 * resource does not have): go-restful's error turned into a Status.
 */
export function methodNotAllowed(): StatusError {
  return new StatusError({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: "the server does not allow this method on the requested resource",
    reason: "MethodNotAllowed",
    details: {},
    code: 405,
  });
}

/** The request's DeleteOptions: its body when it has one (the query is then ignored), else its query. */
export async function readDeleteOptions(req: Req, url: URL): Promise<DeleteOptions> {
  const body = await readBodyBytes(req);
  let options: DeleteOptions;
  if (body.length > 0) {
    if (String(req.headers["content-type"] ?? "").includes("protobuf")) throw unsupportedMediaType();
    options = deleteOptionsFromBody(body.toString("utf8"));
  } else options = deleteOptionsFromQuery(url.searchParams);
  checkDeleteOptions(options);
  return options;
}

/** The list options of a collection delete, read as a list reads them. */
function listQuery(namespace: string | undefined, q: URLSearchParams): ListQuery {
  return {
    namespace,
    labelSelector: q.has("labelSelector") ? parseLabelSelector(q.get("labelSelector")!) : undefined,
    fieldSelector: q.has("fieldSelector") ? parseFieldSelector(q.get("fieldSelector")!) : undefined,
    limit: q.has("limit") ? Number(q.get("limit")) : undefined,
    continueToken: q.get("continue") ?? undefined,
    resourceVersion: q.get("resourceVersion") ?? undefined,
    resourceVersionMatch: q.get("resourceVersionMatch") ?? undefined,
  };
}

/**
 * DELETE on an object (200 with the object while it waits for finalizers or
 * its grace period, 202 then if the client asked orphanDependents=false;
 * else 200 with a Success Status or, for resources that return it, the
 * deleted object) or on a collection (200 with the list of what was deleted).
 * Collections are deleted per namespace only, as kube routes them.
 */
export async function serveDelete(
  store: GenericStore,
  namespace: string | undefined,
  name: string | undefined,
  req: Req,
  res: Res,
  url: URL,
): Promise<void> {
  const verbs = store.def.verbs;
  if (name === undefined) {
    if (!verbs.includes("deletecollection") || (store.def.namespaced && namespace === undefined)) {
      throw methodNotAllowed();
    }
    const query = listQuery(namespace, url.searchParams);
    store.checkFieldSelector(query);
    const options = await readDeleteOptions(req, url);
    return writeJson(res, 200, await deleteCollection(store, query, options));
  }
  if (!verbs.includes("delete")) throw methodNotAllowed();
  const options = await readDeleteOptions(req, url);
  const refusal = store.def.deleteForbidden?.(name);
  if (refusal !== undefined) throw forbidden(store.qualified, name, refusal);
  const outcome = await store.deleteWithOptions(namespace, name, options);
  const code = !outcome.deleted && options.orphanDependents === false ? 202 : 200;
  writeJson(res, code, outcome.object as KubeObject);
}

/** DELETE on a namespace: termination through the namespace lifecycle, with the request's options. */
export async function serveNamespaceDelete(
  lifecycle: NamespaceLifecycle,
  name: string,
  req: Req,
  res: Res,
  url: URL,
): Promise<void> {
  const options = await readDeleteOptions(req, url);
  const outcome = await lifecycle.delete(name, options);
  const code = !outcome.deleted && options.orphanDependents === false ? 202 : 200;
  writeJson(res, code, outcome.object as KubeObject);
}
