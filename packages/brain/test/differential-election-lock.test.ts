import { after, before, describe, it } from "node:test";
import { ETCD_BIN, ETCDCTL_BIN, requireProgram } from "@wharf/testing";
import {
  type DifferentialCase,
  type DifferentialPair,
  finishSuite,
  runCase,
  type Side,
  startPair,
} from "./support/differential.js";
import { type Answer, ElectionLockClients, relativeRevs } from "./support/election-lock-clients.js";

// The Election and Lock services against Debian's etcd: the same calls on
// both servers, normalised answers equal field by field. Lease IDs are
// explicit (0x2000 + 16 × case + n) so lock and candidate keys agree.

const b = (s: string) => Buffer.from(s);
const id = (kase: number, n = 0) => BigInt(0x2000 + 16 * kase + n);
const hex = (lease: bigint) => lease.toString(16);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const clients = new Map<Side, ElectionLockClients>();
function el(s: Side): ElectionLockClients {
  let c = clients.get(s);
  if (!c) {
    c = new ElectionLockClients(s.server.endpoint);
    clients.set(s, c);
  }
  return c;
}

/** An answer with LeaderKey revisions made relative to the case's start. */
const rel = (s: Side, a: unknown) => relativeRevs(a, s.base);

async function grant(s: Side, ...ids: bigint[]): Promise<unknown> {
  const out = [];
  for (const ID of ids) out.push(await s.grpc.call(s.grpc.lease, "leaseGrant", { ID, TTL: 60n }));
  return out;
}

/** The keys under a prefix, oldest first, as key → value. */
async function keysUnder(s: Side, prefix: Buffer): Promise<unknown> {
  const end = Buffer.from(prefix);
  end[end.length - 1]! += 1;
  const r = await s.grpc.call<object, { kvs: Array<{ key: Buffer; value: Buffer; lease: bigint }> }>(
    s.grpc.kv,
    "range",
    { key: prefix, rangeEnd: end, sortTarget: 2, sortOrder: 1 },
  );
  return r.ok?.kvs.map((kv) => ({ key: kv.key.toString(), value: kv.value.toString(), lease: Number(kv.lease) })) ?? r;
}

/**
 * A call that ran out of time: the client's DEADLINE_EXCEEDED (whose wording
 * carries timings and addresses) or, when etcd's server notices first, its
 * Unknown "context deadline exceeded"; which one comes first is a race.
 */
function deadline(a: Answer): unknown {
  const e = a.error;
  if (e && (e.code === 4 || (e.code === 2 && e.details.includes("deadline exceeded")))) return "deadline exceeded";
  return a;
}

const leaderOf = (a: Answer) => (a.ok as { leader: object } | undefined)?.leader;

