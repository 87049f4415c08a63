import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import type { ClientRequest, IncomingMessage } from "node:http";
import { request } from "node:https";
import { dirname, join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { createCa, issueCertificate } from "@wharf/pki";
import {
  ETCD_BIN,
  eventually,
  freePort,
  type ProcessServer,
  requireProgram,
  startBrain,
  startEtcd,
  tempDir,
} from "@wharf/testing";
import { type RunningApiServer, startApiServer } from "../src/index.js";
import { EtcdStorage } from "../src/storage/etcd-storage.js";
import { ADMIN_TOKEN, adminJson, adminRequest, localServerOptions } from "./support/local-server.js";

// --etcd-servers with several members and --etcd-cafile/--etcd-certfile/--etcd-keyfile, against a real
// three-member etcd cluster and against etcd and brain serving TLS with client-certificate auth.

const CMS = "/api/v1/namespaces/default/configmaps";
const wharfMain = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "wharf", "src", "main.ts");

/** Writes a token file that makes ADMIN_TOKEN a system:masters user; returns its path. */
function tokenFile(dir: string): string {
  const path = join(dir, "tokens.csv");
  writeFileSync(path, `${ADMIN_TOKEN},admin,1,"system:masters"\n`);
  return path;
}

/** A three-member etcd cluster on loopback; members can be SIGKILLed and restarted on their data and ports. */
class EtcdCluster {
  private constructor(
    private readonly args: string[][],
    private readonly ports: number[],
    private readonly peers: string[],
    /** The first process of each member: its stop() removes the member's temp data dir. */
    private readonly first: ProcessServer[],
    readonly running: Array<ProcessServer | undefined>,
  ) {}

  static async start(size = 3): Promise<EtcdCluster> {
    const ports: number[] = [];
    const peers: string[] = [];
    for (let i = 0; i < size; i++) {
      ports.push(await freePort());
      peers.push(`http://127.0.0.1:${await freePort()}`);
    }
    const initial = peers.map((p, i) => `m${i}=${p}`).join(",");
    const token = `wharf-${process.pid}-${ports[0]}`;
    // startEtcd's own --name/--initial-cluster come first; etcd takes the last of a repeated flag.
    const args = peers.map((_, i) => [
      `--name=m${i}`,
      `--initial-cluster=${initial}`,
      `--initial-cluster-token=${token}`,
    ]);
    // Together: a member reports healthy only once the cluster has a leader.
    const first = await Promise.all(args.map((a, i) => startEtcd({ port: ports[i], peerUrl: peers[i], args: a })));
    return new EtcdCluster(args, ports, peers, first, [...first]);
  }

  get urls(): string[] {
    return this.first.map((m) => m.url);
  }

  async kill(i: number): Promise<void> {
    await this.running[i]?.kill();
    this.running[i] = undefined;
  }

  async restart(i: number): Promise<void> {
    this.running[i] = await startEtcd({
      port: this.ports[i],
      peerUrl: this.peers[i],
      dataDir: this.first[i]!.dataDir,
      args: this.args[i],
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.running.map((m) => m?.stop()));
    await Promise.all(this.first.map((m) => m.stop()));
  }
}

interface SeenEvent {
  type: string;
  name: string;
  rv: string;
}

/** A watch through the apiserver, as a client holds it: newline-delimited JSON events. */
function openWatch(server: string, path: string): { events: SeenEvent[]; ended: () => boolean; req: ClientRequest } {
  const events: SeenEvent[] = [];
  let ended = false;
  let buf = "";
  const req = request(
    `${server}${path}`,
    { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, rejectUnauthorized: false },
    (res: IncomingMessage) => {
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        buf += d;
        for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line.trim()) continue;
          const e = JSON.parse(line);
          events.push({ type: e.type, name: e.object?.metadata?.name, rv: e.object?.metadata?.resourceVersion });
        }
      });
      res.on("close", () => {
        ended = true;
      });
    },
  );
  req.on("error", () => {
    ended = true;
  });
  req.end();
  return { events, ended: () => ended, req };
}

