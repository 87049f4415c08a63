import type { TlsOptions } from "node:tls";
import type { Logger } from "pino";
import { AutoCompactor, parseRetention } from "../auto-compactor.js";
import { Brain } from "../brain.js";
import type { BrainConfig } from "../config.js";
import { BrainMetrics } from "../metrics.js";
import { clientTlsOptions } from "../tls/tls-options.js";
import { type ClientListener, listenClient } from "./client-listener.js";
import { createGrpcServer } from "./grpc-server.js";
import { httpHandler } from "./http-handler.js";
import { brainServices } from "./services.js";

export interface RunningBrain {
  brain: Brain;
  /** The bound client addresses, as URLs (useful with port 0). */
  clientUrls: string[];
  close(): Promise<void>;
}

/** Opens the store and serves it on every --listen-client-urls address. */
export async function startBrainServer(config: BrainConfig, log: Logger): Promise<RunningBrain> {
  // Reject a bad retention before opening anything.
  parseRetention(config.autoCompactionMode, config.autoCompactionRetention);
  const brain = await Brain.open(config);
  const compactor = new AutoCompactor(
    brain.store,
    { mode: config.autoCompactionMode, retention: config.autoCompactionRetention },
    log,
  );
  const metrics = new BrainMetrics(brain);
  brain.engine.observeCommit = (s) => metrics.backendCommit.observe(s);
  const services = brainServices(brain);
  const grpc = createGrpcServer(brain, services, metrics);
  const http = httpHandler(brain, services, metrics);
  const listeners: ClientListener[] = [];
  const urls: string[] = [];
  try {
    const parsed = config.listenClientUrls.map((raw) => new URL(raw));
    const hosts = [...new Set(parsed.map((u) => u.hostname.replace(/^\[|\]$/g, "")))];
    let tls: TlsOptions | undefined;
    for (const u of parsed) {
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error(`unsupported client URL scheme in ${u}`);
      const host = u.hostname.replace(/^\[|\]$/g, "");
      if (u.protocol === "https:" && !tls) tls = await clientTlsOptions(config.tls, config.dataDir, hosts);
      const l = await listenClient(
        host,
        Number(u.port || 2379),
        grpc.inject,
        http,
        u.protocol === "https:" ? tls : undefined,
      );
      listeners.push(l);
      const addr = l.server.address();
      const port = typeof addr === "object" && addr ? addr.port : Number(u.port);
      urls.push(`${u.protocol}//${u.hostname}:${port}`);
      log.info({ url: urls[urls.length - 1] }, "serving client requests");
    }
    // --listen-metrics-urls: /metrics and the health endpoints only, without gRPC.
    const metricsOnly: typeof http = (req, res) => {
      const path = (req.url ?? "/").split("?")[0]!;
      if (["/metrics", "/health", "/livez", "/readyz"].includes(path)) http(req, res);
      else {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("404 page not found\n");
      }
    };
    for (const raw of config.listenMetricsUrls) {
      const u = new URL(raw);
      if (u.protocol === "https:" && !tls) tls = await clientTlsOptions(config.tls, config.dataDir, hosts);
      const host = u.hostname.replace(/^\[|\]$/g, "");
      const l = await listenClient(
        host,
        Number(u.port || 2381),
        (socket) => socket.destroy(),
        metricsOnly,
        u.protocol === "https:" ? tls : undefined,
      );
      listeners.push(l);
      log.info({ url: raw }, "serving metrics");
    }
  } catch (e) {
    for (const l of listeners) await l.close();
    grpc.close();
    await brain.close();
    throw e;
  }
  compactor.start();
  log.info(
    { name: config.name, memberId: brain.memberId.toString(16), revision: brain.store.currentRev },
    "brain ready",
  );
  return {
    brain,
    clientUrls: urls,
    close: async () => {
      compactor.stop();
      for (const l of listeners) await l.close();
      grpc.close();
      await brain.close();
      log.info("brain stopped");
    },
  };
}