export const electionLockCases: DifferentialCase[] = [
  {
    name: "lock uncontended returns name/<lease hex> at once; unlock deletes it",
    async run(c) {
      const name = c.key("lock");
      await c.each("grant", (s) => grant(s, id(0)));
      await c.each("lock", (s) => el(s).call("lock", "lock", { name, lease: id(0) }));
      await c.each("keys", (s) => keysUnder(s, Buffer.concat([name, b("/")])));
      await c.each("lock again with the same lease reuses the key", (s) =>
        el(s).call("lock", "lock", { name, lease: id(0) }),
      );
      await c.each("unlock", (s) => el(s).call("lock", "unlock", { key: Buffer.concat([name, b(`/${hex(id(0))}`)]) }));
      await c.each("keys after", (s) => keysUnder(s, Buffer.concat([name, b("/")])));
      await c.call("lease", "leaseRevoke", { ID: id(0) });
    },
  },
  {
    name: "a second locker waits until the first unlocks",
    async run(c) {
      const name = c.key("lock");
      await c.each("grant", (s) => grant(s, id(1, 0), id(1, 1)));
      await c.each("contended", async (s) => {
        const first = await el(s).call("lock", "lock", { name, lease: id(1, 0) });
        const second = el(s).start("lock", "lock", { name, lease: id(1, 1) });
        await sleep(300);
        const waitedWhileHeld = !second.done();
        const keys = await keysUnder(s, Buffer.concat([name, b("/")]));
        const unlocked = await el(s).call("lock", "unlock", { key: (first.ok as { key: Buffer }).key });
        const got = await second.answer;
        return { first, waitedWhileHeld, keys, unlocked, second: got };
      });
      await c.call("lease", "leaseRevoke", { ID: id(1, 1) });
      await c.call("lease", "leaseRevoke", { ID: id(1, 0) });
    },
  },
  {
    name: "unlock of a key that does not exist succeeds; unlock of an empty key fails",
    async run(c) {
      await c.each("unlock missing", (s) => el(s).call("lock", "unlock", { key: c.key("nothing/123") }));
      await c.each("unlock empty", (s) => el(s).call("lock", "unlock", { key: Buffer.alloc(0) }));
    },
  },
  {
    name: "lock with an unknown lease fails as etcd's txn does",
    async run(c) {
      const name = c.key("lock");
      await c.each("lock", (s) => el(s).call("lock", "lock", { name, lease: id(3) }));
      await c.each("keys", (s) => keysUnder(s, Buffer.concat([name, b("/")])));
    },
  },
  {
    name: "a waiting locker gets the lock when the holder's lease is revoked",
    async run(c) {
      const name = c.key("lock");
      await c.each("grant", (s) => grant(s, id(4, 0), id(4, 1)));
      await c.each("revoked holder", async (s) => {
        await el(s).call("lock", "lock", { name, lease: id(4, 0) });
        const second = el(s).start("lock", "lock", { name, lease: id(4, 1) });
        await sleep(300);
        const waited = !second.done();
        const revoked = await s.grpc.call(s.grpc.lease, "leaseRevoke", { ID: id(4, 0) });
        return { waited, revoked, second: await second.answer };
      });
      await c.each("keys", (s) => keysUnder(s, Buffer.concat([name, b("/")])));
      await c.call("lease", "leaseRevoke", { ID: id(4, 1) });
    },
  },
  {
    name: "a waiting locker whose call is cancelled (deadline) removes its key",
    async run(c) {
      const name = c.key("lock");
      await c.each("grant", (s) => grant(s, id(5, 0), id(5, 1)));
      await c.each("deadline", async (s) => {
        await el(s).call("lock", "lock", { name, lease: id(5, 0) });
        const second = await el(s).start("lock", "lock", { name, lease: id(5, 1) }, 300).answer;
        await sleep(300);
        return { second: deadline(second), keys: await keysUnder(s, Buffer.concat([name, b("/")])) };
      });
      await c.call("lease", "leaseRevoke", { ID: id(5, 0) });
      await c.call("lease", "leaseRevoke", { ID: id(5, 1) });
    },
  },
  {
    name: "campaign, leader, proclaim, resign",
    async run(c) {
      const name = c.key("elect");
      await c.each("grant", (s) => grant(s, id(6)));
      const leaders = new Map<Side, object | undefined>();
      await c.each("campaign", async (s) => {
        const r = await el(s).call("election", "campaign", { name, lease: id(6), value: b("v1") });
        leaders.set(s, leaderOf(r));
        return rel(s, r);
      });
      await c.each("leader", (s) => el(s).call("election", "leader", { name }));
      await c.each("proclaim", (s) => el(s).call("election", "proclaim", { leader: leaders.get(s), value: b("v2") }));
      await c.each("leader after proclaim", (s) => el(s).call("election", "leader", { name }));
      await c.each("campaign again, same lease, new value", async (s) =>
        rel(s, await el(s).call("election", "campaign", { name, lease: id(6), value: b("v3") })),
      );
      await c.each("leader after re-campaign", (s) => el(s).call("election", "leader", { name }));
      await c.each("resign", (s) => el(s).call("election", "resign", { leader: leaders.get(s) }));
      await c.each("leader after resign", (s) => el(s).call("election", "leader", { name }));
      await c.each("resign again", (s) => el(s).call("election", "resign", { leader: leaders.get(s) }));
      await c.call("lease", "leaseRevoke", { ID: id(6) });
    },
  },
  {
    name: "leader with no candidate is ErrElectionNoLeader",
    async run(c) {
      await c.each("leader", (s) => el(s).call("election", "leader", { name: c.key("nobody") }));
    },
  },
  {
    name: "proclaim by a non-leader is ErrElectionNotLeader; a missing leader field is refused",
    async run(c) {
      const name = c.key("elect");
      await c.each("grant", (s) => grant(s, id(8)));
      await c.each("campaign", async (s) =>
        rel(s, await el(s).call("election", "campaign", { name, lease: id(8), value: b("mine") })),
      );
      await c.each("proclaim with a stale rev", (s) =>
        el(s).call("election", "proclaim", {
          leader: { name, key: Buffer.concat([name, b(`/${hex(id(8))}`)]), rev: 1n, lease: id(8) },
          value: b("theirs"),
        }),
      );
      await c.each("proclaim without leader", (s) => el(s).call("election", "proclaim", { value: b("x") }));
      await c.each("resign without leader", (s) => el(s).call("election", "resign", {}));
      await c.each("leader", (s) => el(s).call("election", "leader", { name }));
      await c.call("lease", "leaseRevoke", { ID: id(8) });
    },
  },
  {
    name: "a second campaigner waits and leads once the first resigns",
    async run(c) {
      const name = c.key("elect");
      await c.each("grant", (s) => grant(s, id(9, 0), id(9, 1)));
      await c.each("two candidates", async (s) => {
        const first = await el(s).call("election", "campaign", { name, lease: id(9, 0), value: b("one") });
        const second = el(s).start("election", "campaign", { name, lease: id(9, 1), value: b("two") });
        await sleep(300);
        const waited = !second.done();
        const leaderWhileWaiting = await el(s).call("election", "leader", { name });
        const resigned = await el(s).call("election", "resign", { leader: leaderOf(first) });
        const got = await second.answer;
        const leaderAfter = await el(s).call("election", "leader", { name });
        return rel(s, { first, waited, leaderWhileWaiting, resigned, second: got, leaderAfter });
      });
      await c.call("lease", "leaseRevoke", { ID: id(9, 0) });
      await c.call("lease", "leaseRevoke", { ID: id(9, 1) });
    },
  },
  {
    name: "observe sees the first leader, proclaimed values and the next leader",
    async run(c) {
      const name = c.key("elect");
      await c.each("grant", (s) => grant(s, id(10, 0), id(10, 1)));
      await c.each("observe", async (s) => {
        const seen = await el(s).observe(name, 4, async () => {
          await sleep(200);
          const first = await el(s).call("election", "campaign", { name, lease: id(10, 0), value: b("a") });
          await el(s).call("election", "proclaim", { leader: leaderOf(first), value: b("b") });
          const second = el(s).start("election", "campaign", { name, lease: id(10, 1), value: b("c") });
          await sleep(300);
          await el(s).call("election", "resign", { leader: leaderOf(first) });
          const won = await second.answer;
          await el(s).call("election", "proclaim", { leader: leaderOf(won), value: b("d") });
        });
        return seen;
      });
      await c.each("observe with a leader in place", async (s) => el(s).observe(name, 1, async () => undefined));
      await c.call("lease", "leaseRevoke", { ID: id(10, 0) });
      await c.call("lease", "leaseRevoke", { ID: id(10, 1) });
    },
  },
  {
    name: "a campaign cancelled while waiting withdraws its candidacy",
    async run(c) {
      const name = c.key("elect");
      await c.each("grant", (s) => grant(s, id(11, 0), id(11, 1)));
      await c.each("deadline", async (s) => {
        await el(s).call("election", "campaign", { name, lease: id(11, 0), value: b("one") });
        const second = await el(s).start("election", "campaign", { name, lease: id(11, 1), value: b("two") }, 300)
          .answer;
        await sleep(300);
        return { second: deadline(second), keys: await keysUnder(s, Buffer.concat([name, b("/")])) };
      });
      await c.call("lease", "leaseRevoke", { ID: id(11, 0) });
      await c.call("lease", "leaseRevoke", { ID: id(11, 1) });
    },
  },
  {
    name: "campaign with an unknown lease fails; a lease revoked under a leader ends its leadership",
    async run(c) {
      const name = c.key("elect");
      await c.each("campaign unknown lease", (s) =>
        el(s).call("election", "campaign", { name, lease: id(12, 5), value: b("x") }),
      );
      await c.each("grant", (s) => grant(s, id(12)));
      const leaders = new Map<Side, object | undefined>();
      await c.each("campaign", async (s) => {
        const r = await el(s).call("election", "campaign", { name, lease: id(12), value: b("v") });
        leaders.set(s, leaderOf(r));
        return rel(s, r);
      });
      await c.call("lease", "leaseRevoke", { ID: id(12) });
      await c.each("proclaim after revoke", (s) =>
        el(s).call("election", "proclaim", { leader: leaders.get(s), value: b("w") }),
      );
      await c.each("leader after revoke", (s) => el(s).call("election", "leader", { name }));
    },
  },
];

describe("differential: Election and Lock against a real etcd", () => {
  let pair: DifferentialPair | undefined;
  before(async (t) => {
    // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
    const ctx = t as any;
    if (!requireProgram(ctx, ETCD_BIN, "etcd-server") || !requireProgram(ctx, ETCDCTL_BIN, "etcd-client")) return;
    pair = await startPair("election-lock");
  });
  let ran = 0;
  after(async () => {
    for (const c of clients.values()) c.close();
    await finishSuite(pair, ran, electionLockCases.length);
  });
  electionLockCases.forEach((kase, i) => {
    it(kase.name, async (t) => {
      if (!pair) return t.skip("etcd is not installed");
      // Case numbers 300+ keep this suite's keys apart from the other suites'.
      await runCase(pair, 300 + i, kase);
      ran++;
    });
  });
});
