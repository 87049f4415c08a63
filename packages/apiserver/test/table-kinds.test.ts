import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { printers } from "../src/endpoints/table-columns/index.js";
import type { KubeObject } from "../src/registry/generic-store.js";
import { ago, M, obj, renderTable, S, type Table } from "./support/table-fixtures.js";

// Table columns and cells of the workload, networking, storage, RBAC and
// other API groups' kinds, as kube-apiserver 1.28's printers produce them.

function table(group: string, kind: string, items: KubeObject[], version = "v1"): Table {
  return renderTable(group, version, kind, items);
}

function cells(group: string, kind: string, o: KubeObject, version = "v1"): unknown[] {
  return table(group, kind, [o], version).rows[0].cells;
}

/** [name, type, priority] of each column. */
function columns(group: string, kind: string): [string, string, number][] {
  return table(group, kind, []).columnDefinitions.map((c) => [c.name, c.type, c.priority]);
}

const template = (containers: [string, string][]) => ({
  metadata: { labels: { app: "web" } },
  spec: { containers: containers.map(([name, image]) => ({ name, image })) },
});

describe("table: apps", () => {
  it("prints deployments with READY ready/desired and the selector wide", () => {
    assert.deepEqual(columns("apps", "Deployment"), [
      ["Name", "string", 0],
      ["Ready", "string", 0],
      ["Up-to-date", "string", 0],
      ["Available", "string", 0],
      ["Age", "string", 0],
      ["Containers", "string", 1],
      ["Images", "string", 1],
      ["Selector", "string", 1],
    ]);
    const d = obj("web", {
      spec: {
        replicas: 3,
        selector: {
          matchLabels: { tier: "fe" },
          matchExpressions: [
            { key: "env", operator: "In", values: ["prod", "dev"] },
            { key: "canary", operator: "DoesNotExist" },
          ],
        },
        template: template([
          ["web", "nginx:1.25"],
          ["proxy", "envoyproxy/envoy:v1.28"],
        ]),
      },
      status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    });
    assert.deepEqual(cells("apps", "Deployment", d), [
      "web",
      "2/3",
      3,
      2,
      "5m",
      "web,proxy",
      "nginx:1.25,envoyproxy/envoy:v1.28",
      "!canary,env in (dev,prod),tier=fe",
    ]);
    const fresh = obj("new", {
      spec: { replicas: 1, selector: { matchLabels: { app: "new" } }, template: template([]) },
    });
    assert.deepEqual(cells("apps", "Deployment", fresh), ["new", "0/1", 0, 0, "5m", "", "", "app=new"]);
    const scaledToZero = obj("off", { spec: { replicas: 0, selector: { matchLabels: { app: "off" } } } });
    assert.equal(cells("apps", "Deployment", scaledToZero)[1], "0/0");
  });

  it("prints replica sets, stateful sets and daemon sets", () => {
    assert.deepEqual(
      columns("apps", "ReplicaSet").map((c) => c[0]),
      ["Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector"],
    );
    const rs = obj("web-5d8f", {
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "web", "pod-template-hash": "5d8f" } },
        template: template([["web", "nginx"]]),
      },
      status: { replicas: 3, readyReplicas: 1 },
    });
    assert.deepEqual(cells("apps", "ReplicaSet", rs), [
      "web-5d8f",
      3,
      3,
      1,
      "5m",
      "web",
      "nginx",
      "app=web,pod-template-hash=5d8f",
    ]);
    assert.equal(cells("apps", "ReplicaSet", obj("x", { spec: { selector: {} } }))[7], "<none>");

    assert.deepEqual(columns("apps", "StatefulSet"), [
      ["Name", "string", 0],
      ["Ready", "string", 0],
      ["Age", "string", 0],
      ["Containers", "string", 1],
      ["Images", "string", 1],
    ]);
    const sts = obj("db", {
      spec: { replicas: 3, template: template([["pg", "postgres:16"]]) },
      status: { readyReplicas: 1 },
    });
    assert.deepEqual(cells("apps", "StatefulSet", sts), ["db", "1/3", "5m", "pg", "postgres:16"]);

    assert.deepEqual(
      columns("apps", "DaemonSet").map((c) => c[0]),
      [
        "Name",
        "Desired",
        "Current",
        "Ready",
        "Up-to-date",
        "Available",
        "Node Selector",
        "Age",
        "Containers",
        "Images",
        "Selector",
      ],
    );
    const ds = obj("fluentd", {
      spec: {
        selector: { matchLabels: { name: "fluentd" } },
        template: {
          spec: { nodeSelector: { "kubernetes.io/os": "linux" }, containers: [{ name: "f", image: "fluentd:v1" }] },
        },
      },
      status: {
        desiredNumberScheduled: 4,
        currentNumberScheduled: 4,
        numberReady: 3,
        updatedNumberScheduled: 2,
        numberAvailable: 3,
      },
    });
    assert.deepEqual(cells("apps", "DaemonSet", ds), [
      "fluentd",
      4,
      4,
      3,
      2,
      3,
      "kubernetes.io/os=linux",
      "5m",
      "f",
      "fluentd:v1",
      "name=fluentd",
    ]);
    assert.equal(cells("apps", "DaemonSet", obj("any", { spec: { template: { spec: {} } } }))[6], "<none>");
  });

  it("prints controller revisions with their controller as kind.group/name", () => {
    const cr = obj(
      "fluentd-7c9",
      { revision: 3 },
      {
        ownerReferences: [
          { apiVersion: "v1", kind: "Pod", name: "other", controller: false },
          { apiVersion: "apps/v1", kind: "DaemonSet", name: "fluentd", controller: true },
        ],
      },
    );
    assert.deepEqual(cells("apps", "ControllerRevision", cr), ["fluentd-7c9", "daemonset.apps/fluentd", 3, "5m"]);
    const core = obj(
      "c",
      { revision: 1 },
      { ownerReferences: [{ apiVersion: "v1", kind: "ReplicationController", name: "rc", controller: true }] },
    );
    assert.equal(cells("apps", "ControllerRevision", core)[1], "replicationcontroller/rc");
    assert.equal(cells("apps", "ControllerRevision", obj("orphan", { revision: 1 }))[1], "<none>");
  });
});

