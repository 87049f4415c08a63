import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StatusError } from "@wharf/apimachinery";
import { tableVersion, toTable, wantsTable } from "../src/endpoints/table.js";
import { humanDuration } from "../src/endpoints/table-columns/human-duration.js";
import { canonicalQuantity } from "../src/endpoints/table-columns/quantity.js";
import type { KubeObject } from "../src/registry/generic-store.js";
import {
  ago,
  D,
  kindDef as def,
  H,
  M,
  NOW,
  obj,
  type Row,
  renderTable,
  S,
  type Table,
} from "./support/table-fixtures.js";

function table(group: string, version: string, kind: string, items: KubeObject[]): Table {
  return renderTable(group, version, kind, items);
}

/** The cells of one object's row. */
function cells(group: string, version: string, kind: string, obj: KubeObject): unknown[] {
  const t = table(group, version, kind, [obj]);
  return t.rows[0].cells;
}

const CREATION_DOC =
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const NAME_DOC =
  "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

describe("table: human durations (kube's duration.HumanDuration)", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [999, "0s"],
    [1 * S, "1s"],
    [-1.5 * S, "0s"],
    [-3 * S, "<invalid>"],
    [119 * S, "119s"],
    [120 * S, "2m"],
    [5 * M + 30 * S, "5m30s"],
    [6 * M, "6m"],
    [10 * M + 30 * S, "10m"],
    [179 * M, "179m"],
    [3 * H, "3h"],
    [3 * H + 4 * M, "3h4m"],
    [7 * H + 59 * M, "7h59m"],
    [8 * H + 30 * M, "8h"],
    [47 * H, "47h"],
    [48 * H, "2d"],
    [2 * D + 5 * H, "2d5h"],
    [7 * D + 23 * H, "7d23h"],
    [8 * D + 5 * H, "8d"],
    [729 * D, "729d"],
    [730 * D, "2y"],
    [830 * D, "2y100d"],
    [8 * 365 * D, "8y"],
    [9 * 365 * D + 100 * D, "9y"],
  ];
  for (const [ms, want] of cases) {
    it(`${ms}ms is ${want}`, () => assert.equal(humanDuration(ms), want));
  }
});

describe("table: quantities in canonical form", () => {
  const cases: [unknown, string][] = [
    ["1000m", "1"],
    ["1536Mi", "1536Mi"],
    ["2048Mi", "2Gi"],
    ["0.5Gi", "512Mi"],
    ["0.5", "500m"],
    ["1.5", "1500m"],
    ["2000", "2k"],
    ["1500", "1500"],
    ["1e3", "1e3"],
    ["129e6", "129e6"],
    ["128974848", "128974848"],
    ["1.5Ki", "1536"],
    ["100Ki", "100Ki"],
    [5, "5"],
    [undefined, "0"],
  ];
  for (const [q, want] of cases) it(`${String(q)} is ${want}`, () => assert.equal(canonicalQuantity(q), want));
});

