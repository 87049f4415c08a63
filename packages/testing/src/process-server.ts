import { type ChildProcess, spawn } from "node:child_process";
import { createConnection } from "node:net";
import { connect as tlsConnect } from "node:tls";

/** How long a started server may take to answer its health check. */
const START_TIMEOUT_MS = 120_000;

/** A client certificate for the health probe of a server that demands one. */
export interface ClientCertificate {
  cert: string;
  key: string;
}

export interface ProcessServer {
  /** host:port of the client endpoint. */
  endpoint: string;
  url: string;
  pid: number;
  dataDir: string;
  /** Output so far (stdout and stderr), for diagnosing a failed test. */
  output(): string;
  /** SIGTERM, then wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL, then wait for exit. */
  kill(): Promise<void>;
}

/** Starts a server process and waits until its client port answers HTTP /health with 200. */
export async function startProcessServer(
  command: string,
  args: string[],
  opts: {
    port: number;
    dataDir: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    tls?: boolean | ClientCertificate;
  },
): Promise<ProcessServer> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: opts.env ?? process.env });
  let out = "";
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const endpoint = `127.0.0.1:${opts.port}`;
  const scheme = opts.tls ? "https" : "http";
  // Generous: a cold start transpiles brain with tsx, and on a VM whose host takes most of its CPU (steal above
  // 60% was seen) that alone has passed 30 s. A server that cannot start still fails, only later.
  const deadline = Date.now() + (opts.timeoutMs ?? START_TIMEOUT_MS);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${command} exited before becoming healthy:\n${out}`);
    }
    if (await healthy(opts.port, opts.tls ?? false)) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${command} did not become healthy in time:\n${out}`);
    }
    // Polled often: restart-to-ready times are measured through this wait.
    await new Promise((r) => setTimeout(r, 20));
  }
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    endpoint,
    url: `${scheme}://${endpoint}`,
    pid: child.pid!,
    dataDir: opts.dataDir,
    output: () => out,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
  };
}

function healthy(port: number, tls: boolean | ClientCertificate): Promise<boolean> {
  return new Promise((resolve) => {
    // The health probe trusts any certificate: it only asks whether the server is up.
    const sock = tls
      ? tlsConnect({
          host: "127.0.0.1",
          port,
          rejectUnauthorized: false,
          ALPNProtocols: ["http/1.1"],
          ...(typeof tls === "object" ? tls : {}),
        })
      : createConnection({ host: "127.0.0.1", port });
    let buf = "";
    sock.setTimeout(1000, () => {
      sock.destroy();
      resolve(false);
    });
    sock.on("error", () => resolve(false));
    sock.on(tls ? "secureConnect" : "connect", () =>
      sock.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
    );
    sock.on("data", (d) => {
      buf += d.toString();
    });
    sock.on("close", () => resolve(buf.startsWith("HTTP/1.1 200")));
  });
}

export type { ChildProcess };
