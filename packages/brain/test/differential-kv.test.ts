import { after, before, describe, it } from "node:test";
import { ETCD_BIN, ETCDCTL_BIN, requireProgram } from "@wharf/testing";
import { kvCases } from "./support/cases-kv.js";
import { type DifferentialPair, runCase, startPair } from "./support/differential.js";

// Each case runs the same calls against Debian's etcd and against brain, and
// the normalised answers must be equal field by field.
describe("differential: KV against a real etcd", () => {
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
  kvCases.forEach((kase, i) => {
    it(kase.name, async (t) => {
      if (!pair) return t.skip("etcd is not installed");
      await runCase(pair, i, kase);
    });
  });
});
