import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { request } from "node:https";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { KUBECTL, requireProgram } from "@wharf/testing";
import { KUBE_128_API_VERSIONS } from "./support/kube-1-28.js";
import { ADMIN_TOKEN, adminServerSuite } from "./support/local-server.js";

const run = promisify(execFile);

// What kube-apiserver 1.28 lists in `kubectl api-resources` with default
// flags, written down from its sources (pkg/registry/*/rest storage short
// names and categories, api/discovery) — not from this server's table.
const KUBE_128_API_RESOURCES = `
bindings                                         v1                                     true    Binding
componentstatuses                 cs             v1                                     false   ComponentStatus
configmaps                        cm             v1                                     true    ConfigMap
endpoints                         ep             v1                                     true    Endpoints
events                            ev             v1                                     true    Event
limitranges                       limits         v1                                     true    LimitRange
namespaces                        ns             v1                                     false   Namespace
nodes                             no             v1                                     false   Node
persistentvolumeclaims            pvc            v1                                     true    PersistentVolumeClaim
persistentvolumes                 pv             v1                                     false   PersistentVolume
pods                              po             v1                                     true    Pod
podtemplates                                     v1                                     true    PodTemplate
replicationcontrollers            rc             v1                                     true    ReplicationController
resourcequotas                    quota          v1                                     true    ResourceQuota
secrets                                          v1                                     true    Secret
serviceaccounts                   sa             v1                                     true    ServiceAccount
services                          svc            v1                                     true    Service
mutatingwebhookconfigurations                    admissionregistration.k8s.io/v1        false   MutatingWebhookConfiguration
validatingwebhookconfigurations                  admissionregistration.k8s.io/v1        false   ValidatingWebhookConfiguration
customresourcedefinitions         crd,crds       apiextensions.k8s.io/v1                false   CustomResourceDefinition
apiservices                                      apiregistration.k8s.io/v1              false   APIService
controllerrevisions                              apps/v1                                true    ControllerRevision
daemonsets                        ds             apps/v1                                true    DaemonSet
deployments                       deploy         apps/v1                                true    Deployment
replicasets                       rs             apps/v1                                true    ReplicaSet
statefulsets                      sts            apps/v1                                true    StatefulSet
selfsubjectreviews                               authentication.k8s.io/v1               false   SelfSubjectReview
tokenreviews                                     authentication.k8s.io/v1               false   TokenReview
localsubjectaccessreviews                        authorization.k8s.io/v1                true    LocalSubjectAccessReview
selfsubjectaccessreviews                         authorization.k8s.io/v1                false   SelfSubjectAccessReview
selfsubjectrulesreviews                          authorization.k8s.io/v1                false   SelfSubjectRulesReview
subjectaccessreviews                             authorization.k8s.io/v1                false   SubjectAccessReview
horizontalpodautoscalers          hpa            autoscaling/v2                         true    HorizontalPodAutoscaler
cronjobs                          cj             batch/v1                               true    CronJob
jobs                                             batch/v1                               true    Job
certificatesigningrequests        csr            certificates.k8s.io/v1                 false   CertificateSigningRequest
leases                                           coordination.k8s.io/v1                 true    Lease
endpointslices                                   discovery.k8s.io/v1                    true    EndpointSlice
events                            ev             events.k8s.io/v1                       true    Event
flowschemas                                      flowcontrol.apiserver.k8s.io/v1beta3   false   FlowSchema
prioritylevelconfigurations                      flowcontrol.apiserver.k8s.io/v1beta3   false   PriorityLevelConfiguration
ingressclasses                                   networking.k8s.io/v1                   false   IngressClass
ingresses                         ing            networking.k8s.io/v1                   true    Ingress
networkpolicies                   netpol         networking.k8s.io/v1                   true    NetworkPolicy
runtimeclasses                                   node.k8s.io/v1                         false   RuntimeClass
poddisruptionbudgets              pdb            policy/v1                              true    PodDisruptionBudget
clusterrolebindings                              rbac.authorization.k8s.io/v1           false   ClusterRoleBinding
clusterroles                                     rbac.authorization.k8s.io/v1           false   ClusterRole
rolebindings                                     rbac.authorization.k8s.io/v1           true    RoleBinding
roles                                            rbac.authorization.k8s.io/v1           true    Role
priorityclasses                   pc             scheduling.k8s.io/v1                   false   PriorityClass
csidrivers                                       storage.k8s.io/v1                      false   CSIDriver
csinodes                                         storage.k8s.io/v1                      false   CSINode
csistoragecapacities                             storage.k8s.io/v1                      true    CSIStorageCapacity
storageclasses                    sc             storage.k8s.io/v1                      false   StorageClass
volumeattachments                                storage.k8s.io/v1                      false   VolumeAttachment
`;