describe("table: batch", () => {
  it("prints jobs' completions and duration", () => {
    assert.deepEqual(columns("batch", "Job"), [
      ["Name", "string", 0],
      ["Completions", "string", 0],
      ["Duration", "string", 0],
      ["Age", "string", 0],
      ["Containers", "string", 1],
      ["Images", "string", 1],
      ["Selector", "string", 1],
    ]);
    const done = obj("pi", {
      spec: {
        completions: 1,
        parallelism: 1,
        selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "abc" } },
        template: template([["pi", "perl:5.34"]]),
      },
      status: { succeeded: 1, startTime: ago(10 * M), completionTime: ago(9 * M + 25 * S) },
    });
    assert.deepEqual(cells("batch", "Job", done), [
      "pi",
      "1/1",
      "35s",
      "5m",
      "pi",
      "perl:5.34",
      "batch.kubernetes.io/controller-uid=abc",
    ]);
    const runningJob = obj("run", {
      spec: { completions: 5, parallelism: 2 },
      status: { succeeded: 2, startTime: ago(3 * M) },
    });
    assert.deepEqual(cells("batch", "Job", runningJob).slice(1, 3), ["2/5", "3m"]);
    const queue = obj("q", { spec: { parallelism: 3 }, status: {} });
    assert.deepEqual(cells("batch", "Job", queue).slice(1, 3), ["0/1 of 3", ""]);
    const single = obj("one", { spec: { parallelism: 1 }, status: { succeeded: 0 } });
    assert.equal(cells("batch", "Job", single)[1], "0/1");
    assert.equal(cells("batch", "Job", obj("bare", { spec: {} }))[1], "0/1");
  });

  it("prints cron jobs without the later TIMEZONE column", () => {
    assert.deepEqual(columns("batch", "CronJob"), [
      ["Name", "string", 0],
      ["Schedule", "string", 0],
      ["Suspend", "boolean", 0],
      ["Active", "integer", 0],
      ["Last Schedule", "string", 0],
      ["Age", "string", 0],
      ["Containers", "string", 1],
      ["Images", "string", 1],
      ["Selector", "string", 1],
    ]);
    const cj = obj("report", {
      spec: {
        schedule: "*/5 * * * *",
        suspend: false,
        jobTemplate: { spec: { template: template([["report", "busybox:1.36"]]) } },
      },
      status: { active: [{ name: "report-1" }, { name: "report-2" }], lastScheduleTime: ago(90 * S) },
    });
    assert.deepEqual(cells("batch", "CronJob", cj), [
      "report",
      "*/5 * * * *",
      "False",
      2,
      "90s",
      "5m",
      "report",
      "busybox:1.36",
      "<none>",
    ]);
    const suspended = obj("off", { spec: { schedule: "@daily", suspend: true, jobTemplate: { spec: {} } } });
    assert.deepEqual(cells("batch", "CronJob", suspended).slice(1, 5), ["@daily", "True", 0, "<none>"]);
  });
});

