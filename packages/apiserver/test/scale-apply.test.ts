import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventually } from "@wharf/testing";
import { adminJson, adminServerSuite } from "./support/local-server.js";

// Server-side apply of an autoscaling/v1 Scale on /scale, as kube-apiserver
// 1.28 does it through managedfields' ScaleHandler: the parent's owners of
// its replicas field are the Scale's owners of spec.replicas (Update
// managers at autoscaling/v1), conflicts and force work as for any apply,
// and the applier's entry lands in the parent's managedFields at the
// parent's version with subresource "scale" (and, as kube writes it, no
// time for a manager the parent did not list before).

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON bodies.
type Json = any;

const APPLY = "application/apply-patch+yaml";
const REPLICAS = { "f:spec": { "f:replicas": {} } };
const podTemplate = { metadata: { labels: { app: "a" } }, spec: { containers: [{ name: "c", image: "nginx" }] } };

const scale = (name: string, replicas: number) =>
  JSON.stringify({ apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name }, spec: { replicas } });

/** The parent's entry for `manager`, as kube writes it for an apply on /scale. */
const scaleEntry = (manager: string, apiVersion: string, fieldsV1: unknown = REPLICAS) => ({
  manager,
  operation: "Apply",
  apiVersion,
  fieldsType: "FieldsV1",
  fieldsV1,
  subresource: "scale",
});

const CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "pools.example.com" },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { plural: "pools", singular: "pool", kind: "Pool", listKind: "PoolList" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: { type: "object", properties: { size: { type: "integer" } } },
              status: { type: "object", properties: { size: { type: "integer" }, selector: { type: "string" } } },
            },
          },
        },
        subresources: {
          status: {},
          scale: {
            specReplicasPath: ".spec.size",
            statusReplicasPath: ".status.size",
            labelSelectorPath: ".status.selector",
          },
        },
      },
    ],
  },
};

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: server-side apply on /scale`, { timeout: 120_000 }, () => {
    const suite = adminServerSuite(backend, "wharf-scale-apply-");

    const call = (method: string, path: string, body?: unknown, type = "application/json") =>
      adminJson(suite.api!.url, method, path, body, type);
    const managedFields = async (path: string): Promise<Json[]> =>
      (await call("GET", path)).body.metadata.managedFields;

    it("conflicts with the creator of a Deployment, shares an equal value, takes replicas with force", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const path = "/apis/apps/v1/namespaces/default/deployments";
      const created = await call("POST", `${path}?fieldManager=creator`, {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web" },
        spec: { replicas: 2, selector: { matchLabels: { app: "a" } }, template: podTemplate },
      });
      assert.equal(created.code, 201, JSON.stringify(created.body));

      // The creator owns spec.replicas; on the Scale it is an Update manager at autoscaling/v1.
      const refused = await call("PATCH", `${path}/web/scale?fieldManager=scaler`, scale("web", 5), APPLY);
      assert.deepEqual(refused, {
        code: 409,
        body: {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: 'Apply failed with 1 conflict: conflict with "creator" using autoscaling/v1: .spec.replicas',
          reason: "Conflict",
          details: {
            causes: [
              {
                reason: "FieldManagerConflict",
                message: 'conflict with "creator" using autoscaling/v1',
                field: ".spec.replicas",
              },
            ],
          },
          code: 409,
        },
      });
      assert.equal((await call("GET", `${path}/web`)).body.spec.replicas, 2);

      // The same value is shared: both own it.
      const shared = await call("PATCH", `${path}/web/scale?fieldManager=scaler`, scale("web", 2), APPLY);
      assert.equal(shared.code, 200, JSON.stringify(shared.body));
      let entries = await managedFields(`${path}/web`);
      assert.deepEqual(entries[0], scaleEntry("scaler", "apps/v1"));
      assert.equal(entries[1].manager, "creator");
      assert.deepEqual(entries[1].fieldsV1["f:spec"]["f:replicas"], {});

      const forced = await call("PATCH", `${path}/web/scale?fieldManager=scaler&force=true`, scale("web", 5), APPLY);
      assert.equal(forced.code, 200, JSON.stringify(forced.body));
      assert.equal(forced.body.kind, "Scale");
      assert.equal(forced.body.apiVersion, "autoscaling/v1");
      assert.deepEqual(forced.body.spec, { replicas: 5 });
      assert.equal(forced.body.metadata.managedFields, undefined);
      const deployment = (await call("GET", `${path}/web`)).body;
      assert.equal(deployment.spec.replicas, 5);
      assert.equal(deployment.metadata.generation, 2);
      entries = deployment.metadata.managedFields;
      assert.equal(entries.length, 2);
      assert.deepEqual(entries[0], scaleEntry("scaler", "apps/v1"));
      assert.equal(entries[1].manager, "creator");
      assert.equal(entries[1].fieldsV1["f:spec"]["f:replicas"], undefined, "creator lost spec.replicas");
      assert.deepEqual(entries[1].fieldsV1["f:spec"]["f:revisionHistoryLimit"], {});
    });

    it("is then a conflict for an apply of the Deployment, and for another scale applier", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const path = "/apis/apps/v1/namespaces/default/deployments";
      const manifest = JSON.stringify({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web" },
        spec: { replicas: 3, selector: { matchLabels: { app: "a" } }, template: podTemplate },
      });
      const main = await call("PATCH", `${path}/web?fieldManager=deployer`, manifest, APPLY);
      assert.equal(main.code, 409);
      assert.equal(
        main.body.message,
        'Apply failed with 1 conflict: conflict with "scaler" with subresource "scale": .spec.replicas',
      );
      const other = await call("PATCH", `${path}/web/scale?fieldManager=other`, scale("web", 7), APPLY);
      assert.equal(other.code, 409);
      assert.equal(
        other.body.message,
        'Apply failed with 1 conflict: conflict with "scaler" with subresource "scale": .spec.replicas',
      );
      // The scaler applying again with a new value needs no force.
      const again = await call("PATCH", `${path}/web/scale?fieldManager=scaler`, scale("web", 6), APPLY);
      assert.equal(again.code, 200, JSON.stringify(again.body));
      assert.equal((await call("GET", `${path}/web`)).body.spec.replicas, 6);
    });

    it("works on ReplicaSets, StatefulSets and ReplicationControllers", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const selector = { matchLabels: { app: "a" } };
      const kinds = [
        ["/apis/apps/v1/namespaces/default/replicasets", "apps/v1", "ReplicaSet", { selector, template: podTemplate }],
        [
          "/apis/apps/v1/namespaces/default/statefulsets",
          "apps/v1",
          "StatefulSet",
          { selector, serviceName: "s", template: podTemplate },
        ],
        ["/api/v1/namespaces/default/replicationcontrollers", "v1", "ReplicationController", { template: podTemplate }],
      ] as const;
      for (const [path, apiVersion, kind, spec] of kinds) {
        const created = await call("POST", path, { apiVersion, kind, metadata: { name: "x" }, spec });
        assert.equal(created.code, 201, `${kind}: ${JSON.stringify(created.body)}`);
        const applied = await call("PATCH", `${path}/x/scale?fieldManager=hpa&force=true`, scale("x", 4), APPLY);
        assert.equal(applied.code, 200, `${kind}: ${JSON.stringify(applied.body)}`);
        assert.deepEqual(applied.body.spec, { replicas: 4 }, kind);
        const got = (await call("GET", `${path}/x`)).body;
        assert.equal(got.spec.replicas, 4, kind);
        assert.deepEqual(got.metadata.managedFields[0], scaleEntry("hpa", apiVersion), kind);
      }
    });

    it("works on a custom resource's scale subresource, owning its specReplicasPath", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      assert.equal((await call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", CRD)).code, 201);
      const path = "/apis/example.com/v1/namespaces/default/pools";
      await eventually(async () => assert.equal((await call("GET", path)).code, 200, "pools served"));
      const created = await call("POST", `${path}?fieldManager=maker`, {
        apiVersion: "example.com/v1",
        kind: "Pool",
        metadata: { name: "p" },
        spec: { size: 1 },
      });
      assert.equal(created.code, 201, JSON.stringify(created.body));
      const refused = await call("PATCH", `${path}/p/scale?fieldManager=hpa`, scale("p", 3), APPLY);
      assert.equal(refused.code, 409);
      assert.equal(
        refused.body.message,
        'Apply failed with 1 conflict: conflict with "maker" using autoscaling/v1: .spec.replicas',
      );
      const applied = await call("PATCH", `${path}/p/scale?fieldManager=hpa&force=true`, scale("p", 3), APPLY);
      assert.equal(applied.code, 200, JSON.stringify(applied.body));
      const pool = (await call("GET", `${path}/p`)).body;
      assert.deepEqual(pool.spec, { size: 3 });
      const [hpa, maker] = pool.metadata.managedFields;
      assert.deepEqual(hpa, scaleEntry("hpa", "example.com/v1", { "f:spec": { "f:size": {} } }));
      // The maker keeps the spec map it created, as ToParent's set difference leaves it.
      const { time: _t, ...rest } = maker;
      assert.deepEqual(rest, {
        manager: "maker",
        operation: "Update",
        apiVersion: "example.com/v1",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:spec": {} },
      });
    });

    it("refuses what kube's apply refuses: another kind, no field manager; dry run writes nothing", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const path = "/apis/apps/v1/namespaces/default/deployments/web/scale";
      const wrongKind = JSON.stringify({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } });
      const kind = await call("PATCH", `${path}?fieldManager=scaler`, wrongKind, APPLY);
      assert.equal(kind.code, 400);
      assert.equal(kind.body.message, "invalid object type: apps/v1, Kind=Deployment");
      const noManager = await call("PATCH", path, scale("web", 1), APPLY);
      assert.equal(noManager.code, 422);
      assert.equal(
        noManager.body.message,
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
      const dry = await call("PATCH", `${path}?fieldManager=scaler&dryRun=All`, scale("web", 9), APPLY);
      assert.equal(dry.code, 200, JSON.stringify(dry.body));
      assert.deepEqual(dry.body.spec, { replicas: 9 });
      assert.equal((await call("GET", "/apis/apps/v1/namespaces/default/deployments/web")).body.spec.replicas, 6);
    });
  });
}
