import type { Logger } from "pino";
import { Brain } from "../brain.js";
import type { BrainConfig } from "../config.js";
import { type ClientListener, listenClient } from "./client-listener.js";
import { createGrpcServer } from "./grpc-server.js";
import { httpHandler } from "./http-handler.js";

export interface RunningBrain {
  brain: Brain;
  /** The bound client addresses, as URLs (useful with port 0). */
  clientUrls: string[];
  close(): Promise<void>;
}

/** Opens the store and serves it on every --listen-client-urls address. */
export async function startBrainServer(config: BrainConfig, log: Logger): Promise<RunningBrain> {
  const brain = await Brain.open(config);
  const grpc = createGrpcServer(brain);
  const http = httpHandler(brain);
  const listeners: ClientListener[] = [];
  const urls: string[] = [];
  try {
    for (const raw of config.listenClientUrls) {
      const u = new URL(raw);
      if (u.protocol !== "http:") throw new Error(`unsupported client URL scheme ${u.protocol} in ${raw}`);
      const host = u.hostname.replace(/^\[|\]$/g, "");
      const l = await listenClient(host, Number(u.port || 2379), grpc.inject, http);
      listeners.push(l);
      const addr = l.server.address();
      const port = typeof addr === "object" && addr ? addr.port : Number(u.port);
      urls.push(`${u.protocol}//${u.hostname}:${port}`);
      log.info({ url: urls[urls.length - 1] }, "serving client requests");
    }
  } catch (e) {
    for (const l of listeners) await l.close();
    grpc.close();
    await brain.close();
    throw e;
  }
  log.info(
    { name: config.name, memberId: brain.memberId.toString(16), revision: brain.store.currentRev },
    "brain ready",
  );
  return {
    brain,
    clientUrls: urls,
    close: async () => {
      for (const l of listeners) await l.close();
      grpc.close();
      await brain.close();
      log.info("brain stopped");
    },
  };
}
