import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  type ListWatch,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
  type V1Secret,
} from "@kubernetes/client-node";
import { ETCD_BIN, type ProcessServer, requireProgram, startBrain, startEtcd, tempDir } from "@wharf/testing";
import { type RunningApiServer, startApiServer } from "../src/index.js";
import { ADMIN_TOKEN, adminRequest, localServerOptions, writeAdminKubeconfig } from "./support/local-server.js";

// The official JavaScript client (@kubernetes/client-node 1.4) against the
// server, on Debian's etcd and on brain: typed CRUD through CoreV1Api and
// AppsV1Api with kube's defaults, resourceVersions and conflicts; an
// informer that stays in sync through 1,000 updates, and that relists when
// its watch fails with 410 Expired; server-side apply through
// KubernetesObjectApi with managedFields.

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON bodies.
type Json = any;

const NS = "proof";
/** Secrets get a small watch cache window (and it does not grow), so a stopped informer's position expires. */
const SECRET_WINDOW = 10;

/** Whether a client call failed with `code` and a Status whose message is `message`. */
const failedWith = (code: number, message: string) => (e: { code?: number; body?: unknown }) => {
  assert.equal(e.code, code, String(e.body ?? e));
  assert.equal(JSON.parse(String(e.body)).message, message);
  return true;
};

const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const strategicPatch = setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch);

