import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { KUBECTL, requireProgram } from "@wharf/testing";
import { adminJson, adminServerSuite } from "./support/local-server.js";

// Embedded ObjectMetas (pod templates, a CronJob's job template, claim
// templates) as kube-apiserver 1.28 writes them: Go's zero Time prints as
// `creationTimestamp: null`, so every such metadata is present with it even
// when the client sent none. kube's managedFields never record it (its
// field manager sees Go's omitempty zero values as unset), whatever the
// write: create, strategic merge patch or server-side apply.

const run = promisify(execFile);

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON bodies.
type Json = any;

const podSpec = { containers: [{ name: "c", image: "nginx" }] };
const template = { metadata: { labels: { app: "a" } }, spec: podSpec };
const selector = { matchLabels: { app: "a" } };

/** A container as kube 1.28 defaults it. */
const container = {
  name: "c",
  image: "nginx",
  imagePullPolicy: "Always",
  terminationMessagePath: "/dev/termination-log",
  terminationMessagePolicy: "File",
  resources: {},
};

/** A pod template's spec as kube 1.28 defaults it. */
const defaultedSpec = (restartPolicy = "Always") => ({
  containers: [container],
  dnsPolicy: "ClusterFirst",
  restartPolicy,
  securityContext: {},
  terminationGracePeriodSeconds: 30,
  schedulerName: "default-scheduler",
});

/** The template above as kube answers it. */
const defaultedTemplate = {
  metadata: { labels: { app: "a" }, creationTimestamp: null },
  spec: defaultedSpec(),
};

const claim = { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } };

/** What GET answers, without what differs per object (uid, times, resourceVersion, generation, managedFields). */
function stable(o: Json): Json {
  const { uid: _u, creationTimestamp: _c, resourceVersion: _r, managedFields: _m, ...meta } = o.metadata;
  return { ...o, metadata: meta };
}

