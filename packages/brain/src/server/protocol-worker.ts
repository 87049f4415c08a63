// A protocol worker: a child process of the brain server that terminates the
// client connections the sequencer hands it (TLS, HTTP/2, gRPC, HTTP/1 for the
// JSON gateway) and runs every call on the sequencer through the relay on fd 4.

import { Socket } from "node:net";
import type { TlsOptions } from "node:tls";
import { LmdbReader } from "../engine/lmdb-reader.js";
import { connectionRouter } from "./client-listener.js";
import { JsonGateway } from "./gateway.js";
import { gatewayHandlers } from "./gateway-services.js";
import { httpHandler } from "./http-handler.js";
import { type ReadsRecords, RelayClient } from "./relay-client.js";
import { relayGrpcServer } from "./relay-grpc-server.js";
import { relayServices } from "./relay-handlers.js";
import { type RelayMethod, relayMethods } from "./relay-methods.js";
import { serviceDefinitions } from "./service-definitions.js";

/** The sequencer's first message to a worker. */
export interface WorkerInit {
  t: "init";
  maxRequestBytes: number;
  /** Per client listener, in order: its TLS options, or null for plain TCP. */
  listeners: (TlsOptions | null)[];
  /** The lmdb environment to read Range records from (range-refs.ts); absent on other engines. */
  storePath?: string;
}

/** A connection for listener `listener`, sent with the socket handle. */
export interface WorkerConnection {
  t: "conn";
  listener: number;
}

/** The file descriptor of the relay socket pair in the worker. */
export const RELAY_FD = 4;

function main(): void {
  const relaySocket = new Socket({ fd: RELAY_FD, readable: true, writable: true });
  // Without the sequencer there is nothing to serve: a worker never outlives it.
  relaySocket.on("close", () => process.exit(0));
  // A reset relay (the sequencer exited with frames of ours unread) means the same; without a listener it is a crash with a stack trace.
  relaySocket.on("error", () => process.exit(0));
  process.on("disconnect", () => process.exit(0));
  // Ctrl-C reaches the whole process group; the sequencer decides when workers stop.
  process.on("SIGINT", () => undefined);

  process.once("message", (init: WorkerInit) => {
    const defs = serviceDefinitions();
    const methods = relayMethods(defs);
    const relay = new RelayClient(relaySocket, recordReader(init.storePath, methods));
    const grpc = relayGrpcServer(relay, methods, init.maxRequestBytes);
    const gatewayImpls = relayServices(relay, methods, defs.length);
    const gateway = new JsonGateway(
      gatewayHandlers(defs.map((def, i) => ({ def, impl: gatewayImpls[i]! }))),
      init.maxRequestBytes,
    );
    const http = httpHandler(gateway, (path) => relay.http(path));
    const routers = init.listeners.map((tls) => connectionRouter(grpc.inject, http, tls ? buffers(tls) : undefined));
    process.on("message", (m: WorkerConnection | { t: "stop" }, handle?: Socket) => {
      if (m.t === "conn" && handle) {
        const router = routers[m.listener];
        if (router) router.route(handle);
        else handle.destroy();
      } else if (m.t === "stop") {
        for (const r of routers) r.closeAll();
        grpc.close();
        relaySocket.end();
        process.exit(0);
      }
    });
    process.send?.({ t: "ready" });
  });
}

/** Reads Range records from the sequencer's lmdb environment, if it has one this process can open. */
function recordReader(path: string | undefined, methods: RelayMethod[]): ReadsRecords | undefined {
  const range = methods.find((m) => m.def.path === "/etcdserverpb.KV/Range");
  if (path === undefined || !range) return undefined;
  try {
    return { rangeMethod: range.index, read: new LmdbReader(path).record };
  } catch (e) {
    // Ranges then carry their values over the relay, as without a reader.
    process.stderr.write(`protocol worker: cannot read ${path}: ${(e as Error).message}\n`);
    return undefined;
  }
}

/** Structured clone turns Buffers into Uint8Arrays; TLS wants Buffers back. */
function buffers(tls: TlsOptions): TlsOptions {
  const out: Record<string, unknown> = { ...tls };
  for (const [k, v] of Object.entries(out)) {
    if (v instanceof Uint8Array && !Buffer.isBuffer(v)) out[k] = Buffer.from(v.buffer, v.byteOffset, v.length);
  }
  return out as TlsOptions;
}

main();
