import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { createCa } from "@wharf/pki";
import {
  ETCD_BIN,
  eventually,
  KUBECTL,
  type ProcessServer,
  requireProgram,
  startBrain,
  startEtcd,
  tempDir,
} from "@wharf/testing";
import { type ApiServerOptions, type RunningApiServer, startApiServer } from "../src/index.js";
import { apiserverIdentity } from "../src/registry/apiserver-identity.js";
import { ADMIN_TOKEN, adminJson, localServerOptions, writeAdminKubeconfig } from "./support/local-server.js";

// What kube-apiserver 1.28 creates for itself at start, on a real etcd and on
// brain: the system namespaces and PriorityClasses, the priority-and-fairness
// FlowSchemas and PriorityLevelConfigurations (with kube's rules for keeping
// them), and kube-system/extension-apiserver-authentication with the client
// CA; a second apiserver and a restart; the system PriorityClasses' 403.

const run = promisify(execFile);

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON bodies.
type Json = any;

const FC = "/apis/flowcontrol.apiserver.k8s.io/v1beta3";
const FLOW_SCHEMAS = `${FC}/flowschemas`;
const LEVELS = `${FC}/prioritylevelconfigurations`;
const PRIORITY_CLASSES = "/apis/scheduling.k8s.io/v1/priorityclasses";
const AUTH_CONFIGMAP = "/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication";
const AUTO_UPDATE = { "apf.kubernetes.io/autoupdate-spec": "true" };

/** kube 1.28's names, in etcd's (name) order. */
const KUBE_FLOW_SCHEMAS = [
  "catch-all",
  "endpoint-controller",
  "exempt",
  "global-default",
  "kube-controller-manager",
  "kube-scheduler",
  "kube-system-service-accounts",
  "probes",
  "service-accounts",
  "system-leader-election",
  "system-node-high",
  "system-nodes",
  "workload-leader-election",
];
const KUBE_LEVELS = [
  "catch-all",
  "exempt",
  "global-default",
  "leader-election",
  "node-high",
  "system",
  "workload-high",
  "workload-low",
];

const everyResource = [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"], clusterScope: true, namespaces: ["*"] }];
const everyUrl = [{ verbs: ["*"], nonResourceURLs: ["*"] }];
/** The specs kube-apiserver 1.28 stores for a few of them (bootstrap/default.go). */
const KUBE_SPECS: Record<string, Json> = {
  "flowschemas/exempt": {
    priorityLevelConfiguration: { name: "exempt" },
    matchingPrecedence: 1,
    rules: [
      {
        subjects: [{ kind: "Group", group: { name: "system:masters" } }],
        resourceRules: everyResource,
        nonResourceRules: everyUrl,
      },
    ],
  },
  "flowschemas/catch-all": {
    priorityLevelConfiguration: { name: "catch-all" },
    matchingPrecedence: 10000,
    distinguisherMethod: { type: "ByUser" },
    rules: [
      {
        subjects: [
          { kind: "Group", group: { name: "system:unauthenticated" } },
          { kind: "Group", group: { name: "system:authenticated" } },
        ],
        resourceRules: everyResource,
        nonResourceRules: everyUrl,
      },
    ],
  },
  "flowschemas/service-accounts": {
    priorityLevelConfiguration: { name: "workload-low" },
    matchingPrecedence: 9000,
    distinguisherMethod: { type: "ByUser" },
    rules: [
      {
        subjects: [{ kind: "Group", group: { name: "system:serviceaccounts" } }],
        resourceRules: everyResource,
        nonResourceRules: everyUrl,
      },
    ],
  },
  "flowschemas/system-leader-election": {
    priorityLevelConfiguration: { name: "leader-election" },
    matchingPrecedence: 100,
    distinguisherMethod: { type: "ByUser" },
    rules: [
      {
        subjects: [
          { kind: "User", user: { name: "system:kube-controller-manager" } },
          { kind: "User", user: { name: "system:kube-scheduler" } },
          { kind: "ServiceAccount", serviceAccount: { namespace: "kube-system", name: "*" } },
        ],
        resourceRules: [
          {
            verbs: ["get", "create", "update"],
            apiGroups: ["coordination.k8s.io"],
            resources: ["leases"],
            namespaces: ["*"],
          },
        ],
      },
    ],
  },
  "flowschemas/probes": {
    priorityLevelConfiguration: { name: "exempt" },
    matchingPrecedence: 2,
    rules: [
      {
        subjects: [
          { kind: "Group", group: { name: "system:unauthenticated" } },
          { kind: "Group", group: { name: "system:authenticated" } },
        ],
        nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/healthz", "/readyz", "/livez"] }],
      },
    ],
  },
  "prioritylevelconfigurations/exempt": {
    type: "Exempt",
    exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 },
  },
  "prioritylevelconfigurations/catch-all": {
    type: "Limited",
    limited: { nominalConcurrencyShares: 5, limitResponse: { type: "Reject" }, lendablePercent: 0 },
  },
  "prioritylevelconfigurations/workload-low": {
    type: "Limited",
    limited: {
      nominalConcurrencyShares: 100,
      limitResponse: { type: "Queue", queuing: { queues: 128, handSize: 6, queueLengthLimit: 50 } },
      lendablePercent: 90,
    },
  },
  "prioritylevelconfigurations/leader-election": {
    type: "Limited",
    limited: {
      nominalConcurrencyShares: 10,
      limitResponse: { type: "Queue", queuing: { queues: 16, handSize: 4, queueLengthLimit: 50 } },
      lendablePercent: 0,
    },
  },
};

