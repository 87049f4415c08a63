import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { type ProcessServer, startBrain, tempDir } from "@wharf/testing";
import { type RunningApiServer, startApiServer } from "../src/index.js";
import { localServerOptions } from "./support/local-server.js";

function client(url: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "w", server: url, skipTLSVerify: true }],
    users: [{ name: "a" }],
    contexts: [{ name: "w", cluster: "w", user: "a" }],
    currentContext: "w",
  });
  return kc.makeApiClient(CoreV1Api);
}

const message = (e: unknown) => JSON.parse(String((e as { body?: string }).body)).message as string;

describe("namespace lifecycle", () => {
  let brain: ProcessServer | undefined;
  let finalizing: RunningApiServer;
  let frozen: RunningApiServer;
  const dir = tempDir("wharf-ns-");

  before(async () => {
    brain = await startBrain();
    const o = localServerOptions(brain.url, dir.path, { anonymousAuth: true });
    finalizing = await startApiServer(o);
    // A second server on another prefix that never finalizes, so Terminating can be observed.
    frozen = await startApiServer({ ...o, etcdPrefix: "/frozen", finalizeNamespaces: false });
  });
  after(async () => {
    await finalizing?.close();
    await frozen?.close();
    await brain?.stop();
    dir.remove();
  });

  it("deleting a namespace removes its contents, then the namespace", async () => {
    const core = client(finalizing.url);
    await core.createNamespace({ body: { metadata: { name: "doomed" } } });
    for (const n of ["a", "b", "c"]) {
      await core.createNamespacedConfigMap({ namespace: "doomed", body: { metadata: { name: n } } });
    }
    await core.createNamespacedSecret({ namespace: "doomed", body: { metadata: { name: "s" }, type: "Opaque" } });
    await core.deleteNamespace({ name: "doomed" });
    for (let i = 0; i < 100; i++) {
      const gone = await core.readNamespace({ name: "doomed" }).then(
        () => false,
        (e: { code?: number }) => e.code === 404,
      );
      if (gone) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await assert.rejects(core.readNamespace({ name: "doomed" }), (e: { code?: number }) => e.code === 404);
    // Recreated, it is empty: nothing of the old contents is left behind in etcd.
    await core.createNamespace({ body: { metadata: { name: "doomed" } } });
    assert.equal((await core.listNamespacedConfigMap({ namespace: "doomed" })).items.length, 0);
    assert.equal((await core.listNamespacedSecret({ namespace: "doomed" })).items.length, 0);
  });

  it("refuses new content in a terminating namespace and keeps its deletionTimestamp", async () => {
    const core = client(frozen.url);
    await core.createNamespace({ body: { metadata: { name: "closing" } } });
    await core.deleteNamespace({ name: "closing" });
    const terminating = await core.readNamespace({ name: "closing" });
    const stamp = terminating.metadata?.deletionTimestamp;
    assert.ok(stamp, "a terminating namespace has a deletionTimestamp");
    assert.equal(terminating.status?.phase, "Terminating");
    await assert.rejects(
      core.createNamespacedConfigMap({ namespace: "closing", body: { metadata: { name: "late" } } }),
      (e: { code?: number }) =>
        e.code === 403 &&
        message(e) ===
          'configmaps "late" is forbidden: unable to create new content in namespace closing because it is being terminated',
    );
    // A client's update cannot clear the server's deletionTimestamp.
    const ns = await core.readNamespace({ name: "closing" });
    const updated = await core.replaceNamespace({
      name: "closing",
      body: { ...ns, metadata: { ...ns.metadata, deletionTimestamp: undefined, labels: { x: "y" } } },
    });
    assert.deepEqual(updated.metadata?.deletionTimestamp, stamp);
    assert.equal(updated.metadata?.labels?.x, "y");
  });

  it("refuses to delete the system namespaces", async () => {
    const core = client(finalizing.url);
    for (const name of ["default", "kube-system", "kube-public"]) {
      await assert.rejects(
        core.deleteNamespace({ name }),
        (e: { code?: number }) =>
          e.code === 403 && message(e) === `namespaces "${name}" is forbidden: this namespace may not be deleted`,
      );
    }
  });
});