/** The table above as "name|shortnames|apiversion|namespaced|kind" rows. */
function expectedRows(): string[] {
  return KUBE_128_API_RESOURCES.trim()
    .split("\n")
    .map((line) => {
      const cells = line.trim().split(/\s+/);
      // Rows without short names have four cells.
      const [name, short, apiVersion, namespaced, kind] =
        cells.length === 5 ? cells : [cells[0], "", ...cells.slice(1)];
      return [name, short, apiVersion, namespaced, kind].join("|");
    })
    .sort();
}

/** kubectl's table, cut at the header's column starts (short names may be blank). */
function parseTable(out: string): string[] {
  const [header, ...lines] = out.split("\n");
  const starts = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"].map((h) => header!.indexOf(h));
  return lines
    .filter((l) => l.trim() !== "")
    .map((l) => starts.map((s, i) => l.slice(s, starts[i + 1] ?? undefined).trim()).join("|"))
    .sort();
}

/** kube-apiserver 1.28's /apis order (the aggregator's group priorities). */
const KUBE_128_GROUP_ORDER = [
  "apiregistration.k8s.io",
  "apps",
  "events.k8s.io",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "autoscaling",
  "batch",
  "certificates.k8s.io",
  "networking.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "scheduling.k8s.io",
  "coordination.k8s.io",
  "node.k8s.io",
  "discovery.k8s.io",
  "flowcontrol.apiserver.k8s.io",
];

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON bodies.
type Json = any;

