import { after, before, describe, it } from "node:test";
import { ETCD_BIN, ETCDCTL_BIN, requireProgram, startBrain, startEtcd } from "@wharf/testing";
import { progressNotifyCases, watchCases } from "./support/cases-watch.js";
import { type DifferentialPair, runCase, Side, startPair } from "./support/differential.js";
import { GrpcPeer } from "./support/grpc-peer.js";

// The watch cases run the same streams against Debian's etcd and against
// brain; the normalised responses must be equal field by field.
describe("differential: Watch against a real etcd", () => {
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
  watchCases.forEach((kase, i) => {
    it(kase.name, async (t) => {
      if (!pair) return t.skip("etcd is not installed");
      await runCase(pair, 100 + i, kase);
    });
  });
});

describe("differential: Watch progress_notify against a real etcd", () => {
  let pair: DifferentialPair | undefined;
  before(async (t) => {
    // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
    if (!requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
    const args = ["--experimental-watch-progress-notify-interval=200ms"];
    const [e, br] = await Promise.all([startEtcd({ args }), startBrain({ args })]);
    const etcd = new Side("etcd", e, new GrpcPeer(e.endpoint));
    const brain = new Side("brain", br, new GrpcPeer(br.endpoint));
    pair = {
      etcd,
      brain,
      close: async () => {
        etcd.grpc.close();
        brain.grpc.close();
        await Promise.all([e.stop(), br.stop()]);
      },
    };
  });
  after(async () => {
    await pair?.close();
  });
  progressNotifyCases.forEach((kase, i) => {
    it(kase.name, async (t) => {
      if (!pair) return t.skip("etcd is not installed");
      await runCase(pair, 200 + i, kase);
    });
  });
});
