import type { IncomingMessage, ServerResponse } from "node:http";
import type { Brain } from "../brain.js";
import type { BrainMetrics } from "../metrics.js";
import { JsonGateway } from "./gateway.js";
import { gatewayHandlers } from "./gateway-services.js";
import { ETCD_VERSION } from "./maintenance-service.js";
import type { BrainService } from "./services.js";

/** HTTP/1 endpoints on the client port: health, readiness, version. */
export function httpHandler(
  brain: Brain,
  services: BrainService[],
  metrics: BrainMetrics,
): (req: IncomingMessage, res: ServerResponse) => void {
  const gateway = new JsonGateway(gatewayHandlers(services), brain.config.maxRequestBytes);
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    try {
      if (gateway.handle(req, res, path)) return;
    } catch (e) {
      // A bug must not take the server down with one bad request.
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String((e as Error).message ?? e));
      return;
    }
    switch (path) {
      case "/metrics":
        metrics.render().then(
          (text) => {
            res.writeHead(200, { "content-type": metrics.contentType });
            res.end(text);
          },
          (e: Error) => {
            res.writeHead(500, { "content-type": "text/plain" });
            res.end(e.message);
          },
        );
        return;
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
        res.writeHead(ok ? 200 : 503, { "content-type": path === "/health" ? "application/json" : "text/plain" });
        res.end(body);
        return;
      }
      case "/version":
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ etcdserver: ETCD_VERSION, etcdcluster: "3.5.0" }));
        return;
      default:
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("404 page not found\n");
    }
  };
}
