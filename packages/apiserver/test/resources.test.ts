import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { KubeConfig, type KubernetesObject, KubernetesObjectApi } from "@kubernetes/client-node";
import { ETCD_BIN, type ProcessServer, requireProgram, tempDir } from "@wharf/testing";
import type { RunningApiServer } from "../src/index.js";
import { ADMIN_TOKEN, adminJson, startAdminServer } from "./support/local-server.js";

const NS = "objects";
const labels = { app: "x" };
const podSpec = { containers: [{ name: "c", image: "busybox" }] };
const template = { metadata: { labels }, spec: podSpec };
const selector = { matchLabels: labels };

/**
 * One object of every stored resource kube-apiserver 1.28 serves, and the
 * etcd key it must land under (research/kube-apiserver-on-etcd.md: kube's
 * layout, not `<group>/<resource>`).
 */
type Fixture = KubernetesObject & { metadata: { name: string; namespace?: string } } & Record<string, unknown>;

function fixtures(csrPem: string): { obj: Fixture; key: string }[] {
  const n = (apiVersion: string, kind: string, name: string, rest: Record<string, unknown>, key: string) => ({
    obj: { apiVersion, kind, metadata: { name, namespace: NS }, ...rest },
    key: `/registry/${key}/${NS}/${name}`,
  });
  const c = (apiVersion: string, kind: string, name: string, rest: Record<string, unknown>, key: string) => ({
    obj: { apiVersion, kind, metadata: { name }, ...rest },
    key: `/registry/${key}/${name}`,
  });
  const roleRef = (kind: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind, name: "r" });
  return [
    n("v1", "ConfigMap", "cm1", { data: { a: "1" } }, "configmaps"),
    n("v1", "Endpoints", "ep1", { subsets: [] }, "services/endpoints"),
    n(
      "v1",
      "Event",
      "ev1",
      {
        involvedObject: { kind: "Pod", name: "p", namespace: NS },
        reason: "Started",
        message: "m",
        type: "Normal",
        source: { component: "test" },
      },
      "events",
    ),
    n(
      "v1",
      "LimitRange",
      "lr1",
      { spec: { limits: [{ type: "Container", default: { cpu: "100m" } }] } },
      "limitranges",
    ),
    c("v1", "Namespace", "ns1", {}, "namespaces"),
    c("v1", "Node", "node1", { spec: {} }, "minions"),
    n(
      "v1",
      "PersistentVolumeClaim",
      "pvc1",
      { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } },
      "persistentvolumeclaims",
    ),
    c(
      "v1",
      "PersistentVolume",
      "pv1",
      { spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/tmp/pv1" } } },
      "persistentvolumes",
    ),
    n("v1", "Pod", "pod1", { spec: podSpec }, "pods"),
    n("v1", "PodTemplate", "pt1", { template }, "podtemplates"),
    n("v1", "ReplicationController", "rc1", { spec: { replicas: 1, selector: labels, template } }, "controllers"),
    n("v1", "ResourceQuota", "rq1", { spec: { hard: { pods: "10" } } }, "resourcequotas"),
    n("v1", "Secret", "s1", { type: "Opaque", data: { a: "MQ==" } }, "secrets"),
    n("v1", "ServiceAccount", "sa1", {}, "serviceaccounts"),
    n("v1", "Service", "svc1", { spec: { ports: [{ port: 80 }], selector: labels } }, "services/specs"),
    n("apps/v1", "ControllerRevision", "cr1", { revision: 1, data: {} }, "controllerrevisions"),
    n("apps/v1", "DaemonSet", "ds1", { spec: { selector, template } }, "daemonsets"),
    n("apps/v1", "Deployment", "d1", { spec: { selector, template } }, "deployments"),
    n("apps/v1", "ReplicaSet", "rs1", { spec: { selector, template } }, "replicasets"),
    n("apps/v1", "StatefulSet", "sts1", { spec: { selector, template, serviceName: "s" } }, "statefulsets"),
    n(
      "batch/v1",
      "CronJob",
      "cj1",
      {
        spec: {
          schedule: "*/5 * * * *",
          jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: "OnFailure" } } } },
        },
      },
      "cronjobs",
    ),
    n("batch/v1", "Job", "job1", { spec: { template: { spec: { ...podSpec, restartPolicy: "Never" } } } }, "jobs"),
    n(
      "autoscaling/v2",
      "HorizontalPodAutoscaler",
      "hpa2",
      {
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "d1" },
          minReplicas: 1,
          maxReplicas: 3,
          metrics: [
            { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } },
          ],
        },
      },
      "horizontalpodautoscalers",
    ),
    n(
      "autoscaling/v1",
      "HorizontalPodAutoscaler",
      "hpa1",
      {
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "d1" },
          maxReplicas: 3,
          targetCPUUtilizationPercentage: 70,
        },
      },
      "horizontalpodautoscalers",
    ),
    n("coordination.k8s.io/v1", "Lease", "lease1", { spec: { holderIdentity: "a" } }, "leases"),
    n(
      "events.k8s.io/v1",
      "Event",
      "ev2",
      {
        eventTime: "2024-01-01T00:00:00.000000Z",
        reportingController: "example.com/ctl",
        reportingInstance: "i1",
        action: "Act",
        reason: "Done",
        regarding: { kind: "Pod", name: "p", namespace: NS },
        note: "a note",
        type: "Normal",
      },
      "events",
    ),
    n(
      "discovery.k8s.io/v1",
      "EndpointSlice",
      "eps1",
      { addressType: "IPv4", endpoints: [], ports: [] },
      "endpointslices",
    ),
    c("networking.k8s.io/v1", "IngressClass", "ic1", { spec: { controller: "example.com/c" } }, "ingressclasses"),
    n(
      "networking.k8s.io/v1",
      "Ingress",
      "ing1",
      { spec: { defaultBackend: { service: { name: "s", port: { number: 80 } } } } },
      "ingress",
    ),
    n("networking.k8s.io/v1", "NetworkPolicy", "np1", { spec: { podSelector: {} } }, "networkpolicies"),
    n("policy/v1", "PodDisruptionBudget", "pdb1", { spec: { minAvailable: 1, selector } }, "poddisruptionbudgets"),
    c("scheduling.k8s.io/v1", "PriorityClass", "pc1", { value: 1000 }, "priorityclasses"),
    c("storage.k8s.io/v1", "CSIDriver", "csi.example.com", { spec: {} }, "csidrivers"),
    c("storage.k8s.io/v1", "CSINode", "node1", { spec: { drivers: [] } }, "csinodes"),
    n("storage.k8s.io/v1", "CSIStorageCapacity", "cap1", { storageClassName: "sc1" }, "csistoragecapacities"),
    c("storage.k8s.io/v1", "StorageClass", "sc1", { provisioner: "example.com/p" }, "storageclasses"),
    c(
      "storage.k8s.io/v1",
      "VolumeAttachment",
      "va1",
      { spec: { attacher: "example.com/a", nodeName: "node1", source: { persistentVolumeName: "pv1" } } },
      "volumeattachments",
    ),
    c("rbac.authorization.k8s.io/v1", "ClusterRole", "r", { rules: [] }, "clusterroles"),
    c(
      "rbac.authorization.k8s.io/v1",
      "ClusterRoleBinding",
      "crb1",
      { roleRef: roleRef("ClusterRole") },
      "clusterrolebindings",
    ),
    n("rbac.authorization.k8s.io/v1", "Role", "r", { rules: [] }, "roles"),
    n("rbac.authorization.k8s.io/v1", "RoleBinding", "rb1", { roleRef: roleRef("Role") }, "rolebindings"),
    c(
      "admissionregistration.k8s.io/v1",
      "MutatingWebhookConfiguration",
      "mwc1",
      { webhooks: [] },
      "mutatingwebhookconfigurations",
    ),
    c(
      "admissionregistration.k8s.io/v1",
      "ValidatingWebhookConfiguration",
      "vwc1",
      { webhooks: [] },
      "validatingwebhookconfigurations",
    ),
    c(
      "apiregistration.k8s.io/v1",
      "APIService",
      "v1.example.com",
      {
        spec: {
          group: "example.com",
          version: "v1",
          groupPriorityMinimum: 100,
          versionPriority: 10,
          service: { namespace: "default", name: "s" },
        },
      },
      "apiregistration.k8s.io/apiservices",
    ),
    c(
      "apiextensions.k8s.io/v1",
      "CustomResourceDefinition",
      "widgets.example.com",
      {
        spec: {
          group: "example.com",
          names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
          scope: "Namespaced",
          versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }],
        },
      },
      "apiextensions.k8s.io/customresourcedefinitions",
    ),
    c(
      "certificates.k8s.io/v1",
      "CertificateSigningRequest",
      "csr1",
      {
        spec: {
          request: Buffer.from(csrPem).toString("base64"),
          signerName: "example.com/signer",
          usages: ["digital signature"],
        },
      },
      "certificatesigningrequests",
    ),
    c(
      "flowcontrol.apiserver.k8s.io/v1beta3",
      "FlowSchema",
      "fs1",
      { spec: { priorityLevelConfiguration: { name: "plc1" }, matchingPrecedence: 1000, rules: [] } },
      "flowschemas",
    ),
    c(
      "flowcontrol.apiserver.k8s.io/v1beta3",
      "PriorityLevelConfiguration",
      "plc1",
      { spec: { type: "Limited", limited: { nominalConcurrencyShares: 10, limitResponse: { type: "Reject" } } } },
      "prioritylevelconfigurations",
    ),
    c(
      "flowcontrol.apiserver.k8s.io/v1beta2",
      "FlowSchema",
      "fs2",
      { spec: { priorityLevelConfiguration: { name: "plc2" }, matchingPrecedence: 1000, rules: [] } },
      "flowschemas",
    ),
    c(
      "flowcontrol.apiserver.k8s.io/v1beta2",
      "PriorityLevelConfiguration",
      "plc2",
      { spec: { type: "Limited", limited: { assuredConcurrencyShares: 10, limitResponse: { type: "Reject" } } } },
      "prioritylevelconfigurations",
    ),
    c("node.k8s.io/v1", "RuntimeClass", "rc-runc", { handler: "runc" }, "runtimeclasses"),
  ];
}

