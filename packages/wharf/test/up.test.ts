import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort, KUBECTL as MACHINE_KUBECTL, requireProgram, type TempDir, tempDir } from "@wharf/testing";

// `wharf up` as users run it: the real CLI, real child processes, real kubectl.

const run = promisify(execFile);
const WHARF = fileURLToPath(new URL("../bin/wharf.js", import.meta.url));
/** WHARF_KUBECTL picks another kubectl, as in the apiserver tests. */
const KUBECTL = MACHINE_KUBECTL ?? "/usr/bin/kubectl";

// Everything started here, killed in `after` should a test fail half-way.
const spawned = new Set<ChildProcess>();
const pids = new Set<number>();
const dirs: TempDir[] = [];

after(() => {
  for (const p of spawned) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGKILL");
  for (const d of dirs) d.remove();
});

interface Up {
  proc: ChildProcess;
  out(): string;
  err(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startUp(dataDir: string, etcdPort: number, securePort: number): Up {
  const proc = spawn(
    process.execPath,
    [WHARF, "up", "--data-dir", dataDir, "--etcd-port", String(etcdPort), "--secure-port", String(securePort)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  spawned.add(proc);
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { proc, out: () => out, err: () => err, exit };
}

/** Waits for the export line; returns it and the components' pids from the ready lines. */
async function untilUp(up: Up): Promise<{ kubeconfig: string; brain: number; apiserver: number }> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const m = /^export KUBECONFIG=(.+)$/m.exec(up.out());
    if (m) return { kubeconfig: m[1]!, ...readyPids(up.out()) };
    const output = `stdout:\n${up.out()}\nstderr:\n${up.err()}`;
    assert.ok(up.proc.exitCode === null && up.proc.signalCode === null, `wharf up exited before it was up:\n${output}`);
    assert.ok(Date.now() < deadline, `wharf up printed no export line in 120s:\n${output}`);
    await sleep(50);
  }
}

function readyPids(out: string): { brain: number; apiserver: number } {
  const brain = Number(/^brain ready on http:\/\/127\.0\.0\.1:\d+ \(pid (\d+)\)$/m.exec(out)?.[1]);
  const apiserver = Number(/^apiserver ready on https:\/\/127\.0\.0\.1:\d+ \(pid (\d+)\)$/m.exec(out)?.[1]);
  assert.ok(brain > 0 && apiserver > 0, `no pids in the ready lines:\n${out}`);
  pids.add(brain);
  pids.add(apiserver);
  return { brain, apiserver };
}

/** Alive and not a zombie (an orphan's zombie may linger where pid 1 does not reap). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return true;
  }
}

/** The direct children of pid (brain's protocol workers), from /proc; empty where there is no /proc. */
function childrenOf(pid: number): number[] {
  if (!existsSync("/proc")) return [];
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

async function untilGone(what: string, pidList: number[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (pidList.some(alive)) {
    assert.ok(Date.now() < deadline, `${what} (pids ${pidList.filter(alive).join(", ")}) still running after 30s`);
    await sleep(100);
  }
}

async function kubectl(kubeconfig: string, cacheDir: string, ...args: string[]): Promise<string> {
  const r = await run(KUBECTL, [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cacheDir}`, ...args]);
  return r.stdout.trim();
}

/** GET /readyz as the admin, trusting only the data dir's CA. */
function readyz(dataDir: string, port: number): Promise<string> {
  const pki = (f: string) => readFileSync(join(dataDir, "pki", f));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/readyz",
        ca: pki("ca.crt"),
        cert: pki("admin.crt"),
        key: pki("admin.key"),
        agent: false,
      },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => {
          body += d.toString();
        });
        res.on("end", () => resolve(`${res.statusCode} ${body}`));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const mode = (file: string) => statSync(file).mode & 0o777;

function newDataDir(): string {
  const d = tempDir("wharf-up-");
  dirs.push(d);
  return join(d.path, "data");
}

describe("wharf up", { timeout: 300_000 }, () => {
  it("explains every flag and the default data dir in --help", async () => {
    const { stdout } = await run(process.execPath, [WHARF, "up", "--help"]);
    for (const flag of [
      "--data-dir",
      "--bind-address",
      "--secure-port",
      "--etcd-port",
      "--ready-timeout",
      "--stop-timeout",
    ])
      assert.match(stdout, new RegExp(`^\\s+${flag} <`, "m"), `--help lacks ${flag}`);
    assert.match(stdout, /default: "\.\/wharf-data"/);
    assert.match(stdout, /kubeconfig/);
  });

  it("serves kubectl with its own CA, stops cleanly on SIGINT and finds its objects again", async (t) => {
    if (!requireProgram(t, KUBECTL, "kubernetes-client")) return;
    const data = newDataDir();
    const cache = join(data, "..", "kube-cache");
    const first = startUp(data, await freePort(), await freePort());
    const up = await untilUp(first);

    assert.equal(up.kubeconfig, join(data, "kubeconfig"));
    assert.match(first.out(), new RegExp(`${reEscape(join(data, "logs"))}/brain\\.log`), "the logs' place is not said");
    assert.ok(readFileSync(join(data, "logs", "brain.log"), "utf8").length > 0, "brain's log is empty");
    assert.equal(mode(up.kubeconfig), 0o600, "kubeconfig mode");
    for (const key of ["ca.key", "apiserver.key", "admin.key"])
      assert.equal(mode(join(data, "pki", key)), 0o600, `${key} mode`);
    const kc = readFileSync(up.kubeconfig, "utf8");
    assert.match(kc, /certificate-authority-data: \S{100,}/);
    assert.match(kc, /client-certificate-data: \S{100,}/);
    assert.match(kc, /client-key-data: \S{100,}/);
    assert.match(kc, /current-context: wharf$/m);
    assert.doesNotMatch(kc, /insecure-skip-tls-verify/);
    const admin = new X509Certificate(readFileSync(join(data, "pki", "admin.crt")));
    assert.match(admin.subject, /CN=kubernetes-admin/);
    assert.match(admin.subject, /O=system:masters/);
    const ca = readFileSync(join(data, "pki", "ca.crt"), "utf8");

    const ns = (await kubectl(up.kubeconfig, cache, "get", "ns", "-o", "name")).split("\n");
    for (const name of ["default", "kube-system", "kube-public"]) assert.ok(ns.includes(`namespace/${name}`), name);
    assert.match(
      await kubectl(up.kubeconfig, cache, "create", "configmap", "up-test", "--from-literal=greeting=hello"),
      /configmap\/up-test created/,
    );

    const workers = childrenOf(up.brain);
    first.proc.kill("SIGINT");
    const exit = await first.exit;
    assert.deepEqual(exit, { code: 0, signal: null }, `exit after SIGINT; stderr:\n${first.err()}`);
    assert.equal(first.err(), "", "nothing on stderr for a clean stop");
    const out = first.out();
    assert.ok(
      out.indexOf(`stopping apiserver (pid ${up.apiserver})`) >= 0 &&
        out.indexOf(`stopping apiserver (pid ${up.apiserver})`) < out.indexOf(`stopping brain (pid ${up.brain})`),
      `the apiserver is not stopped before brain:\n${out}`,
    );
    const components: [string, number][] = [
      ["brain", up.brain],
      ["apiserver", up.apiserver],
      ...workers.map((w): [string, number] => ["brain's protocol worker", w]),
    ];
    for (const [what, pid] of components)
      assert.ok(!alive(pid), `${what} (pid ${pid}) still running after wharf up exited`);
    assert.ok(!existsSync(join(data, "wharf-up.pid")), "pid file left behind");

    // Other ports this time: the kubeconfig follows them.
    const second = startUp(data, await freePort(), await freePort());
    const again = await untilUp(second);
    assert.match(second.out(), /reusing the CA and certificates/);
    assert.equal(readFileSync(join(data, "pki", "ca.crt"), "utf8"), ca, "the CA was replaced");
    assert.equal(
      await kubectl(again.kubeconfig, cache, "get", "configmap", "up-test", "-o", "jsonpath={.data.greeting}"),
      "hello",
    );
    second.proc.kill("SIGTERM");
    assert.deepEqual(await second.exit, { code: 0, signal: null }, `exit after SIGTERM; stderr:\n${second.err()}`);
    assert.ok(!alive(again.brain) && !alive(again.apiserver), "a component outlived wharf up");
  });

  it("refuses a second wharf up on the same data dir; a killed one's pid file does not block", async () => {
    const data = newDataDir();
    const port = await freePort();
    const first = startUp(data, await freePort(), port);
    const up = await untilUp(first);

    const rival = startUp(data, await freePort(), await freePort());
    const rivalExit = await rival.exit;
    assert.equal(rivalExit.code, 1, `the second wharf up did not fail:\n${rival.out()}${rival.err()}`);
    assert.match(
      rival.err(),
      new RegExp(`another \`wharf up\` \\(pid ${first.proc.pid}\\) is running on ${reEscape(data)}`),
    );
    assert.equal(rival.out(), "", "the second wharf up started something");
    assert.equal(await readyz(data, port), "200 ok", "the first one no longer serves");
    assert.ok(alive(up.brain) && alive(up.apiserver), "the second wharf up disturbed the first's components");

    // kill -9: the components notice their parent is gone and stop; the pid file stays behind.
    first.proc.kill("SIGKILL");
    await first.exit;
    await untilGone("components of the killed wharf up", [up.brain, up.apiserver]);
    assert.equal(readFileSync(join(data, "wharf-up.pid"), "utf8").split("\n")[0], String(first.proc.pid));

    const port2 = await freePort();
    const next = startUp(data, await freePort(), port2);
    await untilUp(next);
    assert.equal(await readyz(data, port2), "200 ok");
    next.proc.kill("SIGINT");
    assert.deepEqual(await next.exit, { code: 0, signal: null }, next.err());
  });

  it("exits non-zero naming brain when brain dies, and stops the apiserver", async () => {
    const data = newDataDir();
    const first = startUp(data, await freePort(), await freePort());
    const up = await untilUp(first);
    process.kill(up.brain, "SIGKILL");
    const exit = await first.exit;
    assert.deepEqual(exit, { code: 1, signal: null }, `exit after brain was killed:\n${first.err()}`);
    assert.match(
      first.err(),
      /wharf up: brain exited unexpectedly \(killed by signal SIGKILL\); last lines of \S+brain\.log:/,
    );
    assert.doesNotMatch(first.err(), /apiserver exited/);
    assert.match(first.out(), new RegExp(`stopping apiserver \\(pid ${up.apiserver}\\)`));
    assert.ok(!alive(up.apiserver), "the apiserver outlived wharf up");
    assert.ok(!existsSync(join(data, "wharf-up.pid")), "pid file left behind");
  });
});
