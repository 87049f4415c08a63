import { type ChildProcess, fork } from "node:child_process";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import type { WorkerConnection, WorkerInit } from "./protocol-worker.js";
import type { RelayHost } from "./relay-host.js";

/** A worker whose relay holds this much unread output has stopped reading: it is replaced. */
const MAX_RELAY_BACKLOG = 512 * 1024 * 1024;
const STOP_TIMEOUT_MS = 5000;
const RESTART_DELAY_MS = 500;

interface Worker {
  child: ChildProcess;
  host: RelayHost;
  ready: boolean;
}

/**
 * The protocol workers of one brain server: child processes that terminate
 * client connections, so that HTTP/2 and gRPC run on other cores than the
 * sequencer's. Connections are dealt round-robin; a worker that dies is
 * replaced (its connections drop and their clients reconnect).
 */
export class ProtocolWorkers {
  private readonly workers: Worker[] = [];
  private next = 0;
  private stopping = false;
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    private readonly count: number,
    private readonly init: WorkerInit,
    private readonly relayHost: (socket: Socket) => RelayHost,
    private readonly log: Logger,
  ) {
    this.watchdog = setInterval(() => this.checkBacklogs(), 1000);
    this.watchdog.unref();
  }

  /** Starts every worker and resolves once all are ready. */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.count }, () => this.spawn()));
  }

  /** Hands a connection (not yet read) to the next ready worker. */
  dispatch(listener: number, socket: Socket): void {
    for (let i = 0; i < this.workers.length; i++) {
      const w = this.workers[this.next++ % this.workers.length]!;
      if (!w.ready || !w.child.connected) continue;
      const msg: WorkerConnection = { t: "conn", listener };
      w.child.send(msg, socket, (e) => {
        if (e) socket.destroy();
      });
      return;
    }
    socket.destroy();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.watchdog);
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((done) => {
            if (w.child.exitCode !== null || w.child.signalCode !== null) return done();
            const kill = setTimeout(() => w.child.kill("SIGKILL"), STOP_TIMEOUT_MS);
            w.child.once("exit", () => {
              clearTimeout(kill);
              done();
            });
            if (w.child.connected) w.child.send({ t: "stop" });
            else w.child.kill("SIGTERM");
          }),
      ),
    );
  }

  private spawn(): Promise<void> {
    const child = fork(fileURLToPath(new URL("./protocol-worker.ts", import.meta.url)), [], {
      stdio: ["ignore", "inherit", "inherit", "ipc", "pipe"],
      serialization: "advanced",
      execArgv: workerExecArgv(),
    });
    const relay = child.stdio[4] as Socket;
    // A relay error (the worker died with our frames unread) must not end the sequencer: the worker is replaced.
    relay.on("error", (e) => {
      if (!this.stopping) this.log.warn({ pid: child.pid, err: e.message }, "protocol worker relay failed");
      child.kill("SIGKILL");
    });
    const host = this.relayHost(relay);
    const w: Worker = { child, host, ready: false };
    this.workers.push(w);
    return new Promise<void>((resolve, reject) => {
      child.once("message", (m: { t?: string }) => {
        if (m?.t !== "ready") return;
        w.ready = true;
        this.log.debug({ pid: child.pid }, "protocol worker ready");
        resolve();
      });
      child.once("exit", (code, signal) => {
        w.ready = false;
        host.close();
        this.workers.splice(this.workers.indexOf(w), 1);
        if (this.stopping) return resolve();
        this.log.error({ pid: child.pid, code, signal }, "protocol worker exited; starting another");
        reject(new Error(`protocol worker exited (code ${code}, signal ${signal})`));
        setTimeout(() => {
          if (!this.stopping) this.spawn().catch(() => undefined);
        }, RESTART_DELAY_MS).unref();
      });
      child.send(this.init);
    });
  }

  private checkBacklogs(): void {
    for (const w of this.workers) {
      if (w.host.writer.backlog > MAX_RELAY_BACKLOG) {
        this.log.error(
          { pid: w.child.pid, backlog: w.host.writer.backlog },
          "protocol worker stopped reading; replacing it",
        );
        w.child.kill("SIGKILL");
      }
    }
  }
}

/** Node flags for a worker: TypeScript through tsx, plus the profiling and heap flags the sequencer runs with. */
function workerExecArgv(): string[] {
  const passed = process.execArgv.filter((a) =>
    /^--(cpu-prof|heap-prof|max-old-space-size|enable-source-maps)/.test(a),
  );
  return [...passed, "--import", import.meta.resolve("tsx")];
}