/** The etcd events under `prefix` after `fromRevision` up to the first that `last` accepts, read straight from etcd. */
async function etcdHistory(urls: string[], prefix: string, fromRevision: number, last: (e: SeenEvent) => boolean) {
  const storage = EtcdStorage.connect(urls);
  const seen: SeenEvent[] = [];
  try {
    const w = storage.watch<{ metadata: { name: string } }>(prefix, fromRevision, {
      onEvent: (e) => seen.push({ type: e.type, name: e.object.metadata.name, rv: String(e.resourceVersion) }),
      onError: (e) => assert.fail(`history watch failed: ${e.message}`),
    });
    await eventually(async () => {
      assert.ok(seen.some(last), `history read up to the last write: ${JSON.stringify(seen)}`);
    });
    w.stop();
    return seen;
  } finally {
    storage.close();
  }
}

describe("--etcd-servers: a three-member etcd cluster", { timeout: 240_000 }, () => {
  const dir = tempDir("wharf-etcd-endpoints-");
  let cluster: EtcdCluster | undefined;
  let api: RunningApiServer | undefined;

  before(async (t) => {
    // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
    if (!requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
    cluster = await EtcdCluster.start();
    api = await startApiServer(
      localServerOptions(cluster.urls[0]!, dir.path, { etcdServers: cluster.urls, tokenAuthFile: tokenFile(dir.path) }),
    );
  });
  after(async () => {
    await api?.close();
    await cluster?.stop();
    dir.remove();
  });

  /**
   * Runs `op` until it answers one of `ok`; every other answer is recorded. Requests that reach a member
   * as it dies may fail; they must fail with a 5xx, never with a wrong answer.
   */
  const failures: string[] = [];
  const until = async (what: string, ok: number[], op: () => Promise<{ code: number; body: unknown }>) => {
    for (let attempt = 0; ; attempt++) {
      const r = await op();
      if (ok.includes(r.code)) return r;
      const text = `${what}: ${r.code} ${JSON.stringify(r.body)}`;
      failures.push(text);
      assert.ok(r.code >= 500, `only server errors while a member is lost: ${text}`);
      assert.ok(attempt < 300, `never succeeded: ${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it("serves reads, writes and a watch while each member in turn is SIGKILLed and restarted", async (t) => {
    if (!cluster || !api) return t.skip("no etcd");
    const server = api.url;
    const list = await adminJson(server, "GET", CMS);
    assert.equal(list.code, 200);
    const startRv = Number(list.body.metadata.resourceVersion);
    const watch = openWatch(server, `${CMS}?watch=true&resourceVersion=${startRv}`);
    // The storage's own watch, without the watch cache's retry above it: it must resume by itself.
    const direct = EtcdStorage.connect(cluster.urls);
    const directEvents: SeenEvent[] = [];
    const directErrors: string[] = [];
    direct.watch<{ metadata: { name: string } }>("/registry/configmaps/default/", startRv, {
      onEvent: (e) => directEvents.push({ type: e.type, name: e.object.metadata.name, rv: String(e.resourceVersion) }),
      onError: (e) => directErrors.push(e.message),
    });
    await until("create before", [201], () => adminJson(server, "POST", CMS, { metadata: { name: "before" } }));

    for (let i = 0; i < 3; i++) {
      await cluster.kill(i);
      const name = `after-kill-${i}`;
      // 409 when an earlier attempt was stored but its answer was lost with the member.
      await until(`create ${name}`, [201, 409], () =>
        adminJson(server, "POST", CMS, { metadata: { name }, data: { step: "created" } }),
      );
      await until(`patch ${name}`, [200], () =>
        adminJson(server, "PATCH", `${CMS}/${name}`, { data: { step: "patched" } }, "application/merge-patch+json"),
      );
      const got = await until(`get ${name}`, [200], () => adminJson(server, "GET", `${CMS}/${name}`));
      assert.deepEqual((got.body as { data: unknown }).data, { step: "patched" });
      const listed = await until("list", [200], () => adminJson(server, "GET", CMS));
      const names = (listed.body as { items: Array<{ metadata: { name: string } }> }).items.map((o) => o.metadata.name);
      assert.ok(names.includes(name), `the list has ${name}: ${names.join(",")}`);
      // Two of three members keep quorum: the etcd check passes.
      await eventually(async () => {
        const r = await adminRequest(server, "GET", "/readyz?verbose");
        assert.equal(`${r.code} ${r.body}`, "200 [+]etcd ok\nreadyz check passed\n", `readyz with member ${i} down`);
      });
      await cluster.restart(i);
    }
    await until("delete before", [200, 404], () => adminJson(server, "DELETE", `${CMS}/before`));

    // The watch opened before the first kill saw every change once, in etcd's order, and was never ended.
    const truth = await etcdHistory(
      cluster.urls,
      "/registry/configmaps/default/",
      startRv,
      (e) => e.type === "DELETED" && e.name === "before",
    );
    // At least: before ADDED, per member ADDED and MODIFIED, before DELETED (a lost answer may add a retry's write).
    assert.ok(truth.length >= 8, `etcd's own history: ${JSON.stringify(truth)}`);
    await eventually(async () => {
      assert.deepEqual(watch.events, truth, "the watch's events are etcd's events after its resourceVersion");
    });
    assert.equal(watch.ended(), false, "the watch stayed open (no 410, no relist)");
    await eventually(async () => {
      assert.deepEqual(directErrors, [], "the storage watch never failed");
      assert.deepEqual(directEvents, truth, "the storage watch resumed on another member without a gap");
    });
    direct.close();
    watch.req.destroy();
    t.diagnostic(`requests that failed while a member was lost: ${failures.length ? failures.join(" | ") : "none"}`);
  });

  it("with the whole cluster down, /readyz, /livez and /healthz fail the etcd check and requests get 500", async (t) => {
    if (!cluster || !api) return t.skip("no etcd");
    const server = api.url;
    for (let i = 0; i < 3; i++) await cluster.kill(i);
    for (const name of ["readyz", "livez", "healthz"]) {
      await eventually(async () => {
        for (const q of ["", "?verbose"]) {
          const r = await adminRequest(server, "GET", `/${name}${q}`);
          assert.equal(`${r.code} ${r.body}`, `500 [-]etcd failed: reason withheld\n${name} check failed\n`);
        }
      });
    }
    const got = await adminJson(server, "GET", `${CMS}/after-kill-0`);
    assert.equal(got.code, 500, JSON.stringify(got.body));
    assert.equal(got.body.reason, "InternalError");
    const created = await adminJson(server, "POST", CMS, { metadata: { name: "while-down" } });
    assert.equal(created.code, 500, JSON.stringify(created.body));
    assert.equal(created.body.reason, "InternalError");

    // Back with a quorum, the same server serves again without a restart.
    await Promise.all([cluster.restart(0), cluster.restart(1), cluster.restart(2)]);
    await eventually(async () => {
      const r = await adminRequest(server, "GET", "/readyz");
      assert.equal(`${r.code} ${r.body}`, "200 ok", "ready again");
    }, 30_000);
    const again = await adminJson(server, "GET", `${CMS}/after-kill-0`);
    assert.equal(again.code, 200, JSON.stringify(again.body));
  });
});

/** etcd's or brain's TLS material: a CA, the server's certificate, the apiserver's client certificate, a stranger CA. */
async function tlsFiles(dir: string) {
  const ca = await createCa("wharf-etcd-ca");
  const other = await createCa("some-other-ca");
  const serverPair = await issueCertificate(ca, {
    commonName: "etcd",
    hosts: ["127.0.0.1", "localhost"],
    server: true,
    client: true,
  });
  const clientPair = await issueCertificate(ca, { commonName: "kube-apiserver-etcd-client", client: true });
  const files = {
    ca: join(dir, "ca.crt"),
    otherCa: join(dir, "other-ca.crt"),
    serverCert: join(dir, "server.crt"),
    serverKey: join(dir, "server.key"),
    clientCert: join(dir, "client.crt"),
    clientKey: join(dir, "client.key"),
  };
  writeFileSync(files.ca, ca.certPem);
  writeFileSync(files.otherCa, other.certPem);
  writeFileSync(files.serverCert, serverPair.certPem);
  writeFileSync(files.serverKey, serverPair.keyPem);
  writeFileSync(files.clientCert, clientPair.certPem);
  writeFileSync(files.clientKey, clientPair.keyPem);
  return { files, client: { cert: clientPair.certPem, key: clientPair.keyPem } };
}

/**
 * Runs `wharf apiserver` with `args` until its log has said twice that etcd is not reachable; returns the
 * log and whether the process was still running then (it must retry, not exit). Stops it by its pid.
 */
async function apiserverThatCannotConnect(args: string[]): Promise<{ log: string; alive: boolean }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", wharfMain, "apiserver", "--secure-port", String(await freePort()), ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    await eventually(async () => {
      const retries = log.split("\n").filter((l) => l.includes("etcd is not reachable; retrying"));
      assert.ok(retries.length >= 2 || child.exitCode !== null, `two retries logged:\n${log}`);
    }, 60_000);
    return { log, alive: child.exitCode === null && child.signalCode === null };
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGTERM");
    await exited;
  }
}

