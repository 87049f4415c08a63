import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Component, describeExit, type Exit } from "./child.js";
import { writeKubeconfig } from "./kubeconfig.js";
import { LockHeld, UpLock } from "./lock.js";
import { ensurePki, servingHosts } from "./pki.js";
import { portFree } from "./ports.js";
import { apiserverReady, brainHealthy, type ProbeResult, probe } from "./probe.js";

// `wharf up`: brain, then the apiserver on it, as supervised child processes;
// progress on stdout, the components' logs in DIR/logs.

export interface UpOptions {
  dataDir: string;
  /** The apiserver's address; brain listens on 127.0.0.1 only. */
  bindAddress: string;
  securePort: number;
  etcdPort: number;
  readyTimeoutMs: number;
  stopTimeoutMs: number;
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`wharf up: ${line}\n`);

/** Runs until a signal (exit code 0) or until a component fails (1). */
export async function up(o: UpOptions): Promise<number> {
  // A closed terminal must not turn a clean stop into a crash.
  process.stdout.on("error", () => undefined);
  process.stderr.on("error", () => undefined);
  const dir = resolve(o.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let lock: UpLock;
  try {
    lock = await UpLock.acquire(dir);
  } catch (e) {
    if (!(e instanceof LockHeld)) throw e;
    complain(e.message);
    return 1;
  }
  const signals = watchSignals();
  try {
    return await run(o, dir, lock, signals);
  } finally {
    lock.release();
  }
}

interface Signals {
  /** Settles at the first SIGINT/SIGTERM/SIGHUP. */
  stop: Promise<void>;
  stopping(): boolean;
  /** Settles at the second: stop waiting for the components. */
  force: Promise<void>;
}

function watchSignals(): Signals {
  let count = 0;
  let onStop!: () => void;
  let onForce!: () => void;
  const stop = new Promise<void>((r) => (onStop = r));
  const force = new Promise<void>((r) => (onForce = r));
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      count++;
      if (count === 1) {
        say(`${sig}: stopping`);
        onStop();
      } else if (count === 2) {
        say(`${sig} again: killing what is still running`);
        onForce();
      }
    });
  }
  return { stop, stopping: () => count > 0, force };
}