describe("table: autoscaling", () => {
  it("has kube's HPA columns", () => {
    assert.deepEqual(columns("autoscaling", "HorizontalPodAutoscaler"), [
      ["Name", "string", 0],
      ["Reference", "string", 0],
      ["Targets", "string", 0],
      ["MinPods", "string", 0],
      ["MaxPods", "string", 0],
      ["Replicas", "string", 0],
      ["Age", "string", 0],
    ]);
  });

  it("prints autoscaling/v2 HPAs", () => {
    const hpa = obj("web", {
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } },
        ],
      },
      status: {
        currentReplicas: 3,
        desiredReplicas: 3,
        currentMetrics: [
          { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 20, averageValue: "100m" } } },
        ],
      },
    });
    assert.deepEqual(cells("autoscaling", "HorizontalPodAutoscaler", hpa, "v2"), [
      "web",
      "Deployment/web",
      "20%/50%",
      "2",
      10,
      3,
      "5m",
    ]);
    const noStatus = obj("web", { spec: { ...(hpa.spec as object) }, status: {} });
    assert.equal(cells("autoscaling", "HorizontalPodAutoscaler", noStatus, "v2")[2], "<unknown>/50%");

    const many = obj("many", {
      spec: {
        scaleTargetRef: { kind: "StatefulSet", name: "db" },
        maxReplicas: 5,
        metrics: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } },
          {
            type: "Resource",
            resource: { name: "memory", target: { type: "AverageValue", averageValue: "524288Ki" } },
          },
          { type: "Pods", pods: { metric: { name: "packets" }, target: { type: "AverageValue", averageValue: "1k" } } },
        ],
      },
      status: {
        currentReplicas: 1,
        currentMetrics: [
          { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 10 } } },
          { type: "Resource", resource: { name: "memory", current: { averageValue: "200Mi" } } },
          { type: "Pods", pods: { metric: { name: "packets" }, current: { averageValue: "900" } } },
        ],
      },
    });
    assert.deepEqual(cells("autoscaling", "HorizontalPodAutoscaler", many, "v2").slice(1, 4), [
      "StatefulSet/db",
      "10%/60%, 200Mi/512Mi + 1 more...",
      "1",
    ]);

    const external = obj("ext", {
      spec: {
        scaleTargetRef: { kind: "Deployment", name: "worker" },
        maxReplicas: 3,
        metrics: [
          {
            type: "External",
            external: { metric: { name: "queue" }, target: { type: "AverageValue", averageValue: "30" } },
          },
          { type: "Object", object: { metric: { name: "rps" }, target: { type: "Value", value: "2000" } } },
        ],
      },
      status: { currentMetrics: [{ type: "External", external: { current: { averageValue: "10" } } }] },
    });
    assert.equal(cells("autoscaling", "HorizontalPodAutoscaler", external, "v2")[2], "10/30 (avg), <unknown>/2k");
  });

  it("prints autoscaling/v1 HPAs, with kube's 80% CPU default when no target is set", () => {
    const v1 = obj("web", {
      spec: {
        scaleTargetRef: { kind: "Deployment", name: "web" },
        minReplicas: 1,
        maxReplicas: 4,
        targetCPUUtilizationPercentage: 70,
      },
      status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 35 },
    });
    assert.deepEqual(cells("autoscaling", "HorizontalPodAutoscaler", v1), [
      "web",
      "Deployment/web",
      "35%/70%",
      "1",
      4,
      2,
      "5m",
    ]);
    const bare = obj("bare", {
      spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, maxReplicas: 3 },
      status: {},
    });
    assert.deepEqual(cells("autoscaling", "HorizontalPodAutoscaler", bare).slice(2, 6), ["<unknown>/80%", "1", 3, 0]);
  });
});