/** Runs `count` tasks, `width` at a time. */
async function bounded(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** Polls `check` until it returns true; `what` says what never happened. */
async function until(what: () => string, check: () => boolean | Promise<boolean>, tries = 600): Promise<void> {
  for (let i = 0; ; i++) {
    if (await check()) return;
    assert.ok(i < tries, `never: ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A typed model as plain JSON (the client's models carry every attribute, undefined ones too). */
const plain = (v: unknown): Json => JSON.parse(JSON.stringify(v));

/** name → resourceVersion of a list's items. */
const versions = (items: readonly KubernetesObject[]) =>
  Object.fromEntries(items.map((o) => [o.metadata!.name!, o.metadata!.resourceVersion!]).sort());

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: @kubernetes/client-node 1.4`, () => {
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;
    const dir = tempDir("wharf-client-node-");
    let kc: KubeConfig;
    let core: CoreV1Api;
    let apps: AppsV1Api;

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      store = backend === "etcd" ? await startEtcd() : await startBrain();
      const tokens = join(dir.path, "tokens.csv");
      writeFileSync(tokens, `${ADMIN_TOKEN},admin,1,"system:masters"\n`);
      api = await startApiServer(
        localServerOptions(store.url, dir.path, {
          tokenAuthFile: tokens,
          watchCacheSizes: [`secrets#${SECRET_WINDOW}`],
          watchCacheEventFreshMs: 0,
        }),
      );
      const kubeconfig = join(dir.path, "kubeconfig");
      writeAdminKubeconfig(kubeconfig, api.url);
      kc = new KubeConfig();
      kc.loadFromFile(kubeconfig);
      core = kc.makeApiClient(CoreV1Api);
      apps = kc.makeApiClient(AppsV1Api);
      await core.createNamespace({ body: { metadata: { name: NS } } });
    });
    after(async () => {
      await api?.close();
      await store?.stop();
      dir.remove();
    });
    const ready = (t: { skip(m: string): void }) => {
      if (!api) t.skip("no backend");
      return api !== undefined;
    };

    it("ConfigMaps and Secrets: create, read, list, replace, patch, delete; 409 on a stale update", async (t) => {
      if (!ready(t)) return;
      const created = await core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name: "settings", labels: { app: "web" } }, data: { color: "blue" } },
      });
      assert.equal(created.metadata?.namespace, NS);
      assert.match(
        created.metadata?.uid ?? "",
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      assert.ok(created.metadata?.creationTimestamp instanceof Date);
      assert.equal(created.metadata?.managedFields?.[0]?.operation, "Update");
      const rv0 = Number(created.metadata?.resourceVersion);
      assert.ok(rv0 > 0);
      const read = await core.readNamespacedConfigMap({ name: "settings", namespace: NS });
      assert.deepEqual(read, created);
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: "other" }, data: {} } });
      const listed = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: "app=web" });
      assert.deepEqual(
        listed.items.map((c) => c.metadata?.name),
        ["settings"],
      );
      assert.ok(Number(listed.metadata?.resourceVersion) >= rv0);

      const replaced = await core.replaceNamespacedConfigMap({
        name: "settings",
        namespace: NS,
        body: { ...read, data: { color: "green" } },
      });
      const rv1 = Number(replaced.metadata?.resourceVersion);
      assert.ok(rv1 > rv0, `${rv1} > ${rv0}`);
      assert.equal(replaced.metadata?.uid, created.metadata?.uid);
      assert.deepEqual(replaced.data, { color: "green" });
      // The read copy is stale now.
      await assert.rejects(
        core.replaceNamespacedConfigMap({ name: "settings", namespace: NS, body: { ...read, data: { color: "red" } } }),
        failedWith(
          409,
          'Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again',
        ),
      );
      assert.deepEqual((await core.readNamespacedConfigMap({ name: "settings", namespace: NS })).data, {
        color: "green",
      });

      // A JSON patch (the client's default patch type), then a merge patch.
      const jsonPatched = await core.patchNamespacedConfigMap({
        name: "settings",
        namespace: NS,
        body: [{ op: "add", path: "/data/size", value: "xl" }],
      });
      assert.deepEqual(jsonPatched.data, { color: "green", size: "xl" });
      const merged = await core.patchNamespacedConfigMap(
        { name: "settings", namespace: NS, body: { data: { color: null, shape: "round" } } },
        mergePatch,
      );
      assert.deepEqual(merged.data, { size: "xl", shape: "round" });
      assert.ok(Number(merged.metadata?.resourceVersion) > Number(jsonPatched.metadata?.resourceVersion));
      // A patch naming a stale resourceVersion conflicts too.
      await assert.rejects(
        core.patchNamespacedConfigMap(
          { name: "settings", namespace: NS, body: { metadata: { resourceVersion: String(rv1) }, data: { x: "1" } } },
          mergePatch,
        ),
        failedWith(
          409,
          'Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again',
        ),
      );

      // Secrets: stringData is folded into data (base64), the type defaults to Opaque and may not change.
      const secret = await core.createNamespacedSecret({
        namespace: NS,
        body: { metadata: { name: "creds" }, stringData: { user: "admin" }, data: { pass: "c2VjcmV0" } },
      });
      assert.equal(secret.type, "Opaque");
      assert.deepEqual(secret.data, { user: Buffer.from("admin").toString("base64"), pass: "c2VjcmV0" });
      assert.equal(secret.stringData, undefined);
      await assert.rejects(
        core.replaceNamespacedSecret({ name: "creds", namespace: NS, body: { ...secret, type: "example.com/other" } }),
        failedWith(422, 'Secret "creds" is invalid: type: Invalid value: "example.com/other": field is immutable'),
      );
      const rotated = await core.replaceNamespacedSecret({
        name: "creds",
        namespace: NS,
        body: { ...secret, data: { pass: "bmV3" } },
      });
      assert.deepEqual(rotated.data, { pass: "bmV3" });
      assert.ok(Number(rotated.metadata?.resourceVersion) > Number(secret.metadata?.resourceVersion));
      await assert.rejects(
        core.replaceNamespacedSecret({ name: "creds", namespace: NS, body: { ...secret, data: {} } }),
        failedWith(
          409,
          'Operation cannot be fulfilled on secrets "creds": the object has been modified; please apply your changes to the latest version and try again',
        ),
      );

      // Deletes: a Status for ConfigMaps and Secrets; afterwards 404.
      const deleted = (await core.deleteNamespacedConfigMap({ name: "settings", namespace: NS })) as Json;
      assert.equal(deleted.status, "Success");
      assert.deepEqual(plain(deleted.details), { name: "settings", kind: "configmaps", uid: created.metadata?.uid });
      await core.deleteNamespacedSecret({ name: "creds", namespace: NS });
      await assert.rejects(
        core.readNamespacedConfigMap({ name: "settings", namespace: NS }),
        failedWith(404, 'configmaps "settings" not found'),
      );
      await assert.rejects(
        core.readNamespacedSecret({ name: "creds", namespace: NS }),
        failedWith(404, 'secrets "creds" not found'),
      );
      await core.deleteNamespacedConfigMap({ name: "other", namespace: NS });
      assert.deepEqual((await core.listNamespacedConfigMap({ namespace: NS })).items, []);
    });

    it("Services and Deployments: kube's defaults, generation, strategic merge patches, 409", async (t) => {
      if (!ready(t)) return;
      const svc = await core.createNamespacedService({
        namespace: NS,
        body: { metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80 }] } },
      });
      assert.equal(svc.spec?.type, "ClusterIP");
      assert.match(svc.spec?.clusterIP ?? "", /^10\.0\.0\.(\d+)$/);
      assert.notEqual(svc.spec?.clusterIP, "10.0.0.1", "the kubernetes Service's address");
      assert.deepEqual(svc.spec?.clusterIPs, [svc.spec?.clusterIP]);
      assert.deepEqual(svc.spec?.ipFamilies, ["IPv4"]);
      assert.equal(svc.spec?.ipFamilyPolicy, "SingleStack");
      assert.equal(svc.spec?.sessionAffinity, "None");
      assert.equal(svc.spec?.internalTrafficPolicy, "Cluster");
      assert.deepEqual(plain(svc.spec?.ports), [{ name: "http", port: 80, protocol: "TCP", targetPort: 80 }]);
      const labelled = await core.patchNamespacedService(
        {
          name: "web",
          namespace: NS,
          body: {
            metadata: { labels: { tier: "front" } },
            spec: { ports: [{ port: 80, name: "http", targetPort: 8080 }] },
          },
        },
        strategicPatch,
      );
      assert.deepEqual(labelled.metadata?.labels, { tier: "front" });
      assert.deepEqual(plain(labelled.spec?.ports), [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }]);
      assert.equal(labelled.spec?.clusterIP, svc.spec?.clusterIP);
      await assert.rejects(
        core.replaceNamespacedService({
          name: "web",
          namespace: NS,
          body: { ...svc, spec: { ...svc.spec, clusterIP: "10.0.0.250", clusterIPs: ["10.0.0.250"] } },
        }),
        failedWith(
          409,
          `Operation cannot be fulfilled on services "web": the object has been modified; please apply your changes to the latest version and try again`,
        ),
      );
      const gone = await core.deleteNamespacedService({ name: "web", namespace: NS });
      // Services answer a delete with the object itself.
      assert.equal(gone.metadata?.name, "web");
      assert.equal(gone.kind, "Service");

      const deployment = await apps.createNamespacedDeployment({
        namespace: NS,
        body: {
          metadata: { name: "web" },
          spec: {
            selector: { matchLabels: { app: "web" } },
            template: {
              metadata: { labels: { app: "web" } },
              spec: { containers: [{ name: "nginx", image: "nginx:1.25" }] },
            },
          },
        },
      });
      assert.equal(deployment.metadata?.generation, 1);
      assert.equal(deployment.spec?.replicas, 1);
      assert.equal(deployment.spec?.revisionHistoryLimit, 10);
      assert.equal(deployment.spec?.progressDeadlineSeconds, 600);
      assert.deepEqual(plain(deployment.spec?.strategy), {
        type: "RollingUpdate",
        rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
      });
      const pod = deployment.spec?.template.spec;
      assert.equal(pod?.restartPolicy, "Always");
      assert.equal(pod?.dnsPolicy, "ClusterFirst");
      assert.equal(pod?.schedulerName, "default-scheduler");
      assert.equal(pod?.terminationGracePeriodSeconds, 30);
      assert.equal(pod?.containers[0]?.imagePullPolicy, "IfNotPresent");
      assert.equal(pod?.containers[0]?.terminationMessagePath, "/dev/termination-log");
      assert.equal(pod?.containers[0]?.terminationMessagePolicy, "File");

      const scaled = await apps.replaceNamespacedDeployment({
        name: "web",
        namespace: NS,
        body: { ...deployment, spec: { ...deployment.spec!, replicas: 3 } },
      });
      assert.equal(scaled.spec?.replicas, 3);
      assert.equal(scaled.metadata?.generation, 2);
      assert.ok(Number(scaled.metadata?.resourceVersion) > Number(deployment.metadata?.resourceVersion));
      await assert.rejects(
        apps.replaceNamespacedDeployment({
          name: "web",
          namespace: NS,
          body: { ...deployment, spec: { ...deployment.spec!, replicas: 5 } },
        }),
        failedWith(
          409,
          'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
        ),
      );
      // Containers merge by name: the image changes, nothing is added.
      const patched = await apps.patchNamespacedDeployment(
        {
          name: "web",
          namespace: NS,
          body: { spec: { template: { spec: { containers: [{ name: "nginx", image: "nginx:1.26" }] } } } },
        },
        strategicPatch,
      );
      assert.equal(patched.spec?.template.spec?.containers.length, 1);
      assert.equal(patched.spec?.template.spec?.containers[0]?.image, "nginx:1.26");
      assert.equal(patched.spec?.template.spec?.containers[0]?.imagePullPolicy, "IfNotPresent");
      assert.equal(patched.metadata?.generation, 3);
      // Labels and annotations do not move the generation.
      const annotated = await apps.patchNamespacedDeployment(
        { name: "web", namespace: NS, body: { metadata: { annotations: { note: "x" } } } },
        mergePatch,
      );
      assert.equal(annotated.metadata?.generation, 3);
      const list = await apps.listNamespacedDeployment({ namespace: NS });
      assert.deepEqual(versions(list.items), { web: annotated.metadata?.resourceVersion });
      await apps.deleteNamespacedDeployment({ name: "web", namespace: NS });
      await assert.rejects(
        apps.readNamespacedDeployment({ name: "web", namespace: NS }),
        failedWith(404, 'deployments.apps "web" not found'),
      );
    });

    it("an informer stays in sync through 1,000 updates, with every handler called exactly", async (t) => {
      if (!ready(t)) return;
      const ns = "informed";
      await core.createNamespace({ body: { metadata: { name: ns } } });
      const OBJECTS = 20;
      const UPDATES = 1000;
      for (let i = 0; i < OBJECTS; i++) {
        await core.createNamespacedConfigMap({
          namespace: ns,
          body: { metadata: { name: `cm-${i}` }, data: { n: "0" } },
        });
      }
      const informer = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${ns}/configmaps`, () =>
        core.listNamespacedConfigMap({ namespace: ns }),
      );
      const adds: string[] = [];
      const deletes: string[] = [];
      /** name → the n of each update seen, in order. */
      const updates = new Map<string, string[]>();
      const errors: unknown[] = [];
      informer.on("add", (o) => adds.push(o.metadata!.name!));
      informer.on("update", (o) => {
        const seen = updates.get(o.metadata!.name!) ?? [];
        seen.push(o.data!.n!);
        updates.set(o.metadata!.name!, seen);
      });
      informer.on("delete", (o) => deletes.push(o.metadata!.name!));
      informer.on("error", (e) => errors.push(e));
      // start() returns once the list is cached and the watch has its response headers.
      await informer.start();
      try {
        assert.equal(adds.length, OBJECTS);

        // 1,000 updates, 50 per object, 8 at a time (each object written by one worker at a time), plus
        // 5 creates and 3 deletes in between.
        const rv = new Map<string, string>();
        const perObject = UPDATES / OBJECTS;
        const counters = new Map<string, number>();
        await bounded(OBJECTS, 8, async (i) => {
          const name = `cm-${i}`;
          for (let n = 1; n <= perObject; n++) {
            const updated = await core.replaceNamespacedConfigMap({
              name,
              namespace: ns,
              body: {
                metadata: { name, ...(rv.has(name) ? { resourceVersion: rv.get(name) } : {}) },
                data: { n: String(n) },
              },
            });
            rv.set(name, updated.metadata!.resourceVersion!);
            counters.set(name, n);
            if (i < 5 && n === perObject / 2) {
              await core.createNamespacedConfigMap({
                namespace: ns,
                body: { metadata: { name: `new-${i}` }, data: { n: "0" } },
              });
            }
            if (i < 3 && n === perObject) await core.deleteNamespacedConfigMap({ name: `new-${i}`, namespace: ns });
          }
        });
        const fresh = await core.listNamespacedConfigMap({ namespace: ns });
        const expected = versions(fresh.items);
        assert.equal(Object.keys(expected).length, OBJECTS + 2);
        let total = 0;
        await until(
          () => `informer in sync: ${JSON.stringify({ adds: adds.length, deletes: deletes.length, total })}`,
          () => {
            total = [...updates.values()].reduce((s, u) => s + u.length, 0);
            return (
              total >= UPDATES && deletes.length >= 3 && Object.keys(versions(informer.list(ns))).length === OBJECTS + 2
            );
          },
        );
        // The cache is the fresh list: the same objects at the same resourceVersions, with their data.
        assert.deepEqual(versions(informer.list(ns)), expected);
        for (const item of fresh.items) {
          assert.deepEqual(informer.get(item.metadata!.name!, ns)?.data, item.data, item.metadata!.name!);
        }
        // Every handler exactly: 20 listed + 5 created, 3 deleted, each update once and in order.
        assert.deepEqual(
          adds.sort(),
          [...Array.from({ length: OBJECTS }, (_, i) => `cm-${i}`), ...[0, 1, 2, 3, 4].map((i) => `new-${i}`)].sort(),
        );
        assert.deepEqual(deletes.sort(), ["new-0", "new-1", "new-2"]);
        assert.equal(total, UPDATES);
        for (let i = 0; i < OBJECTS; i++) {
          assert.deepEqual(
            updates.get(`cm-${i}`),
            Array.from({ length: perObject }, (_, n) => String(n + 1)),
            `cm-${i}'s updates`,
          );
        }
        assert.deepEqual(errors, []);
      } finally {
        await informer.stop();
      }
    });

    it("an informer whose watch position expired (410) relists and is in sync again", async (t) => {
      if (!ready(t)) return;
      const ns = "expiring";
      await core.createNamespace({ body: { metadata: { name: ns } } });
      for (const name of ["s0", "s1", "s2"]) {
        await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name }, stringData: { v: "0" } } });
      }
      let lists = 0;
      const informer = makeInformer<V1Secret>(kc, `/api/v1/namespaces/${ns}/secrets`, () => {
        lists++;
        return core.listNamespacedSecret({ namespace: ns });
      });
      const counts = { add: 0, update: 0, delete: 0, connect: 0 };
      const deleted: string[] = [];
      informer.on("add", () => counts.add++);
      informer.on("update", () => counts.update++);
      informer.on("delete", (o) => {
        counts.delete++;
        deleted.push(o.metadata!.name!);
      });
      informer.on("connect", () => counts.connect++);
      await informer.start();
      assert.equal(lists, 1);
      assert.deepEqual(counts, { add: 3, update: 0, delete: 0, connect: 1 });
      const position = (informer as unknown as ListWatch<V1Secret>).latestResourceVersion();
      // The informer is away while more than the window's worth of events happens.
      await informer.stop();
      for (let n = 1; n <= SECRET_WINDOW; n++) {
        for (const name of ["s0", "s1"]) {
          await core.patchNamespacedSecret({ name, namespace: ns, body: { stringData: { v: String(n) } } }, mergePatch);
        }
      }
      await core.deleteNamespacedSecret({ name: "s2", namespace: ns });
      await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "s3" }, stringData: { v: "0" } } });

      // A watch from its position is 410 Expired (a 200 stream with one ERROR event), as from kube's watch cache.
      const raw = await adminRequest(
        api!.url,
        "GET",
        `/api/v1/namespaces/${ns}/secrets?watch=true&resourceVersion=${position}`,
      );
      assert.equal(raw.code, 200);
      const lines = raw.body.toString("utf8").trim().split("\n");
      assert.equal(lines.length, 1, raw.body.toString("utf8"));
      const event = JSON.parse(lines[0]!);
      assert.equal(event.type, "ERROR");
      assert.equal(event.object.code, 410);
      assert.equal(event.object.reason, "Expired");
      assert.match(event.object.message, new RegExp(`^too old resource version: ${position} \\(\\d+\\)$`));

      // Restarted, the informer watches from there, gets the 410, relists and watches again.
      await informer.start();
      const fresh = await core.listNamespacedSecret({ namespace: ns });
      await until(
        () => `relisted and in sync: lists ${lists}, ${JSON.stringify(counts)}`,
        () =>
          lists === 2 &&
          counts.connect === 3 &&
          JSON.stringify(versions(informer.list(ns))) === JSON.stringify(versions(fresh.items)),
      );
      try {
        assert.deepEqual(versions(informer.list(ns)), versions(fresh.items));
        assert.deepEqual(Object.keys(versions(informer.list(ns))), ["s0", "s1", "s3"]);
        // The relist's differences, once each: s3 added, s0 and s1 updated, s2 deleted (not 20 replayed updates).
        assert.deepEqual(counts, { add: 4, update: 2, delete: 1, connect: 3 });
        assert.deepEqual(deleted, ["s2"]);
        assert.equal(informer.get("s0", ns)?.data?.v, Buffer.from(String(SECRET_WINDOW)).toString("base64"));
        // And it follows live events again.
        await core.patchNamespacedSecret(
          { name: "s3", namespace: ns, body: { stringData: { v: "live" } } },
          mergePatch,
        );
        await until(
          () => `live update after the relist: ${JSON.stringify(counts)}`,
          () => counts.update === 3,
        );
        assert.equal(informer.get("s3", ns)?.data?.v, Buffer.from("live").toString("base64"));
        assert.equal(lists, 2);
      } finally {
        await informer.stop();
      }
    });

    it("server-side apply through KubernetesObjectApi: create, update, managedFields, conflicts", async (t) => {
      if (!ready(t)) return;
      const client = KubernetesObjectApi.makeApiClient(kc);
      const config = (data: Record<string, string>) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "applied", namespace: NS, labels: { owner: "proof" } },
        data,
      });
      const apply = (data: Record<string, string>, force?: boolean) =>
        client.patch(config(data), undefined, undefined, "proof-manager", force, PatchStrategy.ServerSideApply);
      const created = (await apply({ a: "1" })) as V1ConfigMap;
      assert.deepEqual(created.data, { a: "1" });
      assert.ok(created.metadata?.uid);
      const entries = (o: V1ConfigMap) =>
        (o.metadata?.managedFields ?? []).map((m) => ({
          manager: m.manager,
          operation: m.operation,
          apiVersion: m.apiVersion,
          fieldsType: m.fieldsType,
          fieldsV1: m.fieldsV1,
        }));
      assert.deepEqual(entries(created), [
        {
          manager: "proof-manager",
          operation: "Apply",
          apiVersion: "v1",
          fieldsType: "FieldsV1",
          fieldsV1: { "f:data": { "f:a": {} }, "f:metadata": { "f:labels": { "f:owner": {} } } },
        },
      ]);
      assert.ok(created.metadata?.managedFields?.[0]?.time instanceof Date);

      // Applying again with another field: updated in place, the manager owns both.
      const updated = (await apply({ a: "1", b: "2" })) as V1ConfigMap;
      assert.equal(updated.metadata?.uid, created.metadata?.uid);
      assert.ok(Number(updated.metadata?.resourceVersion) > Number(created.metadata?.resourceVersion));
      assert.deepEqual(updated.data, { a: "1", b: "2" });
      assert.deepEqual(entries(updated)[0]?.fieldsV1, {
        "f:data": { "f:a": {}, "f:b": {} },
        "f:metadata": { "f:labels": { "f:owner": {} } },
      });
      // An applied configuration that no longer has a field removes it.
      const dropped = (await apply({ a: "1" })) as V1ConfigMap;
      assert.deepEqual(dropped.data, { a: "1" });

      // Another manager changes data.a with a plain update: it owns that field now…
      const other = await core.patchNamespacedConfigMap(
        { name: "applied", namespace: NS, body: { data: { a: "other" } }, fieldManager: "other-manager" },
        mergePatch,
      );
      assert.deepEqual(entries(other), [
        {
          manager: "proof-manager",
          operation: "Apply",
          apiVersion: "v1",
          fieldsType: "FieldsV1",
          fieldsV1: { "f:metadata": { "f:labels": { "f:owner": {} } } },
        },
        {
          manager: "other-manager",
          operation: "Update",
          apiVersion: "v1",
          fieldsType: "FieldsV1",
          fieldsV1: { "f:data": { "f:a": {} } },
        },
      ]);
      // …so applying a different value conflicts, and force takes it back.
      await assert.rejects(
        apply({ a: "mine" }),
        failedWith(409, 'Apply failed with 1 conflict: conflict with "other-manager" using v1: .data.a'),
      );
      const forced = (await apply({ a: "mine" }, true)) as V1ConfigMap;
      assert.deepEqual(forced.data, { a: "mine" });
      assert.deepEqual(
        entries(forced).map((e) => [e.manager, e.operation, e.fieldsV1]),
        [["proof-manager", "Apply", { "f:data": { "f:a": {} }, "f:metadata": { "f:labels": { "f:owner": {} } } }]],
      );
      const read = await client.read({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "applied", namespace: NS },
      });
      assert.equal(read.metadata?.resourceVersion, forced.metadata?.resourceVersion);
    });
  });
}