/** A CA bundle as kube's trust controller writes it: each certificate's DER, base64 in lines of 64. */
function kubePem(...pems: string[]): string {
  return pems
    .map((p) => {
      const b64 = new X509Certificate(p).raw.toString("base64");
      return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
    })
    .join("");
}

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: bootstrap objects`, { timeout: 120_000 }, () => {
    const dir = tempDir("wharf-bootstrap-");
    const tokens = join(dir.path, "tokens.csv");
    const kubeconfig = join(dir.path, "kubeconfig");
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;
    let caPem = "";
    const servers: RunningApiServer[] = [];

    /** Another apiserver on the same etcd, trusting the CA in `caFile`. */
    const startAnother = async (caFile: string, extra: Partial<ApiServerOptions> = {}) => {
      const s = await startApiServer(
        localServerOptions(store!.url, dir.path, { tokenAuthFile: tokens, clientCaFile: caFile, ...extra }),
      );
      servers.push(s);
      return s;
    };
    const writeCa = async (name: string) => {
      const ca = await createCa(name);
      const file = join(dir.path, `${name}.crt`);
      writeFileSync(file, ca.certPem);
      return { file, pem: ca.certPem };
    };

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      store = backend === "etcd" ? await startEtcd() : await startBrain();
      writeFileSync(tokens, `${ADMIN_TOKEN},admin,1,"system:masters"\n`);
      const ca = await writeCa("first-ca");
      caPem = ca.pem;
      api = await startAnother(ca.file);
      writeAdminKubeconfig(kubeconfig, api.url);
    });
    after(async () => {
      for (const s of servers) await s.close();
      await store?.stop();
      dir.remove();
    });

    const call = (method: string, path: string, body?: unknown, server = api!) =>
      adminJson(server.url, method, path, body);
    const ok = async (method: string, path: string, body?: unknown, server = api!) => {
      const r = await call(method, path, body, server);
      assert.ok(r.code < 300, `${method} ${path}: ${r.code} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const names = async (path: string) => (await ok("GET", path)).items.map((i: Json) => i.metadata.name);
    /** name → resourceVersion of everything bootstrap makes. */
    const versions = async () => {
      const out: Record<string, string> = {};
      for (const path of [FLOW_SCHEMAS, LEVELS, PRIORITY_CLASSES, "/api/v1/namespaces"]) {
        for (const i of (await ok("GET", path)).items) out[`${path}/${i.metadata.name}`] = i.metadata.resourceVersion;
      }
      out[AUTH_CONFIGMAP] = (await ok("GET", AUTH_CONFIGMAP)).metadata.resourceVersion;
      return out;
    };

    it("creates kube's system namespaces, PriorityClasses, FlowSchemas and priority levels", async (t) => {
      if (!api) return t.skip("no backend");
      assert.deepEqual(await names("/api/v1/namespaces"), ["default", "kube-node-lease", "kube-public", "kube-system"]);
      const pcs = (await ok("GET", PRIORITY_CLASSES)).items.map((p: Json) => [p.metadata.name, p.value, p.description]);
      assert.deepEqual(pcs, [
        [
          "system-cluster-critical",
          2000000000,
          "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
        ],
        [
          "system-node-critical",
          2000001000,
          "Used for system critical pods that must not be moved from their current node.",
        ],
      ]);
      assert.deepEqual(await names(FLOW_SCHEMAS), KUBE_FLOW_SCHEMAS);
      assert.deepEqual(await names(LEVELS), KUBE_LEVELS);
      for (const [path, spec] of Object.entries(KUBE_SPECS)) {
        const obj = await ok("GET", `${FC}/${path}`);
        assert.deepEqual(obj.spec, spec, `${path}: spec`);
        assert.deepEqual(obj.metadata.annotations, AUTO_UPDATE, `${path}: annotations`);
        assert.equal(obj.metadata.generation, 1, `${path}: generation`);
        // A FlowSchema's status is its Dangling condition (the next test).
        if (path.startsWith("prioritylevelconfigurations/")) assert.deepEqual(obj.status, {}, `${path}: status`);
      }
      // Every flow schema names a level that exists, every level but exempt and catch-all queues 50 requests per queue.
      for (const fs of (await ok("GET", FLOW_SCHEMAS)).items) {
        assert.ok(KUBE_LEVELS.includes(fs.spec.priorityLevelConfiguration.name), fs.metadata.name);
        assert.deepEqual(fs.metadata.annotations, AUTO_UPDATE, fs.metadata.name);
      }
      const queueLimits = (await ok("GET", LEVELS)).items.map((l: Json) => [
        l.metadata.name,
        l.spec.limited?.nominalConcurrencyShares,
        l.spec.limited?.lendablePercent,
        l.spec.limited?.limitResponse.queuing?.queueLengthLimit,
      ]);
      assert.deepEqual(queueLimits, [
        ["catch-all", 5, 0, undefined],
        ["exempt", undefined, undefined, undefined],
        ["global-default", 20, 50, 50],
        ["leader-election", 10, 0, 50],
        ["node-high", 40, 25, 50],
        ["system", 30, 33, 50],
        ["workload-high", 40, 50, 50],
        ["workload-low", 100, 90, 50],
      ]);
    });

    /** Each FlowSchema's Dangling condition as [name, status, reason, message]. */
    const dangling = async () =>
      (await ok("GET", FLOW_SCHEMAS)).items.map((fs: Json) => {
        const c = (fs.status?.conditions ?? []).find((x: Json) => x.type === "Dangling");
        return [fs.metadata.name, c?.status, c?.reason, c?.message];
      });
    const found = (name: string, level: string) => [
      name,
      "False",
      "Found",
      `This FlowSchema references the PriorityLevelConfiguration object named "${level}" and it exists`,
    ];

    it("sets every FlowSchema's Dangling condition as kube's config consumer does", async (t) => {
      if (!api) return t.skip("no backend");
      await eventually(async () => {
        const rows = await dangling();
        assert.deepEqual(
          rows,
          (await ok("GET", FLOW_SCHEMAS)).items.map((fs: Json) =>
            found(fs.metadata.name, fs.spec.priorityLevelConfiguration.name),
          ),
        );
      }, 20_000);
      const exempt = await ok("GET", `${FLOW_SCHEMAS}/exempt`);
      assert.match(exempt.status.conditions[0].lastTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      // Applied to /status by kube's field manager, so the condition is owned as kube's is.
      const entry = exempt.metadata.managedFields.find(
        (m: Json) => m.manager === "api-priority-and-fairness-config-consumer-v1",
      );
      assert.deepEqual(
        { ...entry, time: undefined },
        {
          manager: "api-priority-and-fairness-config-consumer-v1",
          operation: "Apply",
          apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3",
          time: undefined,
          fieldsType: "FieldsV1",
          fieldsV1: {
            "f:status": {
              "f:conditions": {
                'k:{"type":"Dangling"}': {
                  ".": {},
                  "f:lastTransitionTime": {},
                  "f:message": {},
                  "f:reason": {},
                  "f:status": {},
                  "f:type": {},
                },
              },
            },
          },
          subresource: "status",
        },
      );
    });

    it("holds kube's apiserver identity lease, renews it, and collects those of apiservers long gone", async (t) => {
      if (!api) return t.skip("no backend");
      const host = hostname();
      const id = apiserverIdentity(host);
      assert.match(id, /^apiserver-[a-z2-7]{26}$/);
      const lease = await ok("GET", `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${id}`);
      assert.deepEqual(lease.metadata.labels, {
        "apiserver.kubernetes.io/identity": "kube-apiserver",
        "kubernetes.io/hostname": host,
      });
      assert.equal(lease.spec.holderIdentity, id);
      assert.equal(lease.spec.leaseDurationSeconds, 3600);
      assert.match(lease.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      // Another host's apiserver, gone for over an hour, and one that renewed a minute ago.
      const other = (name: string, renewed: number) => ({
        metadata: { name, labels: { "apiserver.kubernetes.io/identity": "kube-apiserver" } },
        spec: {
          holderIdentity: name,
          leaseDurationSeconds: 3600,
          renewTime: new Date(Date.now() - renewed).toISOString().replace("Z", "000Z"),
        },
      });
      const leasesPath = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";
      await ok("POST", leasesPath, other("apiserver-gone", 3_700_000));
      await ok("POST", leasesPath, other("apiserver-alive", 60_000));
      const quick = await startAnother(join(dir.path, "first-ca.crt"), {
        identityLease: { hostname: "quick-host", renewIntervalMs: 200, gcIntervalMs: 200 },
      });
      const quickId = apiserverIdentity("quick-host");
      const first = await ok("GET", `${leasesPath}/${quickId}`, undefined, quick);
      await eventually(async () => {
        const names = (await ok("GET", leasesPath)).items.map((l: Json) => l.metadata.name);
        assert.ok(!names.includes("apiserver-gone"), names.join(" "));
        assert.ok(names.includes("apiserver-alive") && names.includes(id), names.join(" "));
        const renewed = await ok("GET", `${leasesPath}/${quickId}`);
        assert.ok(renewed.spec.renewTime > first.spec.renewTime, "renewed");
      }, 20_000);
      await quick.close();
      servers.splice(servers.indexOf(quick), 1);
    });

    it("publishes the client CA in kube-system/extension-apiserver-authentication", async (t) => {
      if (!api) return t.skip("no backend");
      const cm = await ok("GET", AUTH_CONFIGMAP);
      assert.deepEqual(cm.data, { "client-ca-file": kubePem(caPem) });
    });

    it("refuses to delete a system PriorityClass with kube's 403", async (t) => {
      if (!api) return t.skip("no backend");
      for (const name of ["system-node-critical", "system-cluster-critical"]) {
        for (const query of ["", "?dryRun=All"]) {
          const r = await call("DELETE", `${PRIORITY_CLASSES}/${name}${query}`);
          assert.equal(r.code, 403, `${name}${query}`);
          assert.deepEqual(r.body, {
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Failure",
            message: `priorityclasses.scheduling.k8s.io "${name}" is forbidden: this is a system priority class and cannot be deleted`,
            reason: "Forbidden",
            details: { name, group: "scheduling.k8s.io", kind: "priorityclasses" },
            code: 403,
          });
          await ok("GET", `${PRIORITY_CLASSES}/${name}`);
        }
      }
      // Other classes go as usual.
      await ok("POST", PRIORITY_CLASSES, { metadata: { name: "mine" }, value: 10 });
      await ok("DELETE", `${PRIORITY_CLASSES}/mine`);
    });

    it("lets a second apiserver on the same etcd start without changing anything", async (t) => {
      if (!api) return t.skip("no backend");
      const before = await versions();
      await startAnother(join(dir.path, "first-ca.crt"));
      assert.deepEqual(await versions(), before);
    });

    it("lists them with kubectl in kube's columns", async (t) => {
      if (!api) return t.skip("no backend");
      if (!KUBECTL) return t.skip("no kubectl");
      const kubectl = async (...args: string[]) =>
        (
          await run(KUBECTL!, [`--kubeconfig=${kubeconfig}`, `--cache-dir=${join(dir.path, "cache")}`, ...args], {
            env: { ...process.env, KUBECONFIG: "" },
          })
        ).stdout;
      const rows = (out: string) =>
        out
          .trimEnd()
          .split("\n")
          .map((l) => l.trim().split(/\s{2,}/));
      const fs = rows(await kubectl("get", "flowschemas"));
      assert.deepEqual(fs[0], [
        "NAME",
        "PRIORITYLEVEL",
        "MATCHINGPRECEDENCE",
        "DISTINGUISHERMETHOD",
        "AGE",
        "MISSINGPL",
      ]);
      // MISSINGPL is the Dangling condition's status.
      assert.deepEqual(
        fs.slice(1).map((r) => [...r.slice(0, 4), r[5]]),
        [
          ["catch-all", "catch-all", "10000", "ByUser", "False"],
          ["endpoint-controller", "workload-high", "150", "ByUser", "False"],
          ["exempt", "exempt", "1", "<none>", "False"],
          ["global-default", "global-default", "9900", "ByUser", "False"],
          ["kube-controller-manager", "workload-high", "800", "ByNamespace", "False"],
          ["kube-scheduler", "workload-high", "800", "ByNamespace", "False"],
          ["kube-system-service-accounts", "workload-high", "900", "ByNamespace", "False"],
          ["probes", "exempt", "2", "<none>", "False"],
          ["service-accounts", "workload-low", "9000", "ByUser", "False"],
          ["system-leader-election", "leader-election", "100", "ByUser", "False"],
          ["system-node-high", "node-high", "400", "ByUser", "False"],
          ["system-nodes", "system", "500", "ByUser", "False"],
          ["workload-leader-election", "leader-election", "200", "ByUser", "False"],
        ],
      );
      const pl = rows(await kubectl("get", "prioritylevelconfigurations"));
      assert.deepEqual(pl[0], [
        "NAME",
        "TYPE",
        "NOMINALCONCURRENCYSHARES",
        "QUEUES",
        "HANDSIZE",
        "QUEUELENGTHLIMIT",
        "AGE",
      ]);
      assert.deepEqual(
        pl.slice(1).map((r) => r.slice(0, 6)),
        [
          ["catch-all", "Limited", "5", "<none>", "<none>", "<none>"],
          ["exempt", "Exempt", "<none>", "<none>", "<none>", "<none>"],
          ["global-default", "Limited", "20", "128", "6", "50"],
          ["leader-election", "Limited", "10", "16", "4", "50"],
          ["node-high", "Limited", "40", "64", "6", "50"],
          ["system", "Limited", "30", "64", "6", "50"],
          ["workload-high", "Limited", "40", "128", "6", "50"],
          ["workload-low", "Limited", "100", "128", "6", "50"],
        ],
      );
    });

    it("puts kube's configuration back on restart as kube's config producer does", async (t) => {
      if (!api) return t.skip("no backend");
      // A deleted suggested schema comes back.
      await ok("DELETE", `${FLOW_SCHEMAS}/service-accounts`);
      // A mandatory level's spec is always restored, whatever its annotation says.
      const catchAll = await ok("GET", `${LEVELS}/catch-all`);
      catchAll.metadata.annotations = { "apf.kubernetes.io/autoupdate-spec": "false" };
      catchAll.spec.limited.nominalConcurrencyShares = 7;
      await ok("PUT", `${LEVELS}/catch-all`, catchAll);
      // A suggested schema the operator opted out of keeps their edit.
      const probes = await ok("GET", `${FLOW_SCHEMAS}/probes`);
      probes.metadata.annotations = { "apf.kubernetes.io/autoupdate-spec": "false" };
      probes.spec.matchingPrecedence = 3;
      await ok("PUT", `${FLOW_SCHEMAS}/probes`, probes);
      // An edited suggested schema without the annotation (generation > 1) is the operator's.
      const nodes = await ok("GET", `${FLOW_SCHEMAS}/system-nodes`);
      nodes.metadata.annotations = {};
      nodes.spec.matchingPrecedence = 501;
      await ok("PUT", `${FLOW_SCHEMAS}/system-nodes`, nodes);
      // One an older release made (annotated, not kube 1.28's) is removed; the operator's own stays.
      const extra = (name: string, annotations: Record<string, string>) => ({
        metadata: { name, annotations },
        spec: { priorityLevelConfiguration: { name: "global-default" }, matchingPrecedence: 5000 },
      });
      await ok("POST", FLOW_SCHEMAS, extra("retired", AUTO_UPDATE));
      await ok("POST", FLOW_SCHEMAS, extra("operators", { "apf.kubernetes.io/autoupdate-spec": "false" }));
      // A collection delete is not refused (kube's DeleteCollection goes around the REST Delete).
      const deleted = await ok("DELETE", PRIORITY_CLASSES);
      assert.deepEqual(
        deleted.items.map((p: Json) => p.metadata.name),
        ["system-cluster-critical", "system-node-critical"],
      );
      assert.deepEqual(await names(PRIORITY_CLASSES), []);

      // Restarted with another CA.
      for (const s of servers.splice(0)) await s.close();
      const second = await writeCa("second-ca");
      api = await startAnother(second.file);

      assert.deepEqual(await names(PRIORITY_CLASSES), ["system-cluster-critical", "system-node-critical"]);
      assert.deepEqual(await names(FLOW_SCHEMAS), [...KUBE_FLOW_SCHEMAS, "operators"].sort());
      const sa = await ok("GET", `${FLOW_SCHEMAS}/service-accounts`);
      assert.deepEqual(sa.spec, KUBE_SPECS["flowschemas/service-accounts"]);
      assert.deepEqual(sa.metadata.annotations, AUTO_UPDATE);
      const level = await ok("GET", `${LEVELS}/catch-all`);
      assert.deepEqual(level.spec, KUBE_SPECS["prioritylevelconfigurations/catch-all"]);
      assert.deepEqual(level.metadata.annotations, AUTO_UPDATE);
      const kept = await ok("GET", `${FLOW_SCHEMAS}/probes`);
      assert.equal(kept.spec.matchingPrecedence, 3);
      assert.deepEqual(kept.metadata.annotations, { "apf.kubernetes.io/autoupdate-spec": "false" });
      // kube records its decision on the edited object: not updated, annotation "false".
      const edited = await ok("GET", `${FLOW_SCHEMAS}/system-nodes`);
      assert.equal(edited.spec.matchingPrecedence, 501);
      assert.deepEqual(edited.metadata.annotations, { "apf.kubernetes.io/autoupdate-spec": "false" });
      // The new CA joins the one already trusted.
      const cm = await ok("GET", AUTH_CONFIGMAP);
      assert.deepEqual(cm.data, { "client-ca-file": kubePem(caPem, second.pem) });
    });

    it("keeps the configuration and the conditions while running: a dangling schema, a deleted mandatory one", async (t) => {
      if (!api) return t.skip("no backend");
      // kube's producer runs every minute; this apiserver every 300 ms.
      const quick = await startAnother(join(dir.path, "second-ca.crt"), { flowControlEnsureIntervalMs: 300 });
      await ok(
        "POST",
        FLOW_SCHEMAS,
        {
          metadata: { name: "orphan" },
          spec: { priorityLevelConfiguration: { name: "nowhere" }, matchingPrecedence: 6000 },
        },
        quick,
      );
      const row = async (name: string) => (await dangling()).find((r: Json[]) => r[0] === name);
      await eventually(
        async () =>
          assert.deepEqual(await row("orphan"), [
            "orphan",
            "True",
            "NotFound",
            'This FlowSchema references the PriorityLevelConfiguration object named "nowhere" but there is no such object',
          ]),
        20_000,
      );
      await ok("POST", LEVELS, {
        metadata: { name: "nowhere" },
        spec: { type: "Limited", limited: { nominalConcurrencyShares: 1, limitResponse: { type: "Reject" } } },
      });
      await eventually(async () => assert.deepEqual(await row("orphan"), found("orphan", "nowhere")), 20_000);
      // A deleted mandatory schema is back within the interval, with its condition.
      await ok("DELETE", `${FLOW_SCHEMAS}/exempt`);
      await eventually(async () => assert.deepEqual(await row("exempt"), found("exempt", "exempt")), 20_000);
      assert.deepEqual((await ok("GET", `${FLOW_SCHEMAS}/exempt`)).spec, KUBE_SPECS["flowschemas/exempt"]);
    });
  });
}
