import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StatusError } from "@wharf/apimachinery";
import type { Storage, Versioned } from "../src/index.js";
import { AllocationBitmap } from "../src/registry/service-allocation/allocation-bitmap.js";
import { RangeAllocationStore } from "../src/registry/service-allocation/allocation-store.js";
import { formatIP, parseCIDR, parseIP } from "../src/registry/service-allocation/cidr.js";
import { IPAllocator, IPRange, ipRangeOffset } from "../src/registry/service-allocation/ip-allocator.js";
import {
  formatPortRange,
  PortAllocator,
  parsePortRange,
  portRangeOffset,
} from "../src/registry/service-allocation/port-allocator.js";
import { ServiceAllocator } from "../src/registry/service-allocation/service-allocator.js";
import { parseServiceClusterIPRange } from "../src/registry/service-allocation/service-network.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests read decoded JSON
type J = any;

/** Just enough of Storage for the range stores: one revision counter, compare-and-swap by revision. */
function memoryStorage(): Storage {
  const data = new Map<string, Versioned<unknown>>();
  let rev = 0;
  return {
    async get(key: string) {
      const v = data.get(key);
      return v && structuredClone(v);
    },
    async create(key: string, object: unknown) {
      if (data.has(key)) throw Object.assign(new Error("exists"), { code: "KeyExists" });
      const v = { object: structuredClone(object), resourceVersion: ++rev };
      data.set(key, v);
      return structuredClone(v);
    },
    async guaranteedUpdate(key: string, update: (c: Versioned<unknown> | undefined) => unknown, o: J = {}) {
      const cur = data.get(key);
      if (o.expectedResourceVersion !== undefined && cur?.resourceVersion !== o.expectedResourceVersion) {
        throw Object.assign(new Error("conflict"), { code: "Conflict" });
      }
      const next = await update(cur && structuredClone(cur));
      const v = { object: structuredClone(next), resourceVersion: ++rev };
      data.set(key, v);
      return structuredClone(v);
    },
  } as unknown as Storage;
}

function cidr(s: string) {
  const c = parseCIDR(s);
  assert.ok(c, s);
  return c;
}