for (const backend of ["etcd", "brain"] as const) {
  describe(`--etcd-cafile/--etcd-certfile/--etcd-keyfile: ${backend} with TLS and client-certificate auth`, {
    timeout: 180_000,
  }, () => {
    const dir = tempDir("wharf-etcd-tls-");
    let store: ProcessServer | undefined;
    let tls: Awaited<ReturnType<typeof tlsFiles>> | undefined;

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      tls = await tlsFiles(dir.path);
      const f = tls.files;
      const args = [
        `--cert-file=${f.serverCert}`,
        `--key-file=${f.serverKey}`,
        `--trusted-ca-file=${f.ca}`,
        "--client-cert-auth",
      ];
      store =
        backend === "etcd" ? await startEtcd({ tls: tls.client, args }) : await startBrain({ tls: tls.client, args });
    });
    after(async () => {
      await store?.stop();
      dir.remove();
    });

    it("serves reads, writes and watches over TLS with the client certificate", async (t: TestContext) => {
      if (!store || !tls) return t.skip(`no ${backend}`);
      assert.match(store.url, /^https:\/\//);
      const api = await startApiServer(
        localServerOptions(store.url, dir.path, {
          tokenAuthFile: tokenFile(dir.path),
          etcdCafile: tls.files.ca,
          etcdCertfile: tls.files.clientCert,
          etcdKeyfile: tls.files.clientKey,
        }),
      );
      try {
        const ready = await adminRequest(api.url, "GET", "/readyz?verbose");
        assert.equal(`${ready.code} ${ready.body}`, "200 [+]etcd ok\nreadyz check passed\n");
        const list = await adminJson(api.url, "GET", CMS);
        assert.equal(list.code, 200);
        const watch = openWatch(api.url, `${CMS}?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`);
        const created = await adminJson(api.url, "POST", CMS, { metadata: { name: "over-tls" }, data: { a: "1" } });
        assert.equal(created.code, 201, JSON.stringify(created.body));
        const got = await adminJson(api.url, "GET", `${CMS}/over-tls`);
        assert.deepEqual(got.body.data, { a: "1" });
        await eventually(async () => {
          assert.deepEqual(
            watch.events.map((e) => `${e.type} ${e.name}`),
            ["ADDED over-tls"],
            "the watch saw the create",
          );
        });
        watch.req.destroy();
      } finally {
        await api.close();
      }
    });

    it("without the client certificate it retries, logging why, and does not exit", async (t: TestContext) => {
      if (!store || !tls) return t.skip(`no ${backend}`);
      const r = await apiserverThatCannotConnect([
        "--etcd-servers",
        store.url,
        "--etcd-cafile",
        tls.files.ca,
        "--cert-dir",
        join(dir.path, "certs-no-client"),
      ]);
      assert.ok(r.alive, `still running after two retries:\n${r.log}`);
      t.diagnostic(r.log.split("\n").find((l) => l.includes("not reachable")) ?? "");
      assert.match(r.log, /"msg":"etcd is not reachable; retrying"/);
      // etcd (TLS 1.2) answers "bad certificate", brain (TLS 1.3) "certificate required".
      assert.match(r.log, /alert (bad certificate|certificate required)/);
      assert.ok(r.log.includes(store.url), `the log names the endpoint:\n${r.log}`);
    });

    it("with a CA that did not sign etcd's certificate it retries, logging the verification failure", async (t) => {
      if (!store || !tls) return t.skip(`no ${backend}`);
      const r = await apiserverThatCannotConnect([
        "--etcd-servers",
        store.url,
        "--etcd-cafile",
        tls.files.otherCa,
        "--etcd-certfile",
        tls.files.clientCert,
        "--etcd-keyfile",
        tls.files.clientKey,
        "--cert-dir",
        join(dir.path, "certs-other-ca"),
      ]);
      assert.ok(r.alive, `still running after two retries:\n${r.log}`);
      t.diagnostic(r.log.split("\n").find((l) => l.includes("not reachable")) ?? "");
      assert.match(r.log, /unable to verify the first certificate|self-signed certificate|unable to get issuer/i);
    });
  });
}
