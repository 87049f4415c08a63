import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { StatusError } from "@wharf/apimachinery";
import { ETCD_BIN, type ProcessServer, requireProgram, startBrain, startEtcd } from "@wharf/testing";
import { EtcdStorage } from "../src/index.js";
import { GenericStore } from "../src/registry/generic-store.js";
import { ALL_VERBS, type ResourceDefinition } from "../src/registry/resource-definition.js";
import { deployments as servedDeployments } from "../src/registry/resources/apps.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests read decoded JSON
type J = any;

const deployments: ResourceDefinition = {
  group: "apps",
  version: "v1",
  kind: "Deployment",
  listKind: "DeploymentList",
  resource: "deployments",
  singular: "deployment",
  namespaced: true,
  shortNames: ["deploy"],
  categories: ["all"],
  verbs: ALL_VERBS,
  storagePath: "deployments",
};

const pods: ResourceDefinition = {
  group: "",
  version: "v1",
  kind: "Pod",
  listKind: "PodList",
  resource: "pods",
  singular: "pod",
  namespaced: true,
  shortNames: ["po"],
  categories: ["all"],
  verbs: ALL_VERBS,
  storagePath: "pods",
};

async function rejects422(p: Promise<unknown>): Promise<J> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StatusError, String(e));
    const status = (e as StatusError).status as J;
    assert.equal(status.code, 422);
    assert.equal(status.reason, "Invalid");
    return status;
  }
  assert.fail("expected a 422");
}