describe("service allocators", () => {
  it("reads and prints addresses as Go does", () => {
    assert.equal(formatIP(parseIP("010.001.0.9")!), "10.1.0.9");
    assert.equal(formatIP(parseIP("FD00:0:0:0:0:0:0:1")!), "fd00::1");
    assert.equal(formatIP(parseIP("2001:db8:0:0:1:0:0:1")!), "2001:db8::1:0:0:1");
    assert.equal(formatIP(parseIP("::ffff:10.0.0.1")!), "10.0.0.1");
    assert.equal(parseIP("::ffff:10.0.0.1")!.family, "IPv4");
    assert.equal(parseIP("10.0.0.256"), undefined);
    assert.equal(parseIP("1::2::3"), undefined);
    assert.deepEqual(cidr("10.0.0.77/24"), { family: "IPv4", network: 0x0a000000n, prefix: 24, bits: 32 });
  });

  it("sizes ranges as kube's bitmap allocator: no network address, no IPv4 broadcast, IPv6 capped", () => {
    const r24 = new IPRange(cidr("10.0.0.0/24"));
    assert.equal(r24.max, 254);
    assert.equal(r24.ipAt(0), "10.0.0.1");
    assert.equal(r24.ipAt(253), "10.0.0.254");
    assert.equal(r24.offsetOf(parseIP("10.0.0.0")!), undefined);
    assert.equal(r24.offsetOf(parseIP("10.0.0.255")!), undefined);
    assert.equal(r24.offsetOf(parseIP("10.0.0.254")!), 253);
    assert.equal(ipRangeOffset(r24.cidr), 16);
    assert.equal(new IPRange(cidr("10.0.0.0/29")).max, 6);
    assert.equal(ipRangeOffset(cidr("10.0.0.0/28")), 0);
    assert.equal(ipRangeOffset(cidr("10.0.0.0/16")), 256);
    const v6 = new IPRange(cidr("fd00::/108"));
    assert.equal(v6.max, 65535);
    assert.equal(v6.firstIP(), "fd00::1");
    assert.equal(new IPRange(cidr("fd00::/120")).max, 255);
    assert.equal(
      r24.notInRange("10.1.0.1").message,
      "the provided IP (10.1.0.1) is not in the valid range. The range of valid IPs is 10.0.0.0/24",
    );
  });

  it("parses --service-node-port-range as kube's PortRange.Set", () => {
    assert.deepEqual(parsePortRange("30000-32767"), { base: 30000, size: 2768 });
    assert.deepEqual(parsePortRange(" 30000+2767 "), { base: 30000, size: 2768 });
    assert.deepEqual(parsePortRange("8080"), { base: 8080, size: 1 });
    assert.equal(formatPortRange(parsePortRange("30000+2767")), "30000-32767");
    assert.throws(
      () => parsePortRange("30000-70000"),
      /^Error: the port range cannot be greater than 65535: 30000-70000$/,
    );
    assert.throws(() => parsePortRange("32767-30000"), /^Error: end port cannot be less than start port: 32767-30000$/);
    assert.throws(() => parsePortRange("1+2-3"), /^Error: unable to parse port range: 1\+2-3$/);
    assert.throws(() => parsePortRange("a-b"), /invalid syntax/);
    assert.equal(portRangeOffset(parsePortRange("30000-32767")), 86);
    assert.equal(portRangeOffset(parsePortRange("30000-30015")), 0);
    assert.equal(portRangeOffset(parsePortRange("1-65535")), 128);
  });

  it("parses --service-cluster-ip-range with kube-apiserver's checks", () => {
    assert.deepEqual(
      parseServiceClusterIPRange("10.0.0.0/24,fd00::/108").map((c) => c.family),
      ["IPv4", "IPv6"],
    );
    assert.throws(() => parseServiceClusterIPRange("10.0.0.0/24,10.1.0.0/24"), /must be of different IP family$/);
    assert.throws(
      () => parseServiceClusterIPRange("10.0.0.0/8"),
      /^Error: specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12$/,
    );
    assert.throws(() => parseServiceClusterIPRange("fd00::/64"), /for 128-bit addresses, the mask must be >= 108$/);
    assert.throws(() => parseServiceClusterIPRange("a,b,c"), /must not contain more than two entries/);
    assert.throws(() => parseServiceClusterIPRange("10.0.0.0"), /is not a valid cidr/);
  });

  it("keeps kube's RangeAllocation data: big-endian bytes of the bitmap", () => {
    const b = new AllocationBitmap(254, 16);
    b.allocate(0);
    b.allocate(9);
    assert.equal(b.snapshot(), Buffer.from([0x02, 0x01]).toString("base64"));
    const back = AllocationBitmap.restore(254, 16, b.snapshot());
    const seen: number[] = [];
    back.forEach((o) => {
      seen.push(o);
    });
    assert.deepEqual(seen, [0, 9]);
    assert.equal(back.count, 2);
    assert.equal(new AllocationBitmap(10).snapshot(), "");
  });

  it("picks from the upper band first, never a skipped offset, and reports a full range", () => {
    const b = new AllocationBitmap(20, 16);
    const first = [b.allocateNext(new Set(), () => 0), b.allocateNext(new Set(), () => 0)];
    assert.deepEqual(first, [16, 17]);
    b.allocateNext(new Set(), () => 0);
    b.allocateNext(new Set(), () => 0);
    // The upper band [16, 20) is full: the lower one is used, skipping offset 0.
    assert.equal(
      b.allocateNext(new Set([0]), () => 0),
      1,
    );
    for (let i = 2; i < 16; i++) assert.ok(b.allocateNext(new Set([0])) !== undefined);
    assert.equal(b.allocateNext(new Set([0])), undefined);
    assert.equal(b.allocateNext(), 0);
    assert.equal(b.allocateNext(), undefined);
  });

  it("changes a stored range atomically and refuses taken values without writing", async () => {
    const storage = memoryStorage();
    const store = new RangeAllocationStore(storage, "/registry/ranges/x", { range: "r", max: 8, offset: 0 });
    assert.deepEqual(await store.change({ specific: [3] }), []);
    await assert.rejects(store.change({ specific: [5, 3] }), (e: J) => e.code === "Allocated" && e.index === 1);
    const bitmap = await store.read();
    assert.equal(bitmap.has(5), false, "the refused change kept nothing");
    const got = await store.change({ next: 7 });
    assert.equal(new Set([3, ...got]).size, 8);
    await assert.rejects(store.change({ next: 1 }), (e: J) => e.code === "Full");
    await store.change({ release: [3] });
    assert.deepEqual(await store.change({ next: 1 }), [3]);
    const stored = (await storage.get<J>("/registry/ranges/x"))!.object;
    assert.equal(stored.kind, "RangeAllocation");
    assert.equal(stored.apiVersion, "v1");
    assert.equal(stored.range, "r");
    assert.equal(stored.data, Buffer.from([0xff]).toString("base64"));
  });

  it("fills ipFamilies and ipFamilyPolicy and allocates per family as kube does", async () => {
    const storage = memoryStorage();
    const ports = new PortAllocator(storage, "/r/servicenodeports", parsePortRange("30000-30010"));
    const dual = new ServiceAllocator(
      [
        new IPAllocator(storage, "/r/serviceips", new IPRange(cidr("10.0.0.0/24"))),
        new IPAllocator(storage, "/r/secondaryserviceips", new IPRange(cidr("fd00::/120"))),
      ],
      ports,
    );
    const svc: J = {
      metadata: { name: "d" },
      spec: { type: "ClusterIP", ipFamilyPolicy: "PreferDualStack", ports: [] },
    };
    await dual.allocateCreate(svc, false);
    assert.deepEqual(svc.spec.ipFamilies, ["IPv4", "IPv6"]);
    assert.equal(svc.spec.clusterIPs.length, 2);
    assert.equal(svc.spec.clusterIP, svc.spec.clusterIPs[0]);
    assert.equal(parseIP(svc.spec.clusterIPs[1])?.family, "IPv6");
    const single: J = { metadata: { name: "s" }, spec: { type: "ClusterIP", ipFamilies: ["IPv6"], ports: [] } };
    await dual.allocateCreate(single, false);
    assert.equal(single.spec.ipFamilyPolicy, "SingleStack");
    assert.match(single.spec.clusterIP, /^fd00::/);
    const headless: J = {
      metadata: { name: "h" },
      spec: { type: "ClusterIP", clusterIP: "None", clusterIPs: ["None"] },
    };
    await dual.allocateCreate(headless, false);
    assert.equal(headless.spec.ipFamilyPolicy, "RequireDualStack");
    assert.deepEqual(headless.spec.ipFamilies, ["IPv4", "IPv6"]);

    const v4only = new ServiceAllocator(
      [new IPAllocator(storage, "/s/serviceips", new IPRange(cidr("10.1.0.0/24")))],
      ports,
    );
    const require: J = { metadata: { name: "r" }, spec: { type: "ClusterIP", ipFamilyPolicy: "RequireDualStack" } };
    await assert.rejects(v4only.allocateCreate(require, false), (e: unknown) => {
      assert.ok(e instanceof StatusError);
      assert.equal(
        e.status.message,
        'Service "r" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services',
      );
      return true;
    });
    const v6ip: J = {
      metadata: { name: "v6" },
      spec: { type: "ClusterIP", clusterIP: "fd00::5", clusterIPs: ["fd00::5"] },
    };
    await assert.rejects(v4only.allocateCreate(v6ip, false), (e: unknown) => {
      assert.ok(e instanceof StatusError);
      assert.equal(
        e.status.message,
        'Service "v6" is invalid: spec.clusterIPs[0]: Invalid value: []string{"fd00::5"}: IPv6 is not configured on this cluster',
      );
      return true;
    });
  });

  it("shares one node port between ports with the same number, and reverts a failed create", async () => {
    const storage = memoryStorage();
    const ports = new PortAllocator(storage, "/r/servicenodeports", parsePortRange("30000-30001"));
    const alloc = new ServiceAllocator(
      [new IPAllocator(storage, "/r/serviceips", new IPRange(cidr("10.0.0.0/29")))],
      ports,
    );
    const dns: J = {
      metadata: { name: "dns" },
      spec: {
        type: "NodePort",
        ports: [
          { name: "udp", port: 53, protocol: "UDP" },
          { name: "tcp", port: 53, protocol: "TCP" },
        ],
      },
    };
    const txn = await alloc.allocateCreate(dns, false);
    assert.equal(dns.spec.ports[0].nodePort, dns.spec.ports[1].nodePort);
    const ip = dns.spec.clusterIP;
    await txn.revert();
    assert.equal((await ports.store.read()).count, 0);
    assert.equal(
      (await alloc.ipAllocator("IPv4")!.store.read()).has(new IPRange(cidr("10.0.0.0/29")).offsetOf(parseIP(ip)!)!),
      false,
    );
  });
});