/** Every managedFields entry's fieldsV1, as text, to look for a field anywhere in them. */
const fieldsText = (o: Json) => JSON.stringify((o.metadata.managedFields ?? []).map((m: Json) => m.fieldsV1));

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: creationTimestamp: null in embedded metadata`, { timeout: 120_000 }, () => {
    const suite = adminServerSuite(backend, "wharf-embedded-");

    /** Creates `body` at `path` and answers what a GET then returns. */
    const createAndGet = async (path: string, body: Json): Promise<Json> => {
      const created = await adminJson(suite.api!.url, "POST", `${path}?fieldManager=creator`, body);
      assert.equal(created.code, 201, JSON.stringify(created.body));
      const got = await adminJson(suite.api!.url, "GET", `${path}/${body.metadata.name}`);
      assert.equal(got.code, 200, JSON.stringify(got.body));
      assert.doesNotMatch(fieldsText(got.body), /creationTimestamp/, `${path}: managedFields`);
      return got.body;
    };

    it("Deployments, ReplicaSets, DaemonSets and ReplicationControllers: spec.template.metadata", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const deploy = await createAndGet("/apis/apps/v1/namespaces/default/deployments", {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "d" },
        spec: { selector, template },
      });
      assert.deepEqual(stable(deploy), {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "d", namespace: "default", generation: 1 },
        spec: {
          replicas: 1,
          selector,
          template: defaultedTemplate,
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
          revisionHistoryLimit: 10,
          progressDeadlineSeconds: 600,
        },
        status: {},
      });
      const rs = await createAndGet("/apis/apps/v1/namespaces/default/replicasets", {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: { name: "rs" },
        spec: { selector, template },
      });
      assert.deepEqual(stable(rs).spec, { replicas: 1, selector, template: defaultedTemplate });
      const ds = await createAndGet("/apis/apps/v1/namespaces/default/daemonsets", {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: "ds" },
        spec: { selector, template },
      });
      assert.deepEqual(stable(ds).spec, {
        selector,
        template: defaultedTemplate,
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
        revisionHistoryLimit: 10,
      });
      const rc = await createAndGet("/api/v1/namespaces/default/replicationcontrollers", {
        apiVersion: "v1",
        kind: "ReplicationController",
        metadata: { name: "rc" },
        spec: { template },
      });
      assert.deepEqual(stable(rc), {
        apiVersion: "v1",
        kind: "ReplicationController",
        metadata: { name: "rc", namespace: "default", generation: 1, labels: { app: "a" } },
        spec: { replicas: 1, selector: { app: "a" }, template: defaultedTemplate },
        status: {},
      });
    });

    it("StatefulSets: the pod template and each volume claim template (defaulted as a claim)", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const sts = await createAndGet("/apis/apps/v1/namespaces/default/statefulsets", {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "s" },
        spec: {
          serviceName: "s",
          selector,
          template,
          volumeClaimTemplates: [{ metadata: { name: "data" }, spec: claim }],
        },
      });
      assert.deepEqual(stable(sts), {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "s", namespace: "default", generation: 1 },
        spec: {
          replicas: 1,
          selector,
          template: defaultedTemplate,
          volumeClaimTemplates: [
            {
              metadata: { name: "data", creationTimestamp: null },
              spec: { ...claim, volumeMode: "Filesystem" },
              status: { phase: "Pending" },
            },
          ],
          serviceName: "s",
          podManagementPolicy: "OrderedReady",
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
          revisionHistoryLimit: 10,
          persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
        },
        status: {},
      });
    });

    it("Jobs, CronJobs (job template and its pod template) and PodTemplates, metadata or not", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const job = await createAndGet("/apis/batch/v1/namespaces/default/jobs", {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "j" },
        spec: { template: { spec: { ...podSpec, restartPolicy: "Never" } } },
      });
      const uid = job.metadata.uid;
      assert.deepEqual(job.spec.template.metadata, {
        creationTimestamp: null,
        labels: {
          "batch.kubernetes.io/controller-uid": uid,
          "batch.kubernetes.io/job-name": "j",
          "controller-uid": uid,
          "job-name": "j",
        },
      });
      const cronJob = await createAndGet("/apis/batch/v1/namespaces/default/cronjobs", {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "cj" },
        spec: {
          schedule: "* * * * *",
          jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: "Never" } } } },
        },
      });
      assert.deepEqual(stable(cronJob), {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "cj", namespace: "default", generation: 1 },
        spec: {
          schedule: "* * * * *",
          concurrencyPolicy: "Allow",
          suspend: false,
          jobTemplate: {
            metadata: { creationTimestamp: null },
            spec: { template: { metadata: { creationTimestamp: null }, spec: defaultedSpec("Never") } },
          },
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 1,
        },
        status: {},
      });
      const podTemplate = await createAndGet("/api/v1/namespaces/default/podtemplates", {
        apiVersion: "v1",
        kind: "PodTemplate",
        metadata: { name: "pt" },
        template: { spec: podSpec },
      });
      assert.deepEqual(stable(podTemplate), {
        apiVersion: "v1",
        kind: "PodTemplate",
        metadata: { name: "pt", namespace: "default" },
        template: { metadata: { creationTimestamp: null }, spec: defaultedSpec() },
      });
      // A template metadata holding nothing else is not a field anyone set.
      const [entry] = podTemplate.metadata.managedFields;
      assert.equal(entry.manager, "creator");
      assert.deepEqual(Object.keys(entry.fieldsV1["f:template"]), [".", "f:spec"]);
    });

    it("ephemeral volumes' claim templates in a pod spec", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const pod = await createAndGet("/api/v1/namespaces/default/pods", {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p" },
        spec: { ...podSpec, volumes: [{ name: "e", ephemeral: { volumeClaimTemplate: { spec: claim } } }] },
      });
      assert.deepEqual(pod.spec.volumes, [
        {
          name: "e",
          ephemeral: {
            volumeClaimTemplate: {
              metadata: { creationTimestamp: null },
              spec: { ...claim, volumeMode: "Filesystem" },
            },
          },
        },
      ]);
    });

    it("survives strategic merge patch and server-side apply without a managedFields entry for it", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const path = "/apis/apps/v1/namespaces/default/deployments";
      const manifest = JSON.stringify({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "applied" },
        spec: { selector, template },
      });
      const applied = await adminJson(
        api.url,
        "PATCH",
        `${path}/applied?fieldManager=ssa`,
        manifest,
        "application/apply-patch+yaml",
      );
      assert.equal(applied.code, 201, JSON.stringify(applied.body));
      assert.deepEqual(applied.body.spec.template.metadata, { labels: { app: "a" }, creationTimestamp: null });
      const [ssa] = applied.body.metadata.managedFields;
      assert.deepEqual(ssa.fieldsV1["f:spec"]["f:template"]["f:metadata"], { "f:labels": { "f:app": {} } });
      // The same configuration again changes nothing.
      const again = await adminJson(
        api.url,
        "PATCH",
        `${path}/applied?fieldManager=ssa`,
        manifest,
        "application/apply-patch+yaml",
      );
      assert.equal(again.code, 200);
      assert.equal(again.body.metadata.resourceVersion, applied.body.metadata.resourceVersion);
      const patched = await adminJson(
        api.url,
        "PATCH",
        `${path}/applied?fieldManager=patcher`,
        { spec: { template: { metadata: { labels: { tier: "web" } } } } },
        "application/strategic-merge-patch+json",
      );
      assert.equal(patched.code, 200, JSON.stringify(patched.body));
      assert.deepEqual(patched.body.spec.template.metadata, {
        labels: { app: "a", tier: "web" },
        creationTimestamp: null,
      });
      const patcher = patched.body.metadata.managedFields.find((m: Json) => m.manager === "patcher");
      assert.deepEqual(patcher.fieldsV1, {
        "f:spec": { "f:template": { "f:metadata": { "f:labels": { "f:tier": {} } } } },
      });
      assert.doesNotMatch(fieldsText(patched.body), /creationTimestamp/);
      assert.equal(patched.body.metadata.generation, 2);
      // A client that drops nulls (typed clients decode it as unset) updates without it: no change, no new generation.
      const { managedFields: _m, ...meta } = patched.body.metadata;
      const body = structuredClone({ ...patched.body, metadata: meta });
      delete body.spec.template.metadata.creationTimestamp;
      const put = await adminJson(api.url, "PUT", `${path}/applied?fieldManager=putter`, body);
      assert.equal(put.code, 200, JSON.stringify(put.body));
      assert.equal(put.body.metadata.generation, 2);
      assert.equal(put.body.metadata.resourceVersion, patched.body.metadata.resourceVersion);
      assert.equal(put.body.spec.template.metadata.creationTimestamp, null);
    });

    it("kubectl get -o yaml shows creationTimestamp: null under spec.template.metadata", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      if (!KUBECTL && !requireProgram(t, "/usr/bin/kubectl", "kubernetes-client")) return;
      const out = (await run(KUBECTL!, [`--kubeconfig=${suite.kubeconfig}`, "get", "deploy", "d", "-o", "yaml"]))
        .stdout;
      assert.match(out, /\n {2}template:\n {4}metadata:\n {6}creationTimestamp: null\n {6}labels:\n {8}app: a\n/);
    });
  });
}