describe("table: networking", () => {
  it("prints ingresses with class, hosts, address and ports", () => {
    assert.deepEqual(
      columns("networking.k8s.io", "Ingress").map((c) => c[0]),
      ["Name", "Class", "Hosts", "Address", "Ports", "Age"],
    );
    const ing = obj("shop", {
      spec: {
        ingressClassName: "nginx",
        tls: [{ hosts: ["a.example.com"], secretName: "tls" }],
        rules: [
          { host: "a.example.com" },
          { host: "b.example.com" },
          { http: { paths: [] } },
          { host: "c.example.com" },
          { host: "d.example.com" },
        ],
      },
      status: { loadBalancer: { ingress: [{ ip: "192.0.2.7" }, { hostname: "a.lb.example.net" }] } },
    });
    assert.deepEqual(cells("networking.k8s.io", "Ingress", ing), [
      "shop",
      "nginx",
      "a.example.com,b.example.com,c.example.com + 2 more...",
      "192.0.2.7,a.lb.example.net",
      "80, 443",
      "5m",
    ]);
    const bare = obj("bare", { spec: { defaultBackend: { service: { name: "web", port: { number: 80 } } } } });
    assert.deepEqual(cells("networking.k8s.io", "Ingress", bare), ["bare", "<none>", "*", "", "80", "5m"]);
  });

  it("prints ingress classes and network policies", () => {
    const withParams = obj("external", {
      spec: {
        controller: "example.com/ingress-controller",
        parameters: { apiGroup: "k8s.example.com", kind: "IngressParameters", name: "external-lb" },
      },
    });
    assert.deepEqual(cells("networking.k8s.io", "IngressClass", withParams), [
      "external",
      "example.com/ingress-controller",
      "IngressParameters.k8s.example.com/external-lb",
      "5m",
    ]);
    const plain = obj("nginx", { spec: { controller: "k8s.io/ingress-nginx" } });
    assert.equal(cells("networking.k8s.io", "IngressClass", plain)[2], "<none>");
    const coreParams = obj("p", { spec: { controller: "c", parameters: { kind: "ConfigMap", name: "cfg" } } });
    assert.equal(cells("networking.k8s.io", "IngressClass", coreParams)[2], "ConfigMap/cfg");

    assert.deepEqual(cells("networking.k8s.io", "NetworkPolicy", obj("deny", { spec: { podSelector: {} } })), [
      "deny",
      "<none>",
      "5m",
    ]);
    const db = obj("db", { spec: { podSelector: { matchLabels: { role: "db" } } } });
    assert.deepEqual(cells("networking.k8s.io", "NetworkPolicy", db), ["db", "role=db", "5m"]);
  });
});

