import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { freePort, startBrain } from "@wharf/testing";
import { GrpcPeer } from "./support/grpc-peer.js";

async function scrape(url: string): Promise<string> {
  const r = await fetch(url);
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type") ?? "", /text\/plain/);
  return r.text();
}

function value(text: string, series: string): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

describe("/metrics and health endpoints", () => {
  it("exposes etcd's metric names on the client port and on --listen-metrics-urls", async () => {
    const metricsPort = await freePort();
    const brain = await startBrain({ args: [`--listen-metrics-urls=http://127.0.0.1:${metricsPort}`] });
    const peer = new GrpcPeer(brain.endpoint);
    try {
      for (let i = 0; i < 3; i++)
        await peer.call(peer.kv, "put", { key: Buffer.from(`m${i}`), value: Buffer.from("v") });
      await peer.call(peer.kv, "range", { key: Buffer.from("m0"), revision: 999n });
      const text = await scrape(`${brain.url}/metrics`);
      assert.equal(value(text, "etcd_server_has_leader"), 1);
      assert.equal(value(text, "etcd_debugging_mvcc_current_revision"), 4);
      assert.equal(value(text, "etcd_debugging_mvcc_keys_total"), 3);
      assert.ok((value(text, "etcd_mvcc_db_total_size_in_bytes") ?? 0) > 0);
      assert.equal(
        value(
          text,
          'grpc_server_handled_total{grpc_type="unary",grpc_service="etcdserverpb.KV",grpc_method="Put",grpc_code="OK"}',
        ),
        3,
      );
      assert.equal(
        value(
          text,
          'grpc_server_handled_total{grpc_type="unary",grpc_service="etcdserverpb.KV",grpc_method="Range",grpc_code="OutOfRange"}',
        ),
        1,
      );
      assert.ok((value(text, "etcd_disk_backend_commit_duration_seconds_count") ?? 0) >= 1);
      assert.match(text, /^process_cpu_seconds_total /m);
      // The metrics-only listener serves the same registry but no gRPC and no other paths.
      const separate = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
      assert.equal(value(separate, "etcd_debugging_mvcc_current_revision"), 4);
      assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/v3/kv/range`, { method: "POST" })).status, 404);
      for (const path of ["/health", "/readyz", "/livez"]) {
        assert.equal((await fetch(`${brain.url}${path}`)).status, 200, path);
      }
      assert.equal((await fetch(`${brain.url}/no-such-path`)).status, 404);
    } finally {
      peer.close();
      await brain.stop();
    }
  });
});