describe("table: content negotiation and the Table envelope", () => {
  const KUBECTL_ACCEPT =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

  it("picks the Table version kubectl asks for first, and plain JSON otherwise", () => {
    assert.equal(tableVersion(KUBECTL_ACCEPT), "v1");
    assert.equal(tableVersion("application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json"), "v1beta1");
    assert.equal(
      tableVersion("application/json;as=Table;v=v2;g=meta.k8s.io, application/json;as=Table;v=v1beta1;g=meta.k8s.io"),
      "v1beta1",
    );
    assert.equal(tableVersion("application/json"), undefined);
    assert.equal(tableVersion("application/json, application/json;as=Table;v=v1;g=meta.k8s.io"), undefined);
    assert.equal(tableVersion("application/json;as=Table"), undefined, "a Table without group and version");
    assert.equal(tableVersion("application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io"), undefined);
    assert.equal(tableVersion(""), undefined);
    assert.equal(wantsTable(KUBECTL_ACCEPT), true);
    assert.equal(wantsTable("application/json"), false);
  });

  const cm = obj("conf", { data: { a: "1", b: "2" } }, { resourceVersion: "42", uid: "u-1", labels: { app: "x" } });

  it("answers a meta.k8s.io/v1 Table with the list's metadata and PartialObjectMetadata rows", () => {
    const t = toTable(
      def("", "v1", "ConfigMap"),
      { items: [cm], metadata: { resourceVersion: "77", continue: "tok", remainingItemCount: 3 } },
      { now: NOW },
    );
    assert.equal(t.kind, "Table");
    assert.equal(t.apiVersion, "meta.k8s.io/v1");
    assert.deepEqual(t.metadata, { resourceVersion: "77", continue: "tok", remainingItemCount: 3 });
    const rows = t.rows as Row[];
    assert.deepEqual(rows[0].cells, ["conf", 2, "5m"]);
    assert.deepEqual(rows[0].object, {
      kind: "PartialObjectMetadata",
      apiVersion: "meta.k8s.io/v1",
      metadata: cm.metadata,
    });
    assert.equal("conditions" in rows[0], false);
  });

  it("answers meta.k8s.io/v1beta1 when that is what was asked for", () => {
    const t = toTable(
      def("", "v1", "ConfigMap"),
      { items: [cm], metadata: {} },
      { accept: "application/json;as=Table;v=v1beta1;g=meta.k8s.io", now: NOW },
    );
    assert.equal(t.apiVersion, "meta.k8s.io/v1beta1");
    assert.equal(
      (t.rows as Row[])[0].object && ((t.rows as Row[])[0].object as KubeObject).apiVersion,
      "meta.k8s.io/v1beta1",
    );
  });

  it("includes the whole object with includeObject=Object and none with None", () => {
    const whole = toTable(def("", "v1", "ConfigMap"), { items: [cm], metadata: {} }, { includeObject: "Object" });
    assert.deepEqual((whole.rows as Row[])[0].object, { kind: "ConfigMap", apiVersion: "v1", ...cm });
    const none = toTable(def("", "v1", "ConfigMap"), { items: [cm], metadata: {} }, "None");
    assert.equal((none.rows as Row[])[0].object, null);
    const meta = toTable(def("", "v1", "ConfigMap"), { items: [cm], metadata: {} }, "Metadata");
    assert.equal(((meta.rows as Row[])[0].object as KubeObject).kind, "PartialObjectMetadata");
  });

  it("refuses an unknown includeObject with kube's 400", () => {
    assert.throws(
      () => toTable(def("", "v1", "ConfigMap"), { items: [cm], metadata: {} }, { includeObject: "Everything" }),
      (e: unknown) => {
        assert.ok(e instanceof StatusError);
        assert.equal(e.status.code, 400);
        assert.equal(e.status.reason, "BadRequest");
        assert.equal(
          e.status.message,
          `Unable to convert to Table as requested: includeObject: Invalid value: "Everything": must be 'Metadata', 'Object', 'None', or empty`,
        );
        return true;
      },
    );
  });

  it("prints a single object with its resourceVersion", () => {
    const t = toTable(def("", "v1", "ConfigMap"), cm, { now: NOW });
    assert.deepEqual(t.metadata, { resourceVersion: "42" });
    assert.deepEqual(
      (t.rows as Row[]).map((r) => r.cells),
      [["conf", 2, "5m"]],
    );
  });

  it("leaves the column definitions out with noHeaders", () => {
    const t = toTable(def("", "v1", "ConfigMap"), { items: [cm], metadata: {} }, { noHeaders: true, now: NOW });
    assert.equal(t.columnDefinitions, null);
    assert.equal((t.rows as Row[]).length, 1);
  });

  it("gives kinds without a printer kube's default table: NAME and CREATED AT", () => {
    for (const [group, kind] of [
      ["rbac.authorization.k8s.io", "Role"],
      ["rbac.authorization.k8s.io", "ClusterRole"],
      ["", "LimitRange"],
      ["apiextensions.k8s.io", "CustomResourceDefinition"],
      ["example.com", "Widget"],
    ]) {
      const t = table(group, "v1", kind, [obj("thing", {}, { creationTimestamp: "2024-04-30T08:15:00Z" })]);
      assert.deepEqual(t.columnDefinitions, [
        { name: "Name", type: "string", format: "name", description: NAME_DOC, priority: 0 },
        { name: "Created At", type: "date", format: "", description: CREATION_DOC, priority: 0 },
      ]);
      assert.deepEqual(t.rows[0].cells, ["thing", "2024-04-30T08:15:00Z"], kind);
    }
    const noTime = table("rbac.authorization.k8s.io", "v1", "Role", [{ metadata: { name: "r" } }]);
    assert.deepEqual(noTime.rows[0].cells, ["r", "0001-01-01T00:00:00Z"]);
    const empty = toTable(def("", "v1", "LimitRange"), { items: [], metadata: { resourceVersion: "5" } });
    assert.equal(empty.rows, null, "kube leaves an empty default table's rows unset");
    assert.deepEqual(toTable(def("", "v1", "Pod"), { items: [], metadata: {} }).rows, []);
  });
});