const code = (e: unknown) => (e as { code?: number }).code;
/** The client library hands back typed model instances; compare their JSON. */
const plain = (o: unknown) => JSON.parse(JSON.stringify(o));

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: every built-in resource`, () => {
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;
    const dir = tempDir("wharf-resources-");
    let client: KubernetesObjectApi;
    let csrPem = "";

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      ({ store, api } = await startAdminServer(backend, dir.path));
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: "wharf", server: api.url, skipTLSVerify: true }],
        users: [{ name: "admin", token: ADMIN_TOKEN }],
        contexts: [{ name: "wharf", cluster: "wharf", user: "admin" }],
        currentContext: "wharf",
      });
      client = KubernetesObjectApi.makeApiClient(kc);
      // A real PKCS#10 request, in case CSR validation parses it.
      const key = join(dir.path, "csr.key");
      execFileSync(
        "openssl",
        ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"].concat([
          "-keyout",
          key,
          "-subj",
          "/CN=someone",
          "-out",
          join(dir.path, "csr.pem"),
        ]),
        { stdio: "ignore" },
      );
      csrPem = readFileSync(join(dir.path, "csr.pem"), "utf8");
      await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
    });
    after(async () => {
      await api?.close();
      await store?.stop();
      dir.remove();
    });

    it("creates, reads, lists and deletes one object of every resource, under kube's etcd keys", async (t) => {
      if (!api) return t.skip("no backend");
      for (const { obj, key } of fixtures(csrPem)) {
        const what = `${obj.apiVersion} ${obj.kind}`;
        const created = await client.create(obj).catch((e) => assert.fail(`${what} create: ${e.body ?? e}`));
        assert.equal(created.kind, obj.kind, what);
        assert.equal(created.apiVersion, obj.apiVersion, what);
        assert.ok(created.metadata?.uid, what);
        const read = await client.read({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata });
        assert.equal(read.metadata?.uid, created.metadata?.uid, what);
        assert.ok(await api.storage.get(key), `${what} stored under ${key}`);
        const list = await client.list(obj.apiVersion!, obj.kind!, obj.metadata?.namespace);
        assert.ok(
          list.items.some((i) => i.metadata?.name === obj.metadata?.name),
          `${what} listed`,
        );
      }
      for (const { obj, key } of fixtures(csrPem).reverse()) {
        const what = `${obj.apiVersion} ${obj.kind}`;
        // Objects sharing storage with another version (events, HPAs, flowcontrol) may already be gone.
        // Background, as kubectl sends: Jobs and ReplicationControllers default to orphaning, whose
        // finalizer waits for a garbage collector.
        await client
          .delete(obj, undefined, undefined, undefined, undefined, "Background")
          .catch((e) => assert.equal(code(e), 404, `${what} delete: ${e.body ?? e}`));
        // A namespace goes through Terminating first, and a CRD through its instances' cleanup.
        const finalized = obj.kind === "Namespace" || obj.kind === "CustomResourceDefinition";
        for (let i = 0; finalized && i < 100 && (await api.storage.get(key)); i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        await assert.rejects(
          client.read({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata }),
          (e) => code(e) === 404,
        );
        assert.equal(await api.storage.get(key), undefined, `${what} gone from ${key}`);
      }
    });

    it("shares storage between events.k8s.io/v1 and core/v1 Events, converting the fields", async (t) => {
      if (!api) return t.skip("no backend");
      await client.create({
        apiVersion: "events.k8s.io/v1",
        kind: "Event",
        metadata: { name: "shared", namespace: NS },
        eventTime: "2024-01-01T00:00:00.000000Z",
        reportingController: "example.com/ctl",
        reportingInstance: "i1",
        action: "Act",
        reason: "Done",
        regarding: { kind: "Pod", name: "p", namespace: NS },
        note: "the note",
        type: "Warning",
      } as KubernetesObject);
      const core = (await client.read({
        apiVersion: "v1",
        kind: "Event",
        metadata: { name: "shared", namespace: NS },
      })) as Record<string, unknown>;
      assert.equal(core.message, "the note");
      assert.deepEqual(plain(core.involvedObject), { kind: "Pod", name: "p", namespace: NS });
      assert.equal(core.reportingComponent, "example.com/ctl");
      assert.equal(core.reportingInstance, "i1");
      assert.equal(core.note, undefined);
      await client.patch(
        {
          apiVersion: "v1",
          kind: "Event",
          metadata: { name: "shared", namespace: NS },
          message: "changed",
        } as KubernetesObject,
        undefined,
        undefined,
        undefined,
        undefined,
        "application/merge-patch+json" as never,
      );
      const ev = (await client.read({
        apiVersion: "events.k8s.io/v1",
        kind: "Event",
        metadata: { name: "shared", namespace: NS },
      })) as Record<string, unknown>;
      assert.equal(ev.note, "changed");
      assert.deepEqual(plain(ev.regarding), { kind: "Pod", name: "p", namespace: NS });
      assert.equal(ev.reportingController, "example.com/ctl");
      assert.equal(ev.message, undefined);
      const raw = (await api.storage.get<Record<string, unknown>>(`/registry/events/${NS}/shared`))!.object;
      assert.equal(raw.apiVersion, "v1");
      assert.equal(raw.message, "changed");
      // Core-only fields appear as events.k8s.io's deprecated ones.
      await client.create({
        apiVersion: "v1",
        kind: "Event",
        metadata: { name: "old-style", namespace: NS },
        involvedObject: { kind: "Pod", name: "p", namespace: NS },
        reason: "Pulled",
        message: "pulled",
        source: { component: "kubelet" },
        count: 3,
        type: "Normal",
      } as KubernetesObject);
      const old = plain(
        await client.read({
          apiVersion: "events.k8s.io/v1",
          kind: "Event",
          metadata: { name: "old-style", namespace: NS },
        }),
      );
      assert.deepEqual(old.deprecatedSource, { component: "kubelet" });
      assert.equal(old.deprecatedCount, 3);
      assert.equal(old.note, "pulled");
    });

    it("unescapes names in the path, as kube's router does (system%3Afoo is system:foo)", async (t) => {
      if (!api) return t.skip("no backend");
      const base = "/apis/rbac.authorization.k8s.io/v1/clusterroles";
      const role = {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: "system:esc" },
      };
      assert.equal((await adminJson(api.url, "POST", base, role)).code, 201);
      const got = await adminJson(api.url, "GET", `${base}/system%3Aesc`);
      assert.equal(got.code, 200, JSON.stringify(got.body));
      assert.equal(got.body.metadata.name, "system:esc");
      const put = await adminJson(api.url, "PUT", `${base}/system%3Aesc`, { ...got.body, rules: [] });
      assert.equal(put.code, 200, JSON.stringify(put.body));
      const del = await adminJson(api.url, "DELETE", `${base}/system%3Aesc`);
      assert.equal(del.code, 200, JSON.stringify(del.body));
      assert.equal((await adminJson(api.url, "GET", `${base}/system:esc`)).code, 404);
    });

    it("serves HorizontalPodAutoscalers as autoscaling/v2 and v1 from one storage, with kube's defaults", async (t) => {
      if (!api) return t.skip("no backend");
      await client.create({
        apiVersion: "autoscaling/v1",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "web", namespace: NS },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
          maxReplicas: 4,
          targetCPUUtilizationPercentage: 60,
        },
      } as KubernetesObject);
      const v2 = (await client.read({
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "web", namespace: NS },
      })) as Record<string, unknown>;
      assert.deepEqual(plain((v2.spec as Record<string, unknown>).metrics), [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } },
      ]);
      const v1 = (await client.read({
        apiVersion: "autoscaling/v1",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "web", namespace: NS },
      })) as Record<string, unknown>;
      assert.equal((v1.spec as Record<string, unknown>).targetCPUUtilizationPercentage, 60);
      assert.equal((v1.spec as Record<string, unknown>).metrics, undefined);
      assert.equal((v1.spec as Record<string, unknown>).minReplicas, 1, "v1's default");
      const implicit = (await client.create({
        apiVersion: "autoscaling/v1",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "implicit", namespace: NS },
        spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 2 },
      } as KubernetesObject)) as Record<string, unknown>;
      assert.equal(
        (implicit.spec as Record<string, unknown>).targetCPUUtilizationPercentage,
        80,
        "v1's implicit target",
      );
      // v2's defaults: a CPU target of 80% without metrics; a given behavior filled out; quantities canonical.
      const bare = (await client.create({
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "bare", namespace: NS },
        spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 2 },
      } as KubernetesObject)) as Record<string, unknown>;
      assert.deepEqual(plain(bare.spec), {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        minReplicas: 1,
        maxReplicas: 2,
        metrics: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } },
        ],
      });
      const tuned = (await client.create({
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "tuned", namespace: NS },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
          maxReplicas: 2,
          metrics: [
            {
              type: "Pods",
              pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "0.5" } },
            },
          ],
          behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
        },
      } as KubernetesObject)) as Record<string, unknown>;
      const spec = plain(tuned.spec) as Record<string, Record<string, unknown>>;
      assert.deepEqual(spec.metrics, [
        { type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "500m" } } },
      ]);
      assert.deepEqual(spec.behavior, {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: "Max",
          policies: [
            { type: "Pods", value: 4, periodSeconds: 15 },
            { type: "Percent", value: 100, periodSeconds: 15 },
          ],
        },
        scaleDown: {
          stabilizationWindowSeconds: 60,
          selectPolicy: "Max",
          policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
        },
      });
    });

    it("keeps what autoscaling/v1 cannot express in kube's round-trip annotations", async (t) => {
      if (!api) return t.skip("no backend");
      const v2Path = `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`;
      const v1Path = `/apis/autoscaling/v1/namespaces/${NS}/horizontalpodautoscalers`;
      const created = await adminJson(api.url, "POST", v2Path, {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "mixed", namespace: NS, annotations: { team: "a&b" } },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
          maxReplicas: 5,
          metrics: [
            { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
            { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "1Gi" } } },
            {
              type: "Object",
              object: {
                describedObject: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", name: "main" },
                metric: { name: "rps", selector: { matchLabels: { z: "1", a: "2" } } },
                target: { type: "Value", value: "10k" },
              },
            },
          ],
          behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
        },
      });
      assert.equal(created.code, 201, JSON.stringify(created.body));
      const status = {
        desiredReplicas: 2,
        currentReplicas: 2,
        currentMetrics: [
          { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 40, averageValue: "120m" } } },
        ],
        conditions: [
          {
            type: "AbleToScale",
            status: "True",
            lastTransitionTime: "2026-01-01T00:00:00Z",
            reason: "ReadyForNewScale",
          },
        ],
      };
      const withStatus = await adminJson(api.url, "PUT", `${v2Path}/mixed/status`, { ...created.body, status });
      assert.equal(withStatus.code, 200, JSON.stringify(withStatus.body));

      // A v1 read: the CPU target and value in v1's fields, the rest in annotations as kube 1.28's conversion
      // writes them (Go's field order and zero values, the behavior as the internal type's JSON, keys sorted).
      const v1 = await adminJson(api.url, "GET", `${v1Path}/mixed`);
      const meta = v1.body.metadata as { annotations: Record<string, string> };
      assert.deepEqual(Object.keys(meta.annotations), [
        "autoscaling.alpha.kubernetes.io/behavior",
        "autoscaling.alpha.kubernetes.io/conditions",
        "autoscaling.alpha.kubernetes.io/current-metrics",
        "autoscaling.alpha.kubernetes.io/metrics",
        "team",
      ]);
      assert.equal(
        meta.annotations["autoscaling.alpha.kubernetes.io/metrics"],
        '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"1Gi"}},' +
          '{"type":"Object","object":{"target":{"kind":"Ingress","name":"main","apiVersion":"networking.k8s.io/v1"},' +
          '"metricName":"rps","targetValue":"10k","selector":{"matchLabels":{"a":"2","z":"1"}}}}]',
      );
      assert.equal(
        meta.annotations["autoscaling.alpha.kubernetes.io/current-metrics"],
        '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":40,"currentAverageValue":"120m"}}]',
      );
      assert.equal(
        meta.annotations["autoscaling.alpha.kubernetes.io/behavior"],
        '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}]},' +
          '"ScaleDown":{"StabilizationWindowSeconds":60,"SelectPolicy":"Max","Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}]}}',
      );
      assert.equal(
        meta.annotations["autoscaling.alpha.kubernetes.io/conditions"],
        '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z","reason":"ReadyForNewScale"}]',
      );
      assert.equal(meta.annotations.team, "a&b");
      const v1Spec = v1.body.spec as Record<string, unknown>;
      assert.equal(v1Spec.targetCPUUtilizationPercentage, 70);
      assert.equal((v1.body.status as Record<string, unknown>).currentCPUUtilizationPercentage, 40);

      // A v1 client's get-modify-put keeps every metric, the behavior and the status; the annotations go.
      const put = await adminJson(api.url, "PUT", `${v1Path}/mixed`, {
        ...v1.body,
        spec: { ...v1Spec, maxReplicas: 6, targetCPUUtilizationPercentage: 75 },
      });
      assert.equal(put.code, 200, JSON.stringify(put.body));
      const v2 = (await adminJson(api.url, "GET", `${v2Path}/mixed`)).body;
      assert.deepEqual((v2.metadata as { annotations: unknown }).annotations, { team: "a&b" });
      const spec = v2.spec as Record<string, unknown>;
      assert.equal(spec.maxReplicas, 6);
      // kube's order: the annotation's metrics, then the CPU target of v1's field.
      assert.deepEqual(spec.metrics, [
        { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "1Gi" } } },
        {
          type: "Object",
          object: {
            describedObject: { kind: "Ingress", name: "main", apiVersion: "networking.k8s.io/v1" },
            metric: { name: "rps", selector: { matchLabels: { a: "2", z: "1" } } },
            target: { type: "Value", value: "10k" },
          },
        },
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 75 } } },
      ]);
      assert.equal(
        (spec.behavior as { scaleDown: { stabilizationWindowSeconds: number } }).scaleDown.stabilizationWindowSeconds,
        60,
      );
      assert.deepEqual(plain((v2.status as Record<string, unknown>).currentMetrics), status.currentMetrics);
      assert.deepEqual(plain((v2.status as Record<string, unknown>).conditions), status.conditions);

      // A spec update cannot change the status through the annotations, nor a create set one.
      const edited = { ...meta.annotations };
      edited["autoscaling.alpha.kubernetes.io/current-metrics"] =
        '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":99,"currentAverageValue":"1"}}]';
      const again = (await adminJson(api.url, "GET", `${v1Path}/mixed`)).body;
      const put2 = await adminJson(api.url, "PUT", `${v1Path}/mixed`, {
        ...again,
        metadata: { ...(again.metadata as object), annotations: edited },
      });
      assert.equal(put2.code, 200, JSON.stringify(put2.body));
      assert.equal((put2.body.status as Record<string, unknown>).currentCPUUtilizationPercentage, 40);
      const fresh = await adminJson(api.url, "POST", v1Path, {
        apiVersion: "autoscaling/v1",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "fresh", namespace: NS, annotations: edited },
        spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 2 },
      });
      assert.equal(fresh.code, 201, JSON.stringify(fresh.body));
      const freshV2 = (await adminJson(api.url, "GET", `${v2Path}/fresh`)).body;
      assert.equal((freshV2.status as Record<string, unknown> | undefined)?.currentMetrics, undefined);
      assert.equal((freshV2.spec as { metrics: unknown[] }).metrics.length, 2, "the annotation's two metrics, no CPU");
    });

    it("answers the create-only reviews without storing them", async (t) => {
      if (!api) return t.skip("no backend");
      const ssar = (await client.create({
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: { verb: "get", resource: "pods", namespace: NS } },
      } as KubernetesObject)) as Record<string, unknown>;
      assert.deepEqual(plain(ssar.status), { allowed: true });
      const sar = (await client.create({
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: { user: "bob", nonResourceAttributes: { verb: "get", path: "/healthz" } },
      } as KubernetesObject)) as Record<string, unknown>;
      assert.deepEqual(plain(sar.status), { allowed: true });
      const lsar = (await client.create({
        apiVersion: "authorization.k8s.io/v1",
        kind: "LocalSubjectAccessReview",
        metadata: { namespace: NS },
        spec: { user: "bob", resourceAttributes: { verb: "list", resource: "secrets" } },
      } as KubernetesObject)) as Record<string, unknown>;
      assert.deepEqual(plain(lsar.status), { allowed: true });
      assert.equal((lsar.spec as { resourceAttributes: { namespace: string } }).resourceAttributes.namespace, NS);
      await assert.rejects(
        client.create({
          apiVersion: "authorization.k8s.io/v1",
          kind: "SubjectAccessReview",
          spec: { resourceAttributes: { verb: "get" } },
        } as KubernetesObject),
        (e) =>
          code(e) === 422 &&
          /at least one of user or group must be specified/.test(String((e as { body?: string }).body)),
      );
      const rules = (await client.create({
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectRulesReview",
        spec: { namespace: NS },
      } as KubernetesObject)) as Record<string, unknown>;
      // What kube's AlwaysAllow authorizer reports (RBAC comes in a later issue): everything, completely.
      assert.deepEqual(plain(rules.status), {
        resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
        nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
        incomplete: false,
      });
      const good = (await client.create({
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenReview",
        spec: { token: ADMIN_TOKEN },
      } as KubernetesObject)) as Record<string, unknown>;
      assert.deepEqual(plain(good.status), {
        authenticated: true,
        user: { username: "admin", uid: "1", groups: ["system:masters", "system:authenticated"] },
      });
      const bad = (await client.create({
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenReview",
        spec: { token: "nope" },
      } as KubernetesObject)) as Record<string, unknown>;
      assert.deepEqual(plain(bad.status), { user: {} });
      const keys = await api.storage.list("/registry/", { limit: 0 });
      assert.ok(!keys.items.some((i) => /review/.test(i.key)), "reviews are never stored");
    });
  });
}
