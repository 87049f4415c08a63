import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { methodNotSupported, notAcceptable, parseFieldSelector, parseLabelSelector } from "@wharf/apimachinery";
import type { ComponentStatuses } from "../registry/component-statuses.js";
import type { ResourceDefinition } from "../registry/resource-definition.js";
import { methodNotAllowed } from "./delete.js";
import { writeJson } from "./http-io.js";
import { toTable, wantsTable } from "./table.js";
import { Warnings } from "./warnings.js";

// GET /api/v1/componentstatuses[/{name}] as kube-apiserver 1.28 serves
// them: get and list only, deprecated since 1.19 (every request carries
// the deprecation warning), not a watcher.

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

const DEPRECATION = "v1 ComponentStatus is deprecated in v1.19+";

/** kube's error for a name it does not probe: a plain Go error, so a 500 without a reason. */
function componentNotFound(name: string) {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: `Component not found: ${name}`,
    code: 500,
  };
}

export async function serveComponentStatuses(
  def: ResourceDefinition,
  components: ComponentStatuses,
  name: string | undefined,
  req: Req,
  res: Res,
  url: URL,
): Promise<void> {
  new Warnings(res).add(DEPRECATION);
  if (req.method !== "GET") throw methodNotAllowed();
  const accept = String(req.headers.accept ?? "");
  if (accept !== "" && !/application\/json|\*\/\*|application\/\*/.test(accept)) throw notAcceptable();
  const q = url.searchParams;
  const table = { includeObject: q.get("includeObject"), accept };
  if (name !== undefined) {
    const found = await components.get(name);
    if (!found) return writeJson(res, 500, componentNotFound(name));
    const obj = { kind: def.kind, apiVersion: "v1", ...found };
    return writeJson(res, 200, wantsTable(accept) ? toTable(def, obj, table) : obj);
  }
  const watch = q.get("watch");
  if (watch === "true" || watch === "1") throw methodNotSupported({ group: "", resource: def.resource }, "watch");
  const labels = q.has("labelSelector") ? parseLabelSelector(q.get("labelSelector")!) : undefined;
  const fields = q.has("fieldSelector") ? parseFieldSelector(q.get("fieldSelector")!) : undefined;
  // Selectors are applied as kube's predicate does: no labels, and metadata.name as the only field.
  const items = (await components.list()).filter((o) => {
    const objName = String((o.metadata as { name: string }).name);
    return (labels?.matches({}) ?? true) && (fields?.matches({ "metadata.name": objName }) ?? true);
  });
  const list = { kind: def.listKind, apiVersion: "v1", metadata: {}, items };
  writeJson(res, 200, wantsTable(accept) ? toTable(def, list, table) : list);
}
