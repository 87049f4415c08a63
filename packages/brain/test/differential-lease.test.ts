import { after, before, describe, it } from "node:test";
import { ETCD_BIN, ETCDCTL_BIN, requireProgram } from "@wharf/testing";
import { leaseCases } from "./support/cases-lease.js";
import { type DifferentialPair, runCase, startPair } from "./support/differential.js";

// The Lease service against Debian's etcd: the same calls on both servers,
// normalised answers equal field by field.
describe("differential: Lease against a real etcd", () => {
  let pair: DifferentialPair | undefined;
  before(async (t) => {
    // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
    const ctx = t as any;
    if (!requireProgram(ctx, ETCD_BIN, "etcd-server") || !requireProgram(ctx, ETCDCTL_BIN, "etcd-client")) return;
    pair = await startPair();
  });
  after(async () => {
    await pair?.close();
  });
  leaseCases.forEach((kase, i) => {
    it(kase.name, async (t) => {
      if (!pair) return t.skip("etcd is not installed");
      // Case numbers 100+ keep this suite's keys apart from the KV suite's.
      await runCase(pair, 100 + i, kase);
    });
  });
});
