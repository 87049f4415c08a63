import type { IncomingMessage, ServerResponse } from "node:http";
import type { Brain } from "../brain.js";
import type { BrainMetrics } from "../metrics.js";
import type { JsonGateway } from "./gateway.js";
import { ETCD_VERSION } from "./maintenance-service.js";
import type { HttpAnswer } from "./relay-host.js";

/** The plain HTTP endpoints on the client port; answered by the sequencer, wherever the request arrived. */
export const HTTP_ENDPOINTS: ReadonlySet<string> = new Set(["/metrics", "/health", "/livez", "/readyz", "/version"]);

/** Answers one of HTTP_ENDPOINTS: metrics, health, readiness, version. */
export async function httpEndpoint(brain: Brain, metrics: BrainMetrics, path: string): Promise<HttpAnswer> {
  switch (path) {
    case "/metrics":
      return { status: 200, contentType: metrics.contentType, body: await metrics.render() };
    case "/health":
    case "/livez":
    case "/readyz": {
      const ok = brain.alarmErrors().length === 0;
      const body =
        path === "/health"
          ? JSON.stringify({ health: String(ok), reason: ok ? "" : "ALARM NOSPACE" })
          : ok
            ? "ok"
            : "alarm";
      return { status: ok ? 200 : 503, contentType: path === "/health" ? "application/json" : "text/plain", body };
    }
    case "/version":
      return {
        status: 200,
        contentType: "application/json",
        body: JSON.stringify({ etcdserver: ETCD_VERSION, etcdcluster: "3.5.0" }),
      };
    default:
      return { status: 404, contentType: "text/plain", body: "404 page not found\n" };
  }
}

/** HTTP/1 on the client port: the JSON gateway (when given) and the plain endpoints. */
export function httpHandler(
  gateway: JsonGateway | undefined,
  endpoint: (path: string) => Promise<HttpAnswer>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    try {
      if (gateway?.handle(req, res, path)) return;
    } catch (e) {
      // A bug must not take the server down with one bad request.
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String((e as Error).message ?? e));
      return;
    }
    const answer = HTTP_ENDPOINTS.has(path)
      ? endpoint(path)
      : Promise.resolve({ status: 404, contentType: "text/plain", body: "404 page not found\n" });
    answer.then(
      (a) => {
        res.writeHead(a.status, { "content-type": a.contentType });
        res.end(a.body);
      },
      (e: Error) => {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(e?.message ?? e));
      },
    );
  };
}