describe("table: pods", () => {
  const POD_COLUMNS = [
    ["Name", "string", "name", 0],
    ["Ready", "string", "", 0],
    ["Status", "string", "", 0],
    ["Restarts", "string", "", 0],
    ["Age", "string", "", 0],
    ["IP", "string", "", 1],
    ["Node", "string", "", 1],
    ["Nominated Node", "string", "", 1],
    ["Readiness Gates", "string", "", 1],
  ];

  it("has kube's columns, types, priorities and descriptions", () => {
    const t = table("", "v1", "Pod", []);
    assert.deepEqual(
      t.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority]),
      POD_COLUMNS,
    );
    const byName = Object.fromEntries(t.columnDefinitions.map((c) => [c.name, c.description]));
    assert.equal(byName.Name, NAME_DOC);
    assert.equal(byName.Age, CREATION_DOC);
    assert.equal(byName.Ready, "The aggregate readiness state of this pod for accepting traffic.");
    assert.equal(
      byName.Restarts,
      "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    );
    assert.equal(
      byName.IP,
      "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
    );
    assert.match(byName["Readiness Gates"], /^If specified, all readiness gates will be evaluated for pod readiness\./);
  });

  const pod = (
    status: Record<string, unknown>,
    spec: Record<string, unknown> = {},
    meta: Record<string, unknown> = {},
  ) => obj("web-0", { spec: { containers: [{ name: "web", image: "nginx" }], ...spec }, status }, meta);
  const running = { running: { startedAt: ago(4 * M) } };
  const ready = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    ready: true,
    restartCount: 0,
    state: running,
    ...extra,
  });
  const podCells = (p: KubeObject) => cells("", "v1", "Pod", p);

  it("prints a pending, unscheduled pod", () => {
    const p = pod({
      phase: "Pending",
      conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable" }],
    });
    assert.deepEqual(podCells(p), ["web-0", "0/1", "Pending", "0", "5m", "<none>", "<none>", "<none>", "<none>"]);
  });

  it("prints a pod held by scheduling gates as SchedulingGated", () => {
    const p = pod({
      phase: "Pending",
      conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }],
    });
    assert.equal(podCells(p)[2], "SchedulingGated");
  });

  it("prints a running pod with its IP, node, nominated node and readiness gates", () => {
    const p = pod(
      {
        phase: "Running",
        podIP: "10.244.1.7",
        podIPs: [{ ip: "10.244.1.7" }],
        nominatedNodeName: "node-2",
        conditions: [
          { type: "Ready", status: "True" },
          { type: "example.com/lb", status: "True" },
          { type: "example.com/dns", status: "False" },
        ],
        containerStatuses: [ready("web"), ready("log")],
      },
      {
        nodeName: "node-1",
        containers: [{ name: "web" }, { name: "log" }],
        readinessGates: [{ conditionType: "example.com/lb" }, { conditionType: "example.com/dns" }],
      },
    );
    assert.deepEqual(podCells(p), ["web-0", "2/2", "Running", "0", "5m", "10.244.1.7", "node-1", "node-2", "1/2"]);
    const v6 = pod({ phase: "Running", podIPs: [{ ip: "fd00::7" }] });
    assert.equal(podCells(v6)[5], "fd00::7");
  });

  it("prints Init:x/y while init containers run", () => {
    const p = pod(
      {
        phase: "Pending",
        conditions: [{ type: "Initialized", status: "False" }],
        initContainerStatuses: [
          { name: "a", ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed" } } },
          { name: "b", ready: false, restartCount: 0, state: running },
          { name: "c", ready: false, restartCount: 0, state: { waiting: { reason: "PodInitializing" } } },
        ],
        containerStatuses: [
          { name: "web", ready: false, restartCount: 0, state: { waiting: { reason: "PodInitializing" } } },
        ],
      },
      { initContainers: [{ name: "a" }, { name: "b" }, { name: "c" }] },
    );
    assert.deepEqual(podCells(p).slice(1, 4), ["0/1", "Init:1/3", "0"]);
  });

  it("prints an init container's failure: Init:CrashLoopBackOff, Init:Error, Init:ExitCode, Init:Signal", () => {
    const initPod = (state: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      pod(
        {
          phase: "Pending",
          initContainerStatuses: [{ name: "setup", ready: false, restartCount: 0, state, ...extra }],
        },
        { initContainers: [{ name: "setup" }] },
      );
    const crash = initPod(
      { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s" } },
      { restartCount: 3, lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: ago(30 * S) } } },
    );
    assert.deepEqual(podCells(crash).slice(1, 4), ["0/1", "Init:CrashLoopBackOff", "3 (30s ago)"]);
    assert.equal(podCells(initPod({ terminated: { exitCode: 1, reason: "Error" } }))[2], "Init:Error");
    assert.equal(podCells(initPod({ terminated: { exitCode: 2 } }))[2], "Init:ExitCode:2");
    assert.equal(podCells(initPod({ terminated: { exitCode: 137, signal: 9 } }))[2], "Init:Signal:9");
    assert.equal(podCells(initPod({ waiting: { reason: "PodInitializing" } }))[2], "Init:0/1");
  });

  it("prints CrashLoopBackOff with restarts and when the last one was", () => {
    const p = pod({
      phase: "Running",
      conditions: [{ type: "Ready", status: "False" }],
      containerStatuses: [
        {
          name: "web",
          ready: false,
          restartCount: 5,
          state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: ago(2 * M + 10 * S) } },
        },
      ],
    });
    assert.deepEqual(podCells(p).slice(1, 4), ["0/1", "CrashLoopBackOff", "5 (2m10s ago)"]);
    const noLast = pod({ phase: "Running", containerStatuses: [ready("web", { restartCount: 4 })] });
    assert.deepEqual(podCells(noLast).slice(1, 4), ["1/1", "Running", "4"]);
  });

  it("prints ImagePullBackOff, Error and ExitCode reasons of the first container that has one", () => {
    const p = pod(
      {
        phase: "Pending",
        containerStatuses: [
          { name: "web", ready: false, restartCount: 0, state: { waiting: { reason: "ImagePullBackOff" } } },
          { name: "log", ready: false, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } } },
        ],
      },
      { containers: [{ name: "web" }, { name: "log" }] },
    );
    assert.equal(podCells(p)[2], "ImagePullBackOff");
    const failed = pod({
      phase: "Failed",
      containerStatuses: [{ name: "web", ready: false, restartCount: 0, state: { terminated: { exitCode: 137 } } }],
    });
    assert.equal(podCells(failed)[2], "ExitCode:137");
    const signalled = pod({
      phase: "Failed",
      containerStatuses: [
        { name: "web", ready: false, restartCount: 0, state: { terminated: { exitCode: 0, signal: 15 } } },
      ],
    });
    assert.equal(podCells(signalled)[2], "Signal:15");
  });

  it("prints Terminating during deletion, and Unknown for a pod on a lost node", () => {
    const p = pod(
      { phase: "Running", containerStatuses: [ready("web")] },
      {},
      { deletionTimestamp: ago(10 * S), deletionGracePeriodSeconds: 30 },
    );
    assert.deepEqual(podCells(p).slice(1, 3), ["1/1", "Terminating"]);
    const lost = pod(
      { phase: "Running", reason: "NodeLost", containerStatuses: [ready("web")] },
      {},
      { deletionTimestamp: ago(10 * S) },
    );
    assert.equal(podCells(lost)[2], "Unknown");
    const lostNotDeleted = pod({ phase: "Running", reason: "NodeLost" });
    assert.equal(podCells(lostNotDeleted)[2], "NodeLost");
  });

  it("prints Completed, and marks finished pods' rows Completed", () => {
    const p = pod({
      phase: "Succeeded",
      conditions: [{ type: "Ready", status: "False", reason: "PodCompleted" }],
      containerStatuses: [
        { name: "web", ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed" } } },
      ],
    });
    const t = table("", "v1", "Pod", [p]);
    assert.deepEqual(t.rows[0].cells.slice(1, 4), ["0/1", "Completed", "0"]);
    assert.deepEqual(t.rows[0].conditions, [
      { type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." },
    ]);
    const running = table("", "v1", "Pod", [pod({ phase: "Running" })]);
    assert.equal("conditions" in running.rows[0], false);
  });

  it("prints Running or NotReady when a container completed but another still runs", () => {
    const statuses = [
      { name: "job", ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed" } } },
      ready("web"),
    ];
    const spec = { containers: [{ name: "job" }, { name: "web" }] };
    const readyPod = pod(
      { phase: "Running", conditions: [{ type: "Ready", status: "True" }], containerStatuses: statuses },
      spec,
    );
    assert.deepEqual(podCells(readyPod).slice(1, 3), ["1/2", "Running"]);
    const notReady = pod(
      { phase: "Running", conditions: [{ type: "Ready", status: "False" }], containerStatuses: statuses },
      spec,
    );
    assert.deepEqual(podCells(notReady).slice(1, 3), ["1/2", "NotReady"]);
  });

  it("prints an evicted pod with its reason and a Failed row condition", () => {
    const p = pod({
      phase: "Failed",
      reason: "Evicted",
      message: "The node was low on resource: memory.",
    });
    const t = table("", "v1", "Pod", [p]);
    assert.deepEqual(t.rows[0].cells.slice(1, 4), ["0/1", "Evicted", "0"]);
    assert.deepEqual(t.rows[0].conditions, [
      { type: "Completed", status: "True", reason: "Failed", message: "The pod failed." },
    ]);
  });

  it("counts sidecar (restartable init) containers in READY and RESTARTS", () => {
    const p = pod(
      {
        phase: "Running",
        conditions: [
          { type: "Initialized", status: "True" },
          { type: "Ready", status: "True" },
        ],
        initContainerStatuses: [
          {
            name: "proxy",
            ready: true,
            started: true,
            restartCount: 2,
            state: running,
            lastState: { terminated: { exitCode: 1, finishedAt: ago(H) } },
          },
        ],
        containerStatuses: [
          ready("web", { restartCount: 1, lastState: { terminated: { exitCode: 2, finishedAt: ago(10 * M) } } }),
        ],
      },
      { initContainers: [{ name: "proxy", restartPolicy: "Always" }] },
    );
    assert.deepEqual(podCells(p).slice(1, 4), ["2/2", "Running", "3 (10m ago)"]);
  });
});

describe("table: services", () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) =>
    obj("web", { spec, status }, { creationTimestamp: ago(3 * H + 4 * M) });
  const svcCells = (s: KubeObject) => cells("", "v1", "Service", s);

  it("has kube's columns", () => {
    const t = table("", "v1", "Service", []);
    assert.deepEqual(
      t.columnDefinitions.map((c) => [c.name, c.type, c.priority]),
      [
        ["Name", "string", 0],
        ["Type", "string", 0],
        ["Cluster-IP", "string", 0],
        ["External-IP", "string", 0],
        ["Port(s)", "string", 0],
        ["Age", "string", 0],
        ["Selector", "string", 1],
      ],
    );
    assert.match(
      t.columnDefinitions[1].description,
      /^type determines how the Service is exposed\. Defaults to ClusterIP\./,
    );
  });

  it("prints a ClusterIP service", () => {
    const s = svc({
      type: "ClusterIP",
      clusterIP: "10.96.0.10",
      clusterIPs: ["10.96.0.10"],
      ports: [
        { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
        { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
      ],
      selector: { "k8s-app": "kube-dns", tier: "a" },
    });
    assert.deepEqual(svcCells(s), [
      "web",
      "ClusterIP",
      "10.96.0.10",
      "<none>",
      "53/UDP,53/TCP",
      "3h4m",
      "k8s-app=kube-dns,tier=a",
    ]);
  });

  it("prints a NodePort service with node ports and external IPs", () => {
    const s = svc({
      type: "NodePort",
      clusterIP: "10.96.12.1",
      externalIPs: ["192.0.2.10", "192.0.2.11"],
      ports: [
        { port: 80, nodePort: 30080, protocol: "TCP" },
        { port: 443, nodePort: 30443 },
      ],
    });
    assert.deepEqual(svcCells(s).slice(1, 5), [
      "NodePort",
      "10.96.12.1",
      "192.0.2.10,192.0.2.11",
      "80:30080/TCP,443:30443/TCP",
    ]);
    assert.equal(svcCells(s)[6], "<none>");
  });

  it("prints a LoadBalancer as <pending> until it has an address", () => {
    const spec = {
      type: "LoadBalancer",
      clusterIP: "10.96.7.7",
      ports: [{ port: 443, nodePort: 31443, protocol: "TCP" }],
    };
    assert.equal(svcCells(svc(spec))[3], "<pending>");
    const ingress = {
      loadBalancer: { ingress: [{ hostname: "lb.example.com" }, { ip: "203.0.113.7" }, { ip: "203.0.113.7" }] },
    };
    assert.equal(svcCells(svc(spec, ingress))[3], "203.0.113.7,lb.example.com");
    assert.equal(
      svcCells(svc({ ...spec, externalIPs: ["192.0.2.1"] }, ingress))[3],
      "203.0.113.7,lb.example.com,192.0.2.1",
    );
    assert.equal(svcCells(svc({ ...spec, externalIPs: ["192.0.2.1"] }))[3], "192.0.2.1");
  });

  it("prints ExternalName and headless services", () => {
    const ext = svc({ type: "ExternalName", externalName: "db.example.com" });
    assert.deepEqual(svcCells(ext).slice(1, 5), ["ExternalName", "<none>", "db.example.com", "<none>"]);
    const headless = svc({
      type: "ClusterIP",
      clusterIP: "None",
      clusterIPs: ["None"],
      ports: [{ port: 5432, protocol: "TCP" }],
    });
    assert.deepEqual(svcCells(headless).slice(1, 5), ["ClusterIP", "None", "<none>", "5432/TCP"]);
  });
});

describe("table: nodes", () => {
  const node = (labels: Record<string, string>, spec: Record<string, unknown>, status: Record<string, unknown>) =>
    obj("node-1", { spec, status }, { namespace: undefined, labels, creationTimestamp: ago(2 * D + 5 * H) });
  const info = {
    kubeletVersion: "v1.28.3",
    osImage: "Debian GNU/Linux 12 (bookworm)",
    kernelVersion: "6.1.0-18-amd64",
    containerRuntimeVersion: "containerd://1.7.2",
  };

  it("has kube's columns", () => {
    assert.deepEqual(
      table("", "v1", "Node", []).columnDefinitions.map((c) => [c.name, c.priority]),
      [
        ["Name", 0],
        ["Status", 0],
        ["Roles", 0],
        ["Age", 0],
        ["Version", 0],
        ["Internal-IP", 1],
        ["External-IP", 1],
        ["OS-Image", 1],
        ["Kernel-Version", 1],
        ["Container-Runtime", 1],
      ],
    );
  });

  it("prints a ready control-plane node", () => {
    const n = node(
      { "node-role.kubernetes.io/control-plane": "", "kubernetes.io/hostname": "node-1" },
      {},
      {
        conditions: [
          { type: "MemoryPressure", status: "False" },
          { type: "Ready", status: "True" },
        ],
        addresses: [
          { type: "InternalIP", address: "192.168.1.10" },
          { type: "Hostname", address: "node-1" },
          { type: "ExternalIP", address: "198.51.100.4" },
        ],
        nodeInfo: info,
      },
    );
    assert.deepEqual(cells("", "v1", "Node", n), [
      "node-1",
      "Ready",
      "control-plane",
      "2d5h",
      "v1.28.3",
      "192.168.1.10",
      "198.51.100.4",
      "Debian GNU/Linux 12 (bookworm)",
      "6.1.0-18-amd64",
      "containerd://1.7.2",
    ]);
  });

  it("prints NotReady, Unknown and a cordoned node with several roles", () => {
    const notReady = node({}, {}, { conditions: [{ type: "Ready", status: "False" }], nodeInfo: info });
    assert.deepEqual(cells("", "v1", "Node", notReady).slice(1, 3), ["NotReady", "<none>"]);
    const unknownStatus = node({}, {}, { conditions: [{ type: "Ready", status: "Unknown" }] });
    assert.equal(cells("", "v1", "Node", unknownStatus)[1], "NotReady");
    const noConditions = node({}, {}, {});
    assert.deepEqual(cells("", "v1", "Node", noConditions).slice(1), [
      "Unknown",
      "<none>",
      "2d5h",
      "",
      "<none>",
      "<none>",
      "<unknown>",
      "<unknown>",
      "<unknown>",
    ]);
    const cordoned = node(
      { "node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/infra": "true", "kubernetes.io/role": "master" },
      { unschedulable: true },
      { conditions: [{ type: "Ready", status: "True" }] },
    );
    assert.deepEqual(cells("", "v1", "Node", cordoned).slice(1, 3), [
      "Ready,SchedulingDisabled",
      "infra,master,worker",
    ]);
  });
});

describe("table: events", () => {
  it("prints a core/v1 Event with every column", () => {
    const e = obj("web-0.17a3c", {
      involvedObject: { kind: "Pod", namespace: "default", name: "web-0", fieldPath: "spec.containers{web}" },
      reason: "BackOff",
      message: "Back-off restarting failed container\n",
      source: { component: "kubelet", host: "node-1" },
      firstTimestamp: ago(H),
      lastTimestamp: ago(5 * M),
      count: 3,
      type: "Warning",
    });
    const t = table("", "v1", "Event", [e]);
    assert.deepEqual(
      t.columnDefinitions.map((c) => [c.name, c.priority]),
      [
        ["Last Seen", 0],
        ["Type", 0],
        ["Reason", 0],
        ["Object", 0],
        ["Subobject", 1],
        ["Source", 1],
        ["Message", 0],
        ["First Seen", 1],
        ["Count", 1],
        ["Name", 1],
      ],
    );
    assert.equal(t.columnDefinitions[9].format, "name");
    assert.deepEqual(t.rows[0].cells, [
      "5m",
      "Warning",
      "BackOff",
      "pod/web-0",
      "spec.containers{web}",
      "kubelet, node-1",
      "Back-off restarting failed container",
      "60m",
      3,
      "web-0.17a3c",
    ]);
  });

  it("uses eventTime and the series when the legacy timestamps are unset", () => {
    const e = obj("sched.1", {
      involvedObject: { kind: "Pod", name: "web-1" },
      reason: "FailedScheduling",
      message: "0/1 nodes are available",
      eventTime: "2024-05-01T11:50:00.000000Z",
      series: { count: 4, lastObservedTime: "2024-05-01T11:59:30.000000Z" },
      reportingComponent: "default-scheduler",
      reportingInstance: "",
      source: {},
      type: "Warning",
    });
    assert.deepEqual(cells("", "v1", "Event", e), [
      "30s",
      "Warning",
      "FailedScheduling",
      "pod/web-1",
      "",
      "default-scheduler",
      "0/1 nodes are available",
      "10m",
      4,
      "sched.1",
    ]);
    const once = obj("x", {
      involvedObject: { kind: "Node" },
      lastTimestamp: ago(S),
      firstTimestamp: ago(S),
      count: 0,
    });
    assert.deepEqual(cells("", "v1", "Event", once).slice(3, 9), ["node", "", "", "", "1s", 1]);
  });

  it("prints events.k8s.io/v1 Events the same way", () => {
    const e = obj("n1.1", {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      regarding: { kind: "Node", name: "n1" },
      note: "Node n1 status is now: NodeReady",
      reason: "NodeReady",
      type: "Normal",
      eventTime: "2024-05-01T11:58:00.000000Z",
      reportingController: "kubelet",
      reportingInstance: "n1",
    });
    assert.deepEqual(cells("events.k8s.io", "v1", "Event", e), [
      "2m",
      "Normal",
      "NodeReady",
      "node/n1",
      "",
      "kubelet, n1",
      "Node n1 status is now: NodeReady",
      "2m",
      1,
      "n1.1",
    ]);
  });
});

describe("table: other core kinds", () => {
  it("prints namespaces, secrets, service accounts, config maps and pod templates", () => {
    assert.deepEqual(cells("", "v1", "Namespace", obj("dev", { status: { phase: "Terminating" } })), [
      "dev",
      "Terminating",
      "5m",
    ]);
    const secret = obj("tls", { type: "kubernetes.io/tls", data: { "tls.crt": "YQ==", "tls.key": "Yg==" } });
    assert.deepEqual(cells("", "v1", "Secret", secret), ["tls", "kubernetes.io/tls", 2, "5m"]);
    assert.deepEqual(cells("", "v1", "Secret", obj("empty")), ["empty", "Opaque", 0, "5m"]);
    const sa = obj("builder", { secrets: [{ name: "builder-token" }] });
    assert.deepEqual(cells("", "v1", "ServiceAccount", sa), ["builder", 1, "5m"]);
    const cm = obj("cfg", { data: { a: "1", b: "2" }, binaryData: { c: "AA==" } });
    assert.deepEqual(cells("", "v1", "ConfigMap", cm), ["cfg", 3, "5m"]);
    const tpl = obj("tpl", {
      template: {
        metadata: { labels: { tier: "web", app: "shop" } },
        spec: {
          containers: [
            { name: "web", image: "nginx:1.25" },
            { name: "log", image: "busybox" },
          ],
        },
      },
    });
    const t = table("", "v1", "PodTemplate", [tpl]);
    assert.deepEqual(
      t.columnDefinitions.map((c) => [c.name, c.priority]),
      [
        ["Name", 0],
        ["Containers", 0],
        ["Images", 0],
        ["Pod Labels", 0],
      ],
    );
    assert.deepEqual(t.rows[0].cells, ["tpl", "web,log", "nginx:1.25,busybox", "app=shop,tier=web"]);
  });

  it("prints replication controllers", () => {
    const rc = obj("rc", {
      spec: { replicas: 3, selector: { app: "rc" }, template: { spec: { containers: [{ name: "c", image: "img" }] } } },
      status: { replicas: 3, readyReplicas: 2 },
    });
    assert.deepEqual(cells("", "v1", "ReplicationController", rc), ["rc", 3, 3, 2, "5m", "c", "img", "app=rc"]);
  });

  it("prints endpoints, at most three, with + N more...", () => {
    const ep = obj("web", {
      subsets: [{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }], ports: [{ port: 80 }, { port: 443 }] }],
    });
    assert.deepEqual(cells("", "v1", "Endpoints", ep), [
      "web",
      "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...",
      "5m",
    ]);
    assert.equal(cells("", "v1", "Endpoints", obj("none"))[1], "<none>");
    const headless = obj("h", { subsets: [{ addresses: [{ ip: "10.0.0.3" }] }] });
    assert.equal(cells("", "v1", "Endpoints", headless)[1], "10.0.0.3");
    const v6 = obj("v6", { subsets: [{ addresses: [{ ip: "fd00::1" }], ports: [{ port: 8080 }] }] });
    assert.equal(cells("", "v1", "Endpoints", v6)[1], "[fd00::1]:8080");
  });

  it("prints persistent volumes and claims", () => {
    const pv = obj(
      "pv-1",
      {
        spec: {
          capacity: { storage: "10Gi" },
          accessModes: ["ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce"],
          persistentVolumeReclaimPolicy: "Delete",
          claimRef: { namespace: "default", name: "data" },
          storageClassName: "standard",
        },
        status: { phase: "Bound" },
      },
      { namespace: undefined },
    );
    const t = table("", "v1", "PersistentVolume", [pv]);
    assert.deepEqual(
      t.columnDefinitions.map((c) => c.name),
      [
        "Name",
        "Capacity",
        "Access Modes",
        "Reclaim Policy",
        "Status",
        "Claim",
        "StorageClass",
        "Reason",
        "Age",
        "VolumeMode",
      ],
    );
    assert.deepEqual(t.rows[0].cells, [
      "pv-1",
      "10Gi",
      "RWO,RWX",
      "Delete",
      "Bound",
      "default/data",
      "standard",
      "",
      "5m",
      "Filesystem",
    ]);
    const released = obj(
      "pv-2",
      {
        spec: { capacity: { storage: "2048Mi" }, volumeMode: "Block" },
        status: { phase: "Failed", reason: "Recycle" },
      },
      { annotations: { "volume.beta.kubernetes.io/storage-class": "slow" }, deletionTimestamp: ago(S) },
    );
    assert.deepEqual(cells("", "v1", "PersistentVolume", released), [
      "pv-2",
      "2Gi",
      "",
      "Retain",
      "Terminating",
      "",
      "slow",
      "Recycle",
      "5m",
      "Block",
    ]);

    const bound = obj("data", {
      spec: { volumeName: "pv-1", storageClassName: "standard", resources: { requests: { storage: "5Gi" } } },
      status: { phase: "Bound", capacity: { storage: "10Gi" }, accessModes: ["ReadWriteOnce"] },
    });
    assert.deepEqual(cells("", "v1", "PersistentVolumeClaim", bound), [
      "data",
      "Bound",
      "pv-1",
      "10Gi",
      "RWO",
      "standard",
      "5m",
      "Filesystem",
    ]);
    const pending = obj("claim", { spec: { resources: { requests: { storage: "5Gi" } }, volumeMode: "Block" } });
    assert.deepEqual(cells("", "v1", "PersistentVolumeClaim", pending), [
      "claim",
      "Pending",
      "",
      "",
      "",
      "",
      "5m",
      "Block",
    ]);
  });

  it("prints resource quotas' requests and limits sorted by resource", () => {
    const rq = obj("quota", {
      status: {
        hard: { pods: "10", "requests.cpu": "1", "limits.memory": "2Gi", "requests.memory": "1Gi", "limits.cpu": "2" },
        used: { pods: "3", "requests.cpu": "500m", "requests.memory": "512Mi" },
      },
    });
    const t = table("", "v1", "ResourceQuota", [rq]);
    assert.deepEqual(
      t.columnDefinitions.map((c) => c.name),
      ["Name", "Age", "Request", "Limit"],
    );
    assert.deepEqual(t.rows[0].cells, [
      "quota",
      "5m",
      "pods: 3/10, requests.cpu: 500m/1, requests.memory: 512Mi/1Gi",
      "limits.cpu: 0/2, limits.memory: 0/2Gi",
    ]);
  });

  it("prints component statuses", () => {
    const cs = obj("etcd-0", { conditions: [{ type: "Healthy", status: "True", message: "ok" }] });
    assert.deepEqual(cells("", "v1", "ComponentStatus", cs), ["etcd-0", "Healthy", "ok", ""]);
  });
});
