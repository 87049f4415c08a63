import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { ETCDCTL_BIN, type ProcessServer, requireProgram, startBrain } from "@wharf/testing";
import { Etcd3, EtcdLockFailedError } from "etcd3";
import { type Answer, ElectionLockClients } from "./support/election-lock-clients.js";

// Clients' own lock and election recipes against brain, and their
// interplay with brain's native Election and Lock services: the npm etcd3
// client (KV + watch recipes, keys `election/<name>/<lease decimal>`) and
// etcdctl lock / elect (etcd's Go concurrency package, keys `<name>/<lease hex>`).

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const b = (s: string) => Buffer.from(s);

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe("etcd3 client locks and elections against brain", () => {
  let server: ProcessServer;
  let client: Etcd3;
  let raw: ElectionLockClients;
  before(async () => {
    server = await startBrain();
    client = new Etcd3({ hosts: server.url });
    raw = new ElectionLockClients(server.endpoint);
  });
  after(async () => {
    raw.close();
    client.close();
    await server.stop();
  });

  it("lock: acquire, a second acquire fails while held, release, acquire again", async () => {
    const first = await client.lock("/etcd3-lock/a").acquire();
    await assert.rejects(client.lock("/etcd3-lock/a").acquire(), EtcdLockFailedError);
    await first.release();
    const again = await client.lock("/etcd3-lock/a").acquire();
    assert.equal(await client.get("/etcd3-lock/a").string(), "");
    await again.release();
    assert.equal(await client.get("/etcd3-lock/a").string(), null);
  });

  it("lock.do runs the function under the lock and releases it", async () => {
    const out = await client.lock("/etcd3-lock/b").do(async () => {
      assert.equal(await client.get("/etcd3-lock/b").string(), "");
      return 42;
    });
    assert.equal(out, 42);
    assert.equal(await client.get("/etcd3-lock/b").string(), null);
  });

  it("election: campaign, observe, proclaim, resign hands leadership on", async () => {
    const e = client.election("etcd3-e");
    const a = e.campaign("a");
    await a.wait();
    const observer = await e.observe();
    assert.equal(observer.leader(), "a");
    const changes: Array<string | undefined> = [];
    observer.on("change", (v: string | undefined) => changes.push(v));
    const bCampaign = e.campaign("b");
    let bElected = false;
    bCampaign.on("elected", () => {
      bElected = true;
    });
    await sleep(300);
    assert.equal(bElected, false, "the second candidate waits");
    assert.equal(await e.leader(), "a");

    await a.proclaim("a2");
    await until("the proclaimed value", () => changes.includes("a2"));
    // The native service sees the same leader: etcd3's keys live under election/<name>/.
    const native = (await raw.call("election", "leader", { name: b("election/etcd3-e") })) as Answer<{
      kv: { value: Buffer };
    }>;
    assert.equal(native.ok?.kv.value.toString(), "a2");

    await a.resign();
    await until("the second candidate elected", () => bElected);
    await until("the new leader observed", () => changes.includes("b"));
    assert.equal(await e.leader(), "b");
    await bCampaign.resign();
    await until("no leader", () => changes.at(-1) === undefined);
    observer.cancel();
  });

  it("an etcd3 observer follows a leader elected through brain's Election service", async () => {
    const leaseHandle = client.lease(30, { autoKeepAlive: false });
    const lease = await leaseHandle.grant();
    const name = b("election/native-e");
    const won = (await raw.call("election", "campaign", { name, lease: BigInt(lease), value: b("n1") })) as Answer<{
      leader: object;
    }>;
    assert.ok(won.ok, JSON.stringify(won.error));
    const observer = await client.election("native-e").observe();
    assert.equal(observer.leader(), "n1");
    const changes: Array<string | undefined> = [];
    observer.on("change", (v: string | undefined) => changes.push(v));
    await raw.call("election", "proclaim", { leader: won.ok.leader, value: b("n2") });
    await until("the proclaimed value", () => changes.includes("n2"));
    await raw.call("election", "resign", { leader: won.ok.leader });
    await until("no leader", () => changes.at(-1) === undefined);
    observer.cancel();
    await leaseHandle.revoke();
  });
});