describe("table: discovery, policy and RBAC", () => {
  it("prints endpoint slices", () => {
    const es = obj("web-abc", {
      addressType: "IPv4",
      ports: [{ name: "http", port: 80, protocol: "TCP" }, { name: "metrics" }, {}],
      endpoints: [{ addresses: ["10.0.0.1"] }, { addresses: ["10.0.0.2", "10.0.0.3"] }, { addresses: ["10.0.0.4"] }],
    });
    assert.deepEqual(cells("discovery.k8s.io", "EndpointSlice", es), [
      "web-abc",
      "IPv4",
      "80,metrics,*",
      "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...",
      "5m",
    ]);
    assert.deepEqual(cells("discovery.k8s.io", "EndpointSlice", obj("empty", { addressType: "IPv6" })).slice(1, 4), [
      "IPv6",
      "<unset>",
      "<unset>",
    ]);
  });

  it("prints pod disruption budgets", () => {
    assert.deepEqual(columns("policy", "PodDisruptionBudget"), [
      ["Name", "string", 0],
      ["Min Available", "string", 0],
      ["Max Unavailable", "string", 0],
      ["Allowed Disruptions", "integer", 0],
      ["Age", "string", 0],
    ]);
    const pdb = obj("web", { spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1 } });
    assert.deepEqual(cells("policy", "PodDisruptionBudget", pdb), ["web", "2", "N/A", 1, "5m"]);
    const pct = obj("pct", { spec: { maxUnavailable: "25%" }, status: {} });
    assert.deepEqual(cells("policy", "PodDisruptionBudget", pct), ["pct", "N/A", "25%", 0, "5m"]);
  });

  it("prints role bindings with their subjects in the wide columns", () => {
    const t = table("rbac.authorization.k8s.io", "RoleBinding", [
      obj("readers", {
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
        subjects: [
          { kind: "User", name: "alice" },
          { kind: "Group", name: "devs" },
          { kind: "ServiceAccount", name: "default", namespace: "kube-system" },
          { kind: "User", name: "bob" },
        ],
      }),
    ]);
    assert.deepEqual(
      t.columnDefinitions.map((c) => [c.name, c.priority, c.description.slice(0, 30)]),
      [
        ["Name", 0, "Name must be unique within a n"],
        ["Role", 0, "RoleRef can reference a Role i"],
        ["Age", 0, "CreationTimestamp is a timesta"],
        ["Users", 1, "Users in the roleBinding"],
        ["Groups", 1, "Groups in the roleBinding"],
        ["ServiceAccounts", 1, "ServiceAccounts in the roleBin"],
      ],
    );
    assert.deepEqual(t.rows[0].cells, [
      "readers",
      "ClusterRole/view",
      "5m",
      "alice, bob",
      "devs",
      "kube-system/default",
    ]);
    const crb = table("rbac.authorization.k8s.io", "ClusterRoleBinding", [
      obj("admins", {
        roleRef: { kind: "ClusterRole", name: "cluster-admin" },
        subjects: [{ kind: "Group", name: "system:masters" }],
      }),
    ]);
    assert.equal(crb.columnDefinitions[3].description, "Users in the clusterRoleBinding");
    assert.deepEqual(crb.rows[0].cells, ["admins", "ClusterRole/cluster-admin", "5m", "", "system:masters", ""]);
  });
});