async function run(o: UpOptions, dir: string, lock: UpLock, signals: Signals): Promise<number> {
  const brainUrl = `http://127.0.0.1:${o.etcdPort}`;
  const wildcard = o.bindAddress === "0.0.0.0" || o.bindAddress === "::";
  const apiHost = wildcard ? "127.0.0.1" : o.bindAddress;
  const apiUrl = `https://${apiHost.includes(":") ? `[${apiHost}]` : apiHost}:${o.securePort}`;

  if (!(await portFree("127.0.0.1", o.etcdPort))) {
    complain(`port ${o.etcdPort} on 127.0.0.1 (brain's client port) is in use; choose another with --etcd-port`);
    return 1;
  }
  if (!(await portFree(o.bindAddress, o.securePort))) {
    complain(`port ${o.securePort} on ${o.bindAddress} (the apiserver's) is in use; choose another with --secure-port`);
    return 1;
  }

  const pkiDir = join(dir, "pki");
  const pki = await ensurePki(pkiDir, servingHosts(o.bindAddress));
  say(
    pki.created.length > 0
      ? `created ${pki.created.join(", ")} in ${pkiDir}`
      : `reusing the CA and certificates in ${pkiDir}`,
  );
  const kubeconfig = join(dir, "kubeconfig");
  writeKubeconfig(kubeconfig, apiUrl, pki.files);
  const logs = join(dir, "logs");
  mkdirSync(logs, { recursive: true, mode: 0o700 });
  say(`logs of the components go to ${logs}/brain.log and ${logs}/apiserver.log`);

  const started: Component[] = [];
  const stopAll = async () => {
    for (const c of [...started].reverse()) {
      if (!c.running) continue;
      say(`stopping ${c.name} (pid ${c.pid})`);
      if (await c.stop(o.stopTimeoutMs, signals.force))
        complain(`${c.name} did not stop within ${o.stopTimeoutMs / 1000}s: killed it`);
    }
  };
  const fail = async (c: Component, what: string) => {
    complain(`${c.name} ${what}; last lines of ${c.logFile}:`);
    const tail = c.logTail();
    process.stderr.write(tail.length > 0 ? tail.map((l) => `  | ${l}\n`).join("") : "  | (nothing)\n");
    await stopAll();
    return 1;
  };

  const tls = {
    ca: readFileSync(pki.files.caCert),
    cert: readFileSync(pki.files.adminCert),
    key: readFileSync(pki.files.adminKey),
  };
  const components = [
    {
      name: "brain",
      url: brainUrl,
      args: ["--data-dir", join(dir, "brain"), "--listen-client-urls", brainUrl, "--advertise-client-urls", brainUrl],
      check: () => probe(`${brainUrl}/health`, brainHealthy),
    },
    {
      name: "apiserver",
      url: apiUrl,
      args: [
        ...["--etcd-servers", brainUrl, "--bind-address", o.bindAddress, "--secure-port", String(o.securePort)],
        ...["--tls-cert-file", pki.files.servingCert, "--tls-private-key-file", pki.files.servingKey],
        ...["--client-ca-file", pki.files.caCert],
        // As kind and kubeadm run it: a one-machine cluster runs privileged system pods.
        "--allow-privileged=true",
      ],
      // /readyz wants credentials: the admin's certificate, as kubectl will use it.
      check: () => probe(`${apiUrl}/readyz`, apiserverReady, tls),
    },
  ];
  for (const spec of components) {
    if (signals.stopping()) break;
    const c = new Component(spec.name, spec.args, join(logs, `${spec.name}.log`));
    started.push(c);
    if (c.pid > 0) lock.recordChild(c.name, c.pid);
    const r = await waitReady(started, spec.check, o.readyTimeoutMs, signals.stop);
    if (r.state === "exited")
      return fail(r.c, `exited ${r.c === c ? "before it was ready" : "unexpectedly"} (${describeExit(r.exit)})`);
    if (r.state === "timeout")
      return fail(c, `was not ready within ${o.readyTimeoutMs / 1000}s (last check: ${r.detail})`);
    if (r.state === "ready") say(`${c.name} ready on ${spec.url} (pid ${c.pid})`);
  }

  if (!signals.stopping()) {
    say("wharf is up; Ctrl-C stops it. For kubectl:");
    say(`export KUBECONFIG=${shellWord(kubeconfig)}`);
    const died = await Promise.race([
      ...started.map((c) => c.exited.then((exit) => ({ c, exit }))),
      signals.stop.then(() => undefined),
    ]);
    if (died) return fail(died.c, `exited unexpectedly (${describeExit(died.exit)})`);
  }
  await stopAll();
  say("stopped");
  return 0;
}

type Readiness =
  | { state: "ready" }
  | { state: "exited"; c: Component; exit: Exit }
  | { state: "timeout"; detail: string }
  | { state: "signal" };

/** Polls the health check of the last one started until it passes, one of them exits, time runs out, or a signal comes. */
async function waitReady(
  started: Component[],
  check: () => Promise<ProbeResult>,
  timeoutMs: number,
  stop: Promise<void>,
): Promise<Readiness> {
  let interrupted = false;
  void stop.then(() => {
    interrupted = true;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (interrupted) return { state: "signal" };
    const gone = started.find((s) => !s.running);
    if (gone) return { state: "exited", c: gone, exit: await gone.exited };
    const r = await check();
    if (r.ok) return { state: "ready" };
    if (Date.now() > deadline) return { state: "timeout", detail: r.detail };
    await Promise.race([sleep(100), stop, ...started.map((s) => s.exited)]);
  }
}

/** The path as one shell word. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