interface Reply {
  code: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: discovery`, () => {
    const suite = adminServerSuite(backend, "wharf-discovery-");

    const get = (path: string, accept = "application/json") =>
      new Promise<Reply>((resolve, reject) => {
        const req = request(
          `${suite.api!.url}${path}`,
          { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept }, rejectUnauthorized: false },
          (res) => {
            let body = "";
            res.on("data", (c) => {
              body += c;
            });
            res.on("end", () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body }));
          },
        );
        req.on("error", reject);
        req.end();
      });
    const getJson = async (path: string) => {
      const r = await get(path);
      assert.equal(r.code, 200, `${path}: ${r.body}`);
      return JSON.parse(r.body);
    };
    const kubectl = async (...args: string[]) =>
      (
        await run(KUBECTL!, [
          `--kubeconfig=${suite.kubeconfig}`,
          `--cache-dir=${join(suite.dir.path, "cache")}`,
          ...args,
        ])
      ).stdout;

    it("kubectl api-resources lists every kube 1.28 resource with its short names, scope and kind", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      if (!KUBECTL && !requireProgram(t, "/usr/bin/kubectl", "kubernetes-client")) return;
      const out = await kubectl("api-resources");
      assert.deepEqual(parseTable(out), expectedRows());
      // Categories: `kubectl get all` and `api-extensions` resolve through discovery.
      const wide = await kubectl("api-resources", "--categories=all", "-o", "name");
      assert.deepEqual(wide.trim().split("\n").sort(), [
        "cronjobs.batch",
        "daemonsets.apps",
        "deployments.apps",
        "horizontalpodautoscalers.autoscaling",
        "jobs.batch",
        "pods",
        "replicasets.apps",
        "replicationcontrollers",
        "services",
        "statefulsets.apps",
      ]);
      const ext = await kubectl("api-resources", "--categories=api-extensions", "-o", "name");
      assert.deepEqual(ext.trim().split("\n").sort(), [
        "apiservices.apiregistration.k8s.io",
        "customresourcedefinitions.apiextensions.k8s.io",
        "mutatingwebhookconfigurations.admissionregistration.k8s.io",
        "validatingwebhookconfigurations.admissionregistration.k8s.io",
      ]);
    });

    it("kubectl api-versions lists every group version", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      if (!KUBECTL && !requireProgram(t, "/usr/bin/kubectl", "kubernetes-client")) return;
      assert.deepEqual((await kubectl("api-versions")).trim().split("\n"), KUBE_128_API_VERSIONS);
    });

    it("serves /api, /apis and the group documents as kube-apiserver does", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const apiDoc = await getJson("/api");
      assert.equal(apiDoc.kind, "APIVersions");
      assert.deepEqual(apiDoc.versions, ["v1"]);
      const apis = await getJson("/apis");
      assert.equal(apis.kind, "APIGroupList");
      assert.deepEqual(
        apis.groups.map((g: { name: string }) => g.name),
        KUBE_128_GROUP_ORDER,
      );
      const autoscaling = apis.groups.find((g: { name: string }) => g.name === "autoscaling");
      assert.deepEqual(autoscaling, {
        name: "autoscaling",
        versions: [
          { groupVersion: "autoscaling/v2", version: "v2" },
          { groupVersion: "autoscaling/v1", version: "v1" },
        ],
        preferredVersion: { groupVersion: "autoscaling/v2", version: "v2" },
      });
      assert.deepEqual(await getJson("/apis/flowcontrol.apiserver.k8s.io"), {
        kind: "APIGroup",
        apiVersion: "v1",
        name: "flowcontrol.apiserver.k8s.io",
        versions: [
          { groupVersion: "flowcontrol.apiserver.k8s.io/v1beta3", version: "v1beta3" },
          { groupVersion: "flowcontrol.apiserver.k8s.io/v1beta2", version: "v1beta2" },
        ],
        preferredVersion: { groupVersion: "flowcontrol.apiserver.k8s.io/v1beta3", version: "v1beta3" },
      });
      assert.equal((await get("/apis/extensions")).code, 404);
      assert.equal((await get("/apis/apps/v1beta1")).code, 404);
    });

    it("lists subresources in the group version documents with kube's kinds, groups and verbs", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const core = await getJson("/api/v1");
      assert.equal(core.apiVersion, undefined);
      assert.equal(core.groupVersion, "v1");
      const byName = (doc: { resources: Json[] }) => new Map<string, Json>(doc.resources.map((r) => [r.name, r]));
      const c = byName(core);
      assert.deepEqual(c.get("pods"), {
        name: "pods",
        singularName: "pod",
        namespaced: true,
        kind: "Pod",
        verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
        shortNames: ["po"],
        categories: ["all"],
      });
      assert.deepEqual(c.get("pods/status"), {
        name: "pods/status",
        singularName: "",
        namespaced: true,
        kind: "Pod",
        verbs: ["get", "patch", "update"],
      });
      assert.deepEqual(c.get("pods/binding"), {
        name: "pods/binding",
        singularName: "",
        namespaced: true,
        kind: "Binding",
        verbs: ["create"],
      });
      assert.deepEqual(c.get("replicationcontrollers/scale"), {
        name: "replicationcontrollers/scale",
        singularName: "",
        namespaced: true,
        group: "autoscaling",
        version: "v1",
        kind: "Scale",
        verbs: ["get", "patch", "update"],
      });
      assert.deepEqual(c.get("namespaces/finalize")?.verbs, ["update"]);
      assert.deepEqual(c.get("namespaces")?.verbs, ["create", "delete", "get", "list", "patch", "update", "watch"]);
      assert.deepEqual(c.get("bindings")?.verbs, ["create"]);
      // Names sorted as kube lists them, each subresource after its parent.
      const names = core.resources.map((r: { name: string }) => r.name);
      assert.deepEqual(names, [...names].sort());
      const apps = await getJson("/apis/apps/v1");
      assert.equal(apps.apiVersion, "v1");
      assert.deepEqual(byName(apps).get("deployments/scale"), {
        name: "deployments/scale",
        singularName: "",
        namespaced: true,
        group: "autoscaling",
        version: "v1",
        kind: "Scale",
        verbs: ["get", "patch", "update"],
      });
      assert.deepEqual(
        (await getJson("/apis/authentication.k8s.io/v1")).resources.map((r: { name: string }) => r.name),
        ["selfsubjectreviews", "tokenreviews"],
      );
      assert.deepEqual(
        byName(await getJson("/apis/certificates.k8s.io/v1")).get("certificatesigningrequests/approval")?.verbs,
        ["get", "patch", "update"],
      );
    });

    for (const version of ["v2", "v2beta1"]) {
      it(`answers aggregated discovery ${version} when the client asks for it`, async (t) => {
        const api = suite.ready(t);
        if (!api) return;
        const accept = `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList,application/json`;
        const apis = await get("/apis", accept);
        assert.equal(apis.code, 200);
        assert.equal(
          apis.headers["content-type"],
          `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`,
        );
        const doc = JSON.parse(apis.body);
        assert.equal(doc.kind, "APIGroupDiscoveryList");
        assert.equal(doc.apiVersion, `apidiscovery.k8s.io/${version}`);
        assert.deepEqual(
          doc.items.map((g: { metadata: { name: string } }) => g.metadata.name),
          KUBE_128_GROUP_ORDER,
        );
        const appsV1 = doc.items.find((g: { metadata: { name: string } }) => g.metadata.name === "apps").versions[0];
        assert.equal(appsV1.version, "v1");
        assert.equal(appsV1.freshness, "Current");
        const deployments = appsV1.resources.find((r: { resource: string }) => r.resource === "deployments");
        assert.deepEqual(deployments, {
          resource: "deployments",
          responseKind: { group: "", version: "", kind: "Deployment" },
          scope: "Namespaced",
          singularResource: "deployment",
          verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
          shortNames: ["deploy"],
          categories: ["all"],
          subresources: [
            {
              subresource: "scale",
              responseKind: { group: "autoscaling", version: "v1", kind: "Scale" },
              verbs: ["get", "patch", "update"],
            },
            {
              subresource: "status",
              responseKind: { group: "", version: "", kind: "Deployment" },
              verbs: ["get", "patch", "update"],
            },
          ],
        });
        const core = await get("/api", accept);
        assert.match(String(core.headers["content-type"]), /as=APIGroupDiscoveryList/);
        const coreDoc = JSON.parse(core.body);
        assert.equal(coreDoc.items.length, 1);
        assert.equal(coreDoc.items[0].metadata.name, undefined);
        const pods = coreDoc.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === "pods");
        // Only subresources this server serves are advertised (no log/exec without a kubelet).
        assert.deepEqual(
          pods.subresources.map((s: { subresource: string }) => s.subresource),
          ["binding", "ephemeralcontainers", "eviction", "status"],
        );
        assert.deepEqual(
          pods.subresources.find((s: { subresource: string }) => s.subresource === "eviction"),
          {
            subresource: "eviction",
            responseKind: { group: "policy", version: "v1", kind: "Eviction" },
            verbs: ["create"],
          },
        );
        // A plain JSON Accept still gets the legacy documents.
        assert.equal(JSON.parse((await get("/apis")).body).kind, "APIGroupList");
      });
    }
  });
}