for (const backend of ["etcd", "brain"] as const) {
  describe(`built-in strategies through the generic store on ${backend}`, { timeout: 120_000 }, () => {
    let server: ProcessServer | undefined;
    let storage: EtcdStorage;
    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      server = backend === "etcd" ? await startEtcd() : await startBrain();
      storage = EtcdStorage.connect([`http://${server.endpoint}`]);
    });
    after(async () => {
      storage?.close();
      await server?.stop();
    });

    it("a Deployment comes back defaulted and is stored that way", async (t) => {
      if (!server) return t.skip("no backend");
      const store = new GenericStore(deployments, storage, "/registry");
      const created = await store.create("default", {
        metadata: { name: "web" },
        spec: {
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "nginx", image: "nginx:1.25" }] },
          },
        },
      });
      const spec = created.spec as J;
      assert.equal(spec.replicas, 1);
      assert.deepEqual(spec.strategy, {
        type: "RollingUpdate",
        rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
      });
      assert.equal(spec.revisionHistoryLimit, 10);
      assert.equal(spec.progressDeadlineSeconds, 600);
      assert.equal(spec.template.spec.containers[0].imagePullPolicy, "IfNotPresent");
      assert.equal(spec.template.spec.terminationGracePeriodSeconds, 30);
      const read = await store.get("default", "web");
      assert.deepEqual(read.spec, created.spec);

      const changed = structuredClone(read);
      (changed.spec as J).selector = { matchLabels: { app: "other" } };
      (changed.spec as J).template.metadata.labels = { app: "other" };
      const status = await rejects422(store.update("default", "web", changed));
      assert.deepEqual(status.details.causes, [
        {
          reason: "FieldValueInvalid",
          field: "spec.selector",
          message:
            'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
        },
      ]);
    });

    it("stores quantities in kube's canonical text; an equal quantity written otherwise changes nothing", async (t) => {
      if (!server) return t.skip("no backend");
      // The served definition: it tracks generation.
      const store = new GenericStore(servedDeployments, storage, "/registry");
      const withResources = (resources: J) => ({
        metadata: { name: "sized" },
        spec: {
          selector: { matchLabels: { app: "sized" } },
          template: {
            metadata: { labels: { app: "sized" } },
            spec: { containers: [{ name: "c", image: "nginx:1.25", resources }] },
          },
        },
      });
      const created = await store.create(
        "default",
        withResources({ limits: { cpu: "1000m", memory: "1.5Gi" }, requests: { cpu: "0.5", memory: 1073741824 } }),
      );
      const stored = (o: J) => o.spec.template.spec.containers[0].resources;
      assert.deepEqual(stored(created), {
        limits: { cpu: "1", memory: "1536Mi" },
        // A plain number is a decimal quantity: it stays in digits.
        requests: { cpu: "500m", memory: "1073741824" },
      });
      assert.deepEqual(stored(await store.get("default", "sized")), stored(created));
      assert.equal(created.metadata?.generation, 1);
      // The same values in other words ("1.0" is "1", "1Gi" is 1073741824): kube compares quantities by value, so
      // the spec did not change, though the new text is what is stored.
      const same = withResources({
        limits: { cpu: "1.0", memory: "1536Mi" },
        requests: { cpu: "500m", memory: "1Gi" },
      });
      (same.metadata as J).resourceVersion = created.metadata?.resourceVersion;
      const unchanged = await store.update("default", "sized", same);
      assert.equal(unchanged.metadata?.generation, 1);
      assert.deepEqual(stored(unchanged).requests, { cpu: "500m", memory: "1Gi" });
      const more = withResources({ limits: { cpu: "1" }, requests: { cpu: "0.6" } });
      const updated = await store.update("default", "sized", more);
      assert.equal(updated.metadata?.generation, 2);
      assert.deepEqual(stored(updated), { limits: { cpu: "1" }, requests: { cpu: "600m" } });
      // Only quantity fields compare by value: an environment variable's "1k" for "1000" is a change.
      const withEnv = (value: string) => {
        const o = withResources({ limits: { cpu: "1" }, requests: { cpu: "0.6" } }) as J;
        o.spec.template.spec.containers[0].env = [{ name: "SIZE", value }];
        return o;
      };
      const env1 = await store.update("default", "sized", withEnv("1000"));
      assert.equal(env1.metadata?.generation, 3);
      assert.equal((await store.update("default", "sized", withEnv("1k"))).metadata?.generation, 4);
    });

    it("a bad Deployment gets kube's 422 with its causes and is not stored", async (t) => {
      if (!server) return t.skip("no backend");
      const store = new GenericStore(deployments, storage, "/registry");
      const status = await rejects422(
        store.create("default", {
          metadata: { name: "bad" },
          spec: { template: { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "c" }] } } },
        }),
      );
      assert.deepEqual(status.details, {
        name: "bad",
        group: "apps",
        kind: "Deployment",
        causes: [
          { reason: "FieldValueRequired", message: "Required value", field: "spec.selector" },
          {
            reason: "FieldValueInvalid",
            message: 'Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
            field: "spec.template.metadata.labels",
          },
          { reason: "FieldValueRequired", message: "Required value", field: "spec.template.spec.containers[0].image" },
        ],
      });
      assert.equal(
        status.message,
        'Deployment.apps "bad" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`, spec.template.spec.containers[0].image: Required value]',
      );
      await assert.rejects(
        store.get("default", "bad"),
        (e: unknown) => e instanceof StatusError && e.status.code === 404,
      );
    });

    it("a Pod is created with kube's defaults and refuses a forbidden update", async (t) => {
      if (!server) return t.skip("no backend");
      const store = new GenericStore(pods, storage, "/registry");
      const created = await store.create("default", {
        metadata: { name: "p" },
        spec: { containers: [{ name: "c", image: "busybox" }] },
      });
      const spec = created.spec as J;
      assert.equal(spec.restartPolicy, "Always");
      assert.equal(spec.serviceAccountName, "default");
      assert.equal(spec.containers[0].imagePullPolicy, "Always");
      assert.equal(spec.tolerations.length, 2);
      assert.equal((created.status as J).phase, "Pending");
      const changed = structuredClone(created);
      (changed.spec as J).restartPolicy = "Never";
      const status = await rejects422(store.update("default", "p", changed));
      assert.equal(status.details.causes.length, 1);
      assert.equal(status.details.causes[0].field, "spec");
      assert.equal(status.details.causes[0].reason, "FieldValueForbidden");
      assert.match(
        status.details.causes[0].message,
        /^Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`/,
      );
      const bad = await rejects422(
        store.create("default", { metadata: { name: "Bad_Name" }, spec: { containers: [] } }),
      );
      assert.deepEqual(
        bad.details.causes.map((c: J) => [c.reason, c.field]),
        [
          ["FieldValueInvalid", "metadata.name"],
          ["FieldValueRequired", "spec.containers"],
        ],
      );
    });
  });
}