describe("table: storage", () => {
  it("prints storage classes, marking the default one", () => {
    const sc = obj(
      "standard",
      { provisioner: "rancher.io/local-path", volumeBindingMode: "WaitForFirstConsumer", allowVolumeExpansion: true },
      { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    );
    assert.deepEqual(cells("storage.k8s.io", "StorageClass", sc), [
      "standard (default)",
      "rancher.io/local-path",
      "Delete",
      "WaitForFirstConsumer",
      true,
      "5m",
    ]);
    const plain = obj("fast", { provisioner: "csi.example.com", reclaimPolicy: "Retain" });
    assert.deepEqual(cells("storage.k8s.io", "StorageClass", plain), [
      "fast",
      "csi.example.com",
      "Retain",
      "Immediate",
      false,
      "5m",
    ]);
  });

  it("prints CSI drivers with kube's defaults", () => {
    assert.deepEqual(
      columns("storage.k8s.io", "CSIDriver").map((c) => [c[0], c[1]]),
      [
        ["Name", "string"],
        ["AttachRequired", "boolean"],
        ["PodInfoOnMount", "boolean"],
        ["StorageCapacity", "boolean"],
        ["TokenRequests", "string"],
        ["RequiresRepublish", "boolean"],
        ["Modes", "string"],
        ["Age", "string"],
      ],
    );
    assert.deepEqual(cells("storage.k8s.io", "CSIDriver", obj("csi.example.com", { spec: {} })), [
      "csi.example.com",
      true,
      false,
      false,
      "<unset>",
      false,
      "Persistent",
      "5m",
    ]);
    const full = obj("d", {
      spec: {
        attachRequired: false,
        podInfoOnMount: true,
        storageCapacity: true,
        tokenRequests: [{ audience: "vault" }, { audience: "" }],
        requiresRepublish: true,
        volumeLifecycleModes: ["Persistent", "Ephemeral"],
      },
    });
    assert.deepEqual(cells("storage.k8s.io", "CSIDriver", full).slice(1, 7), [
      false,
      true,
      true,
      "vault,",
      true,
      "Persistent,Ephemeral",
    ]);
  });

  it("prints CSI nodes, storage capacities and volume attachments", () => {
    assert.deepEqual(
      cells("storage.k8s.io", "CSINode", obj("node-1", { spec: { drivers: [{ name: "a" }, { name: "b" }] } })),
      ["node-1", 2, "5m"],
    );
    assert.deepEqual(
      columns("storage.k8s.io", "CSIStorageCapacity").map((c) => c[0]),
      ["Name", "StorageClassName", "Capacity"],
    );
    assert.deepEqual(
      cells("storage.k8s.io", "CSIStorageCapacity", obj("cap", { storageClassName: "fast", capacity: "1024Mi" })),
      ["cap", "fast", "1Gi"],
    );
    assert.deepEqual(cells("storage.k8s.io", "CSIStorageCapacity", obj("cap", { storageClassName: "fast" })), [
      "cap",
      "fast",
      "<unset>",
    ]);
    const va = obj("csi-123", {
      spec: { attacher: "csi.example.com", source: { persistentVolumeName: "pv-1" }, nodeName: "node-1" },
      status: { attached: true },
    });
    const t = table("storage.k8s.io", "VolumeAttachment", [va]);
    assert.equal(t.columnDefinitions[1].format, "name");
    assert.deepEqual(t.rows[0].cells, ["csi-123", "csi.example.com", "pv-1", "node-1", true, "5m"]);
  });
});

describe("table: scheduling, node, coordination, certificates, admission, flow control, aggregation", () => {
  it("prints priority classes (no PREEMPTIONPOLICY column in 1.28) and runtime classes", () => {
    assert.deepEqual(columns("scheduling.k8s.io", "PriorityClass"), [
      ["Name", "string", 0],
      ["Value", "integer", 0],
      ["Global-Default", "boolean", 0],
      ["Age", "string", 0],
    ]);
    assert.deepEqual(cells("scheduling.k8s.io", "PriorityClass", obj("system-node-critical", { value: 2000001000 })), [
      "system-node-critical",
      2000001000,
      false,
      "5m",
    ]);
    const rt = table("node.k8s.io", "RuntimeClass", [obj("gvisor", { handler: "runsc" })]);
    assert.deepEqual(
      rt.columnDefinitions.map((c) => [c.name, c.description === ""]),
      [
        ["Name", false],
        ["Handler", true],
        ["Age", false],
      ],
    );
    assert.deepEqual(rt.rows[0].cells, ["gvisor", "runsc", "5m"]);
  });

  it("prints leases", () => {
    assert.deepEqual(cells("coordination.k8s.io", "Lease", obj("node-1", { spec: { holderIdentity: "node-1" } })), [
      "node-1",
      "node-1",
      "5m",
    ]);
    assert.deepEqual(cells("coordination.k8s.io", "Lease", obj("free", { spec: {} })), ["free", "", "5m"]);
  });

  it("prints certificate signing requests", () => {
    assert.deepEqual(
      columns("certificates.k8s.io", "CertificateSigningRequest").map((c) => c[0]),
      ["Name", "Age", "SignerName", "Requestor", "RequestedDuration", "Condition"],
    );
    const csr = (status: Record<string, unknown>, spec: Record<string, unknown> = {}) =>
      obj("alice", {
        spec: {
          signerName: "kubernetes.io/kube-apiserver-client",
          username: "alice",
          expirationSeconds: 86400,
          ...spec,
        },
        status,
      });
    assert.deepEqual(cells("certificates.k8s.io", "CertificateSigningRequest", csr({})), [
      "alice",
      "5m",
      "kubernetes.io/kube-apiserver-client",
      "alice",
      "24h",
      "Pending",
    ]);
    const approved = csr(
      { conditions: [{ type: "Approved", status: "True" }], certificate: "LS0t" },
      { expirationSeconds: 600 },
    );
    assert.deepEqual(cells("certificates.k8s.io", "CertificateSigningRequest", approved).slice(4), [
      "10m",
      "Approved,Issued",
    ]);
    const denied = csr(
      { conditions: [{ type: "Approved" }, { type: "Denied" }, { type: "Failed" }] },
      { expirationSeconds: undefined, signerName: "" },
    );
    assert.deepEqual(cells("certificates.k8s.io", "CertificateSigningRequest", denied).slice(2), [
      "<none>",
      "alice",
      "<none>",
      "Denied,Failed",
    ]);
  });

  it("prints webhook configurations and validating admission policies", () => {
    const mw = obj("inject", { webhooks: [{ name: "a.example.com" }, { name: "b.example.com" }] });
    assert.deepEqual(cells("admissionregistration.k8s.io", "MutatingWebhookConfiguration", mw), ["inject", 2, "5m"]);
    assert.deepEqual(cells("admissionregistration.k8s.io", "ValidatingWebhookConfiguration", obj("none")), [
      "none",
      0,
      "5m",
    ]);
    const vap = obj("replicas", {
      spec: { paramKind: { apiVersion: "v1", kind: "ConfigMap" }, validations: [{ expression: "true" }] },
    });
    assert.deepEqual(cells("admissionregistration.k8s.io", "ValidatingAdmissionPolicy", vap, "v1beta1"), [
      "replicas",
      1,
      "v1/ConfigMap",
      "5m",
    ]);
    const vapb = obj("b", { spec: { policyName: "replicas", paramRef: { name: "limits", namespace: "default" } } });
    assert.deepEqual(cells("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding", vapb, "v1beta1"), [
      "b",
      "replicas",
      "default/limits",
      "5m",
    ]);
  });

  it("prints flow schemas and priority level configurations", () => {
    const fs = obj("workload-low", {
      spec: {
        priorityLevelConfiguration: { name: "workload-low" },
        matchingPrecedence: 9000,
        distinguisherMethod: { type: "ByUser" },
      },
      status: { conditions: [{ type: "Dangling", status: "False" }] },
    });
    assert.deepEqual(cells("flowcontrol.apiserver.k8s.io", "FlowSchema", fs, "v1beta3"), [
      "workload-low",
      "workload-low",
      9000,
      "ByUser",
      "5m",
      "False",
    ]);
    const exempt = obj("exempt", { spec: { priorityLevelConfiguration: { name: "exempt" }, matchingPrecedence: 1 } });
    assert.deepEqual(cells("flowcontrol.apiserver.k8s.io", "FlowSchema", exempt, "v1beta3").slice(2), [
      1,
      "<none>",
      "5m",
      "?",
    ]);

    assert.deepEqual(
      columns("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration").map((c) => c[0]),
      ["Name", "Type", "NominalConcurrencyShares", "Queues", "HandSize", "QueueLengthLimit", "Age"],
    );
    const pl = (spec: Record<string, unknown>) =>
      cells("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration", obj("pl", { spec }), "v1beta3");
    assert.deepEqual(pl({ type: "Exempt", exempt: {} }), [
      "pl",
      "Exempt",
      "<none>",
      "<none>",
      "<none>",
      "<none>",
      "5m",
    ]);
    assert.deepEqual(
      pl({
        type: "Limited",
        limited: {
          nominalConcurrencyShares: 100,
          limitResponse: { type: "Queue", queuing: { queues: 128, handSize: 6, queueLengthLimit: 50 } },
        },
      }),
      ["pl", "Limited", 100, 128, 6, 50, "5m"],
    );
    assert.deepEqual(
      pl({ type: "Limited", limited: { nominalConcurrencyShares: 5, limitResponse: { type: "Reject" } } }),
      ["pl", "Limited", 5, "<none>", "<none>", "<none>", "5m"],
    );
  });

  it("prints API services as kube-aggregator does", () => {
    const local = obj("v1.apps", {
      spec: { group: "apps", version: "v1" },
      status: { conditions: [{ type: "Available", status: "True", reason: "Local" }] },
    });
    assert.deepEqual(cells("apiregistration.k8s.io", "APIService", local), ["v1.apps", "Local", "True", "5m"]);
    const remote = obj("v1beta1.metrics.k8s.io", {
      spec: { service: { namespace: "kube-system", name: "metrics-server" } },
      status: { conditions: [{ type: "Available", status: "False", reason: "MissingEndpoints" }] },
    });
    assert.deepEqual(cells("apiregistration.k8s.io", "APIService", remote).slice(1, 3), [
      "kube-system/metrics-server",
      "False (MissingEndpoints)",
    ]);
    assert.equal(cells("apiregistration.k8s.io", "APIService", obj("new", { spec: {} }))[2], "Unknown");
  });
});

describe("table: every printer", () => {
  it("gives one cell per column, with name and age columns first where kube has them, for sparse objects", () => {
    for (const [key, printer] of Object.entries(printers)) {
      const [group, kind] = key.split("/");
      const t = table(group === "core" ? "" : group, kind, [
        { metadata: { name: "x", creationTimestamp: ago(5 * M) } },
      ]);
      assert.equal(t.columnDefinitions.length, printer.columns.length, key);
      assert.equal(t.rows[0].cells.length, t.columnDefinitions.length, key);
      for (const c of t.columnDefinitions) {
        assert.ok(["string", "integer", "boolean", "date", "number"].includes(c.type), `${key} ${c.name}`);
        assert.ok(c.priority === 0 || c.priority === 1, `${key} ${c.name}`);
      }
      const nameAt = t.columnDefinitions.findIndex((c) => c.name === "Name");
      if (nameAt >= 0) assert.equal(t.rows[0].cells[nameAt], "x", key);
      const ageAt = t.columnDefinitions.findIndex((c) => c.name === "Age");
      if (ageAt >= 0) assert.equal(t.rows[0].cells[ageAt], "5m", key);
    }
  });

  it("prints <unknown> ages for objects without a creation time", () => {
    assert.deepEqual(cells("", "ConfigMap", { metadata: { name: "x" } }), ["x", 0, "<unknown>"]);
  });
});
