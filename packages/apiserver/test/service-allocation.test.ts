import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { KUBECTL, type ProcessServer, startBrain, startEtcd, tempDir } from "@wharf/testing";
import { EtcdStorage, type RunningApiServer, startApiServer } from "../src/index.js";
import { AllocationBitmap } from "../src/registry/service-allocation/allocation-bitmap.js";
import { ADMIN_TOKEN, localServerOptions, writeAdminKubeconfig } from "./support/local-server.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests read decoded JSON
type J = any;

const run = promisify(execFile);

/** One JSON request to an API server as the admin user. */
function call(
  api: RunningApiServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: J }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${api.url}${path}`,
      {
        method,
        rejectUnauthorized: false,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          "content-type": "application/json",
          accept: "application/json",
        },
      },
      (res) => {
        let data = "";
        res.on("data", (c) => {
          data += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data ? JSON.parse(data) : undefined }));
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const SVC = "/api/v1/namespaces/default/services";

function service(name: string, spec: J = {}): J {
  return { apiVersion: "v1", kind: "Service", metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } };
}

async function create(api: RunningApiServer, obj: J, query = ""): Promise<J> {
  const r = await call(api, "POST", `${SVC}${query}`, obj);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function refused(api: RunningApiServer, obj: J, code: number): Promise<J> {
  const r = await call(api, "POST", SVC, obj);
  assert.equal(r.status, code, JSON.stringify(r.body));
  return r.body;
}

function ipNum(ip: string): number {
  return ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
}

for (const backend of ["etcd", "brain"] as const) {
  describe(`Service ClusterIP and NodePort allocation on ${backend}`, { timeout: 180_000 }, () => {
    const dir = tempDir();
    let store: ProcessServer;
    let api: RunningApiServer;
    let api2: RunningApiServer;
    let storage: EtcdStorage;
    let tokens: string;
    const opts = (extra = {}) =>
      localServerOptions(store.url, dir.path, {
        tokenAuthFile: tokens,
        serviceClusterIPRange: "10.96.0.0/24",
        ...extra,
      });

    /** The stored bitmap of a range key, as offsets. */
    async function storedOffsets(key: string, max: number): Promise<{ range: string; offsets: number[] }> {
      const v = await storage.get<J>(key);
      assert.ok(v, `${key} is stored`);
      const bitmap = AllocationBitmap.restore(max, 0, v.object.data);
      const offsets: number[] = [];
      bitmap.forEach((o) => {
        offsets.push(o);
      });
      return { range: v.object.range, offsets };
    }

    before(async () => {
      store = backend === "etcd" ? await startEtcd() : await startBrain();
      tokens = join(dir.path, "tokens.csv");
      writeFileSync(tokens, `${ADMIN_TOKEN},admin,1,"system:masters"\n`);
      api = await startApiServer(opts());
      storage = EtcdStorage.connect([store.url]);
    });
    after(async () => {
      await api?.close();
      await api2?.close();
      storage?.close();
      await store?.stop();
      dir.remove();
    });

    it("creates the kubernetes Service, Endpoints and EndpointSlice as kube's controlplane does", async (t) => {
      const port = Number(new URL(api.url).port);
      let svc: J;
      if (KUBECTL) {
        const kubeconfig = join(dir.path, "kubeconfig");
        writeAdminKubeconfig(kubeconfig, api.url);
        const { stdout } = await run(KUBECTL, ["--kubeconfig", kubeconfig, "get", "svc", "kubernetes", "-o", "json"]);
        svc = JSON.parse(stdout);
      } else {
        t.diagnostic("no kubectl: reading over HTTP");
        svc = (await call(api, "GET", `${SVC}/kubernetes`)).body;
      }
      assert.deepEqual(svc.metadata.labels, { component: "apiserver", provider: "kubernetes" });
      assert.equal(svc.spec.clusterIP, "10.96.0.1");
      assert.deepEqual(svc.spec.clusterIPs, ["10.96.0.1"]);
      assert.deepEqual(svc.spec.ipFamilies, ["IPv4"]);
      assert.equal(svc.spec.ipFamilyPolicy, "SingleStack");
      assert.equal(svc.spec.type, "ClusterIP");
      assert.equal(svc.spec.sessionAffinity, "None");
      assert.deepEqual(svc.spec.ports, [{ name: "https", protocol: "TCP", port: 443, targetPort: port }]);
      const ep = (await call(api, "GET", "/api/v1/namespaces/default/endpoints/kubernetes")).body;
      assert.deepEqual(ep.metadata.labels, { "endpointslice.kubernetes.io/skip-mirror": "true" });
      assert.deepEqual(ep.subsets, [
        { addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "https", port, protocol: "TCP" }] },
      ]);
      const slice = (await call(api, "GET", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes"))
        .body;
      assert.equal(slice.addressType, "IPv4");
      assert.deepEqual(slice.metadata.labels, { "kubernetes.io/service-name": "kubernetes" });
      assert.deepEqual(slice.endpoints, [{ addresses: ["127.0.0.1"], conditions: { ready: true } }]);
      assert.deepEqual(slice.ports, [{ name: "https", port, protocol: "TCP" }]);
      // The first address is allocated in the stored bitmap (offset 0).
      const ips = await storedOffsets("/registry/ranges/serviceips", 254);
      assert.equal(ips.range, "10.96.0.0/24");
      assert.ok(ips.offsets.includes(0));
    });

    it("puts back the kubernetes Service's ports when they are changed", async () => {
      const svc = (await call(api, "GET", `${SVC}/kubernetes`)).body;
      svc.spec.ports = [{ name: "web", port: 8443, protocol: "TCP", targetPort: 1 }];
      assert.equal((await call(api, "PUT", `${SVC}/kubernetes`, svc)).status, 200);
      const restarted = await startApiServer(opts({ certDir: join(dir.path, "certs3") }));
      try {
        const back = (await call(api, "GET", `${SVC}/kubernetes`)).body;
        assert.equal(back.spec.ports.length, 1);
        assert.equal(back.spec.ports[0].name, "https");
        assert.equal(back.spec.ports[0].port, 443);
        assert.equal(back.spec.ports[0].targetPort, Number(new URL(restarted.url).port));
        assert.equal(back.spec.clusterIP, "10.96.0.1");
      } finally {
        await restarted.close();
      }
    });

    it("gives concurrent creates distinct ClusterIPs and NodePorts in range", async () => {
      const created = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          create(
            api,
            service(
              `many-${i}`,
              i % 2 === 0
                ? {
                    type: "NodePort",
                    ports: [
                      { name: "http", port: 80 },
                      { name: "https", port: 443 },
                    ],
                  }
                : {},
            ),
          ),
        ),
      );
      const ips = created.map((s) => s.spec.clusterIP as string);
      assert.equal(new Set(ips).size, 40);
      for (const s of created) {
        const n = ipNum(s.spec.clusterIP);
        assert.ok(n > ipNum("10.96.0.1") && n < ipNum("10.96.0.255"), s.spec.clusterIP);
        assert.deepEqual(s.spec.clusterIPs, [s.spec.clusterIP]);
        assert.deepEqual(s.spec.ipFamilies, ["IPv4"]);
        assert.equal(s.spec.ipFamilyPolicy, "SingleStack");
      }
      const nodePorts = created
        .filter((s) => s.spec.type === "NodePort")
        .flatMap((s) => s.spec.ports.map((p: J) => p.nodePort));
      assert.equal(nodePorts.length, 40);
      assert.equal(new Set(nodePorts).size, 40);
      for (const p of nodePorts) assert.ok(p >= 30000 && p <= 32767, String(p));
      for (const s of created.filter((x) => x.spec.type !== "NodePort")) {
        assert.equal(s.spec.ports[0].nodePort, undefined);
      }
      // The stored bitmaps hold exactly these (and the kubernetes Service's address).
      const stored = await storedOffsets("/registry/ranges/serviceips", 254);
      for (const ip of ips) assert.ok(stored.offsets.includes(ipNum(ip) - ipNum("10.96.0.1")), ip);
      const ports = await storedOffsets("/registry/ranges/servicenodeports", 2768);
      assert.equal(ports.range, "30000-32767");
      assert.deepEqual(ports.offsets.map((o) => o + 30000).sort(), [...nodePorts].sort());
      await Promise.all(created.map((s) => call(api, "DELETE", `${SVC}/${s.metadata.name}`)));
    });

    it("honours requested addresses and ports and refuses taken or foreign ones with kube's 422s", async () => {
      const a = await create(api, service("want-ip", { clusterIP: "10.96.0.50" }));
      assert.equal(a.spec.clusterIP, "10.96.0.50");
      assert.deepEqual(a.spec.clusterIPs, ["10.96.0.50"]);
      const dup = await refused(api, service("dup-ip", { clusterIP: "10.96.0.50" }), 422);
      assert.equal(
        dup.message,
        'Service "dup-ip" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.50"}: failed to allocate IP 10.96.0.50: provided IP is already allocated',
      );
      assert.deepEqual(dup.details.causes, [
        {
          reason: "FieldValueInvalid",
          field: "spec.clusterIPs",
          message:
            'Invalid value: []string{"10.96.0.50"}: failed to allocate IP 10.96.0.50: provided IP is already allocated',
        },
      ]);
      const foreign = await refused(api, service("foreign-ip", { clusterIP: "10.97.0.5" }), 422);
      assert.equal(
        foreign.message,
        'Service "foreign-ip" is invalid: spec.clusterIPs: Invalid value: []string{"10.97.0.5"}: failed to allocate IP 10.97.0.5: the provided IP (10.97.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/24',
      );
      // The broadcast address is not one of the range's.
      const broadcast = await refused(api, service("bcast", { clusterIP: "10.96.0.255" }), 422);
      assert.match(broadcast.message, /The range of valid IPs is 10\.96\.0\.0\/24$/);

      const np = await create(api, service("want-port", { type: "NodePort", ports: [{ port: 80, nodePort: 30100 }] }));
      assert.equal(np.spec.ports[0].nodePort, 30100);
      const dupPort = await refused(
        api,
        service("dup-port", { type: "NodePort", ports: [{ port: 81, nodePort: 30100 }] }),
        422,
      );
      assert.equal(
        dupPort.message,
        'Service "dup-port" is invalid: spec.ports[0].nodePort: Invalid value: 30100: provided port is already allocated',
      );
      const outside = await refused(
        api,
        service("out-port", {
          type: "NodePort",
          ports: [
            { name: "a", port: 80 },
            { name: "b", port: 81, nodePort: 40000 },
          ],
        }),
        422,
      );
      assert.equal(
        outside.message,
        'Service "out-port" is invalid: spec.ports[1].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767',
      );
      // Refused creates keep nothing: the address dup-port got is free again, and so is the first port of out-port.
      const after = await storedOffsets("/registry/ranges/servicenodeports", 2768);
      assert.deepEqual(after.offsets, [100]);
      for (const n of ["want-ip", "want-port"]) await call(api, "DELETE", `${SVC}/${n}`);
    });

    it("gives headless, ExternalName and LoadBalancer services what kube gives them; dry runs allocate nothing", async () => {
      const headless = await create(api, service("headless", { clusterIP: "None", selector: { app: "x" } }));
      assert.equal(headless.spec.clusterIP, "None");
      assert.deepEqual(headless.spec.clusterIPs, ["None"]);
      assert.deepEqual(headless.spec.ipFamilies, ["IPv4"]);
      assert.equal(headless.spec.ipFamilyPolicy, "SingleStack");
      const ext = await create(api, service("ext", { type: "ExternalName", externalName: "example.com" }));
      assert.equal(ext.spec.clusterIP, undefined);
      assert.equal(ext.spec.ipFamilies, undefined);
      const lb = await create(
        api,
        service("lb", { type: "LoadBalancer", externalTrafficPolicy: "Local", ports: [{ port: 80 }] }),
      );
      assert.ok(lb.spec.ports[0].nodePort >= 30000);
      assert.ok(lb.spec.healthCheckNodePort >= 30000 && lb.spec.healthCheckNodePort <= 32767);
      assert.notEqual(lb.spec.healthCheckNodePort, lb.spec.ports[0].nodePort);
      const beforeIPs = await storage.get<J>("/registry/ranges/serviceips");
      const beforePorts = await storage.get<J>("/registry/ranges/servicenodeports");
      const dry = await create(api, service("dry", { type: "NodePort" }), "?dryRun=All");
      assert.equal(dry.spec.clusterIP, "10.96.0.0");
      assert.equal(dry.spec.ports[0].nodePort, 32769);
      assert.equal((await storage.get<J>("/registry/ranges/serviceips"))?.resourceVersion, beforeIPs?.resourceVersion);
      assert.equal(
        (await storage.get<J>("/registry/ranges/servicenodeports"))?.resourceVersion,
        beforePorts?.resourceVersion,
      );
      assert.equal((await call(api, "GET", `${SVC}/dry`)).status, 404);
      // Deleting the LoadBalancer gives back both of its ports.
      await call(api, "DELETE", `${SVC}/lb`);
      const ports = await storedOffsets("/registry/ranges/servicenodeports", 2768);
      assert.deepEqual(ports.offsets, []);
      for (const n of ["headless", "ext"]) await call(api, "DELETE", `${SVC}/${n}`);
    });

    it("releases on delete and on type changes, keeps the address across them and refuses changing it", async () => {
      const a = await create(api, service("reuse", { clusterIP: "10.96.0.77" }));
      assert.equal((await call(api, "DELETE", `${SVC}/reuse`)).status, 200);
      const b = await create(api, service("reuse-again", { clusterIP: "10.96.0.77" }));
      assert.equal(b.spec.clusterIP, a.spec.clusterIP);

      // ClusterIP → NodePort: node ports appear; → ClusterIP: they are gone and free again.
      const toNodePort = structuredClone(b);
      toNodePort.spec.type = "NodePort";
      const np = await call(api, "PUT", `${SVC}/reuse-again`, toNodePort);
      assert.equal(np.status, 200, JSON.stringify(np.body));
      const nodePort = np.body.spec.ports[0].nodePort;
      assert.ok(nodePort >= 30000 && nodePort <= 32767);
      assert.equal(np.body.spec.clusterIP, "10.96.0.77");
      assert.deepEqual((await storedOffsets("/registry/ranges/servicenodeports", 2768)).offsets, [nodePort - 30000]);
      const patched = await new Promise<{ status: number; body: J }>((resolve, reject) => {
        const req = request(
          `${api.url}${SVC}/reuse-again`,
          {
            method: "PATCH",
            rejectUnauthorized: false,
            headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/merge-patch+json" },
          },
          (res) => {
            let data = "";
            res.on("data", (c) => {
              data += c;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) }));
          },
        );
        req.on("error", reject);
        req.end(JSON.stringify({ spec: { type: "ClusterIP" } }));
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal(patched.body.spec.ports[0].nodePort, undefined);
      assert.equal(patched.body.spec.clusterIP, "10.96.0.77");
      assert.deepEqual((await storedOffsets("/registry/ranges/servicenodeports", 2768)).offsets, []);
      const other = await create(api, service("takes-port", { type: "NodePort", ports: [{ port: 80, nodePort }] }));
      assert.equal(other.spec.ports[0].nodePort, nodePort);

      // The address cannot change.
      const moved = structuredClone(patched.body);
      moved.spec.clusterIP = "10.96.0.78";
      moved.spec.clusterIPs = ["10.96.0.78"];
      const refusedMove = await call(api, "PUT", `${SVC}/reuse-again`, moved);
      assert.equal(refusedMove.status, 422);
      assert.match(
        refusedMove.body.message,
        /spec\.clusterIPs\[0\]: Invalid value: \[\]string\{"10\.96\.0\.78"\}: may not change once set/,
      );
      // The refused update left 10.96.0.78 free.
      const free = await create(api, service("gets-78", { clusterIP: "10.96.0.78" }));
      assert.equal(free.spec.clusterIP, "10.96.0.78");
      for (const n of ["reuse-again", "takes-port", "gets-78"]) await call(api, "DELETE", `${SVC}/${n}`);
    });

    it("never hands out a value twice to two apiservers on one etcd", async () => {
      api2 = await startApiServer(opts({ certDir: join(dir.path, "certs2") }));
      const created = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          create(i % 2 === 0 ? api : api2, service(`two-${i}`, { type: "NodePort" })),
        ),
      );
      assert.equal(new Set(created.map((s) => s.spec.clusterIP)).size, 40);
      assert.equal(new Set(created.map((s) => s.spec.ports[0].nodePort)).size, 40);
      const stored = await storedOffsets("/registry/ranges/serviceips", 254);
      // The kubernetes Service's address and the 40.
      assert.equal(stored.offsets.length, 41);
      await Promise.all(created.map((s) => call(api, "DELETE", `${SVC}/${s.metadata.name}`)));
    });

    it("keeps allocations across a restart and repairs a lost bitmap from the services", async () => {
      const kept = await create(api, service("kept", { type: "NodePort" }));
      await api.close();
      api = await startApiServer(opts());
      const dup = await refused(api, service("kept-dup", { clusterIP: kept.spec.clusterIP }), 422);
      assert.match(dup.message, /provided IP is already allocated$/);
      // The bitmaps are lost: the next start rebuilds them from the stored services.
      await api.close();
      await storage.delete("/registry/ranges/serviceips");
      await storage.delete("/registry/ranges/servicenodeports");
      api = await startApiServer(opts());
      const ips = await storedOffsets("/registry/ranges/serviceips", 254);
      assert.deepEqual(
        ips.offsets.sort((x, y) => x - y),
        [0, ipNum(kept.spec.clusterIP) - ipNum("10.96.0.1")],
      );
      const ports = await storedOffsets("/registry/ranges/servicenodeports", 2768);
      assert.deepEqual(ports.offsets, [kept.spec.ports[0].nodePort - 30000]);
      const dupPort = await refused(
        api,
        service("kept-port-dup", { type: "NodePort", ports: [{ port: 80, nodePort: kept.spec.ports[0].nodePort }] }),
        422,
      );
      assert.match(dupPort.message, /provided port is already allocated$/);
      await call(api, "DELETE", `${SVC}/kept`);
    });

    it("answers kube's errors when a small range is used up, leaking nothing", async () => {
      // Another prefix: its own ranges. A /29 has 6 addresses, the first is the kubernetes Service's.
      const small = await startApiServer(
        opts({
          etcdPrefix: "/small",
          certDir: join(dir.path, "certs-small"),
          serviceClusterIPRange: "10.200.0.0/29",
          serviceNodePortRange: "30000+2",
        }),
      );
      try {
        for (let i = 0; i < 3; i++) await create(small, service(`np-${i}`, { type: "NodePort" }));
        const full = await refused(small, service("np-3", { type: "NodePort" }), 500);
        assert.equal(full.message, "Internal error occurred: failed to allocate a nodePort: range is full");
        assert.equal(full.reason, "InternalError");
        // np-3's address went back: exactly two more fit.
        const last = [await create(small, service("ip-0")), await create(small, service("ip-1"))];
        const used = new Set(last.map((s) => s.spec.clusterIP));
        assert.equal(used.size, 2);
        const noIP = await refused(small, service("ip-2"), 500);
        assert.equal(noIP.message, "Internal error occurred: failed to allocate a serviceIP: range is full");
        const outside = await refused(small, service("ip-x", { clusterIP: "10.200.0.7" }), 422);
        assert.match(
          outside.message,
          /the provided IP \(10\.200\.0\.7\) is not in the valid range\. The range of valid IPs is 10\.200\.0\.0\/29$/,
        );
      } finally {
        await small.close();
      }
    });
  });
}