describe("etcdctl lock and elect against brain", () => {
  let server: ProcessServer | undefined;
  let raw: ElectionLockClients;
  const children = new Set<ChildProcess>();
  before(async (t) => {
    // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
    if (!requireProgram(t as any, ETCDCTL_BIN, "etcd-client")) return;
    server = await startBrain();
    raw = new ElectionLockClients(server.endpoint);
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    raw?.close();
    await server?.stop();
  });

  /** Starts etcdctl; its stdout accumulates in `out()`. */
  function etcdctl(...args: string[]): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
    const child = spawn(ETCDCTL_BIN, [`--endpoints=${server!.endpoint}`, ...args], {
      env: { ...process.env, ETCDCTL_API: "3" },
    });
    children.add(child);
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    return { child, out: () => out, exited };
  }

  it("etcdctl lock queues behind brain's Lock service and takes the lock once it is released", async (t) => {
    if (!server) return t.skip("etcdctl is not installed");
    const held = (await raw.call("lock", "lock", { name: b("ctl-lock"), lease: 0n })) as Answer<{ key: Buffer }>;
    assert.match(held.ok!.key.toString(), /^ctl-lock\/[0-9a-f]+$/);
    const ctl = etcdctl("lock", "ctl-lock");
    await sleep(500);
    assert.equal(ctl.out(), "", "etcdctl waits while brain's Lock holds the lock");
    await raw.call("lock", "unlock", { key: held.ok!.key });
    await until("etcdctl holding the lock", () => ctl.out().includes("ctl-lock/"));
    const ctlKey = ctl.out().trim().split("\n")[0]!;
    assert.match(ctlKey, /^ctl-lock\/[0-9a-f]+$/);
    // Now brain's Lock waits behind etcdctl's key until etcdctl exits and revokes its session.
    const waiting = raw.start<{ key: Buffer }>("lock", "lock", { name: b("ctl-lock"), lease: 0n });
    await sleep(300);
    assert.equal(waiting.done(), false);
    ctl.child.kill("SIGINT");
    await ctl.exited;
    const got = await waiting.answer;
    assert.ok(got.ok, JSON.stringify(got.error));
    await raw.call("lock", "unlock", { key: got.ok.key });
  });

  it("etcdctl lock with a command runs it under the lock", async (t) => {
    if (!server) return t.skip("etcdctl is not installed");
    const ctl = etcdctl("lock", "ctl-lock-cmd", "echo", "under-lock");
    assert.equal(await ctl.exited, 0);
    assert.match(ctl.out(), /under-lock/);
  });

  it("etcdctl elect campaigns and observes; brain's Leader and Observe agree", async (t) => {
    if (!server) return t.skip("etcdctl is not installed");
    const observer = etcdctl("elect", "-l", "ctl-elect");
    const seen: string[] = [];
    const native = await raw.observe(b("ctl-elect"), 1, async () => {
      const candidate = etcdctl("elect", "ctl-elect", "p1");
      await until("etcdctl elected", () => candidate.out().includes("p1"));
      seen.push(candidate.out());
      const leader = (await raw.call("election", "leader", { name: b("ctl-elect") })) as Answer<{
        kv: { key: Buffer; value: Buffer };
      }>;
      assert.equal(leader.ok?.kv.value.toString(), "p1");
      assert.equal(candidate.out().trim().split("\n")[0], leader.ok?.kv.key.toString());
      await until("etcdctl observer output", () => observer.out().includes("p1"));
      candidate.child.kill("SIGINT");
      await candidate.exited;
    });
    assert.equal(native[0]?.kv?.value.toString(), "p1");
    observer.child.kill("SIGINT");
    await observer.exited;
    const after = await raw.call("election", "leader", { name: b("ctl-elect") });
    assert.deepEqual(after.error, { code: 2, details: "election: no leader" });
  });
});
