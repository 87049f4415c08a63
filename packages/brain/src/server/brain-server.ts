import type { Socket } from "node:net";
import type { TlsOptions } from "node:tls";
import type { Logger } from "pino";
import { AutoCompactor, parseRetention } from "../auto-compactor.js";
import { Brain } from "../brain.js";
import type { BrainConfig } from "../config.js";
import type { Engine } from "../engine/engine.js";
import { LmdbEngine } from "../engine/lmdb-engine.js";
import { BrainMetrics } from "../metrics.js";
import { clientTlsOptions } from "../tls/tls-options.js";
import { type ClientListener, listenClient, listenTcp } from "./client-listener.js";
import { JsonGateway } from "./gateway.js";
import { gatewayHandlers } from "./gateway-services.js";
import { createGrpcServer } from "./grpc-server.js";
import { httpEndpoint, httpHandler } from "./http-handler.js";
import { instrument } from "./instrument.js";
import { ProtocolWorkers } from "./protocol-workers.js";
import { type HttpAnswer, RelayHost } from "./relay-host.js";
import { relayMethods } from "./relay-methods.js";
import { withRequestSizes } from "./request-size.js";
import { type BrainService, brainServices } from "./services.js";

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
  const endpoint = (path: string) => httpEndpoint(brain, metrics, path);
  const closers: (() => Promise<void> | void)[] = [];
  const urls: string[] = [];
  try {
    const parsed = config.listenClientUrls.map((raw) => new URL(raw));
    const hosts = [...new Set(parsed.map((u) => u.hostname.replace(/^\[|\]$/g, "")))];
    let tls: TlsOptions | undefined;
    const tlsFor = async (u: URL) => {
      if (u.protocol !== "https:") return undefined;
      tls ??= await clientTlsOptions(config.tls, config.dataDir, hosts);
      return tls;
    };
    const listenerTls: (TlsOptions | undefined)[] = [];
    for (const u of parsed) {
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error(`unsupported client URL scheme in ${u}`);
      listenerTls.push(await tlsFor(u));
    }
    const listen =
      config.protocolWorkers > 0
        ? await withWorkers(config, services, metrics, endpoint, listenerTls, log, closers, brain.engine)
        : inProcess(config, services, metrics, endpoint, listenerTls);
    for (const [i, u] of parsed.entries()) {
      const server = await listen(i, u.hostname.replace(/^\[|\]$/g, ""), Number(u.port || 2379));
      closers.unshift(server.close);
      const addr = server.server.address();
      const port = typeof addr === "object" && addr ? addr.port : Number(u.port);
      urls.push(`${u.protocol}//${u.hostname}:${port}`);
      log.info({ url: urls[urls.length - 1] }, "serving client requests");
    }
    // --listen-metrics-urls: /metrics and the health endpoints only, without gRPC.
    const metricsOnly = httpHandler(undefined, (path) =>
      path === "/version" ? Promise.resolve(NOT_FOUND) : endpoint(path),
    );
    for (const raw of config.listenMetricsUrls) {
      const u = new URL(raw);
      const l = await listenClient(
        u.hostname.replace(/^\[|\]$/g, ""),
        Number(u.port || 2381),
        (socket) => socket.destroy(),
        metricsOnly,
        await tlsFor(u),
      );
      closers.unshift(l.close);
      log.info({ url: raw }, "serving metrics");
    }
  } catch (e) {
    for (const c of closers) await c();
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
      for (const c of closers) await c();
      await brain.close();
      log.info("brain stopped");
    },
  };
}

const NOT_FOUND: HttpAnswer = { status: 404, contentType: "text/plain", body: "404 page not found\n" };

/** Opens client listener `index` on host:port. */
type Listen = (index: number, host: string, port: number) => Promise<ClientListener>;

/** The services as the gRPC server and the relay run them: counted in metrics, requests sized. */
function served(services: BrainService[], metrics: BrainMetrics): BrainService[] {
  return services.map(({ def, impl }) => ({ def: withRequestSizes(def), impl: instrument(def, impl, metrics) }));
}

/** Everything in this process: gRPC, the JSON gateway and the plain endpoints. */
function inProcess(
  config: BrainConfig,
  services: BrainService[],
  metrics: BrainMetrics,
  endpoint: (path: string) => Promise<HttpAnswer>,
  listenerTls: (TlsOptions | undefined)[],
): Listen {
  const grpc = createGrpcServer(served(services, metrics), config.maxRequestBytes);
  const http = httpHandler(new JsonGateway(gatewayHandlers(services), config.maxRequestBytes), endpoint);
  let open = 0;
  return async (index, host, port) => {
    const l = await listenClient(host, port, grpc.inject, http, listenerTls[index]);
    open++;
    return {
      server: l.server,
      close: async () => {
        await l.close();
        if (--open === 0) grpc.close();
      },
    };
  };
}

/**
 * Protocol workers terminate the connections; this process accepts them, hands
 * each to a worker unread, and runs the calls the workers relay.
 */
async function withWorkers(
  config: BrainConfig,
  services: BrainService[],
  metrics: BrainMetrics,
  endpoint: (path: string) => Promise<HttpAnswer>,
  listenerTls: (TlsOptions | undefined)[],
  log: Logger,
  closers: (() => Promise<void> | void)[],
  engine: Engine,
): Promise<Listen> {
  const runs = served(services, metrics);
  const methods = relayMethods(runs.map((s) => s.def));
  const handlers = methods.map((m) => runs[m.service]!.impl[m.name] as (...args: unknown[]) => void);
  const workers = new ProtocolWorkers(
    config.protocolWorkers,
    {
      t: "init",
      maxRequestBytes: config.maxRequestBytes,
      listeners: listenerTls.map((t) => t ?? null),
      storePath: engine instanceof LmdbEngine ? engine.path : undefined,
    },
    (socket: Socket) => new RelayHost(socket, methods, handlers, endpoint),
    log,
  );
  closers.unshift(() => workers.stop());
  await workers.start();
  return async (index, host, port) => {
    const server = await listenTcp(host, port, (socket) => workers.dispatch(index, socket), true);
    // The connections belong to the workers, which close them when they stop; the
    // server's own count of them is not to be waited for.
    return {
      server,
      close: async () => {
        server.close();
      },
    };
  };
}
