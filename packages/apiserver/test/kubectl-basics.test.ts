import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { CoreV1Api, KubeConfig, SchedulingV1Api, Watch } from "@kubernetes/client-node";
import { ETCD_BIN, KUBECTL, type ProcessServer, requireProgram, tempDir } from "@wharf/testing";
import type { RunningApiServer } from "../src/index.js";
import { startAdminServer } from "./support/local-server.js";

const run = promisify(execFile);
/** The kubectl to drive; WHARF_KUBECTL picks another one (e.g. to run the suite with Debian's 1.20 and a newer one). */

// The first slice of the API server, exercised by kubectl and the official
// client library, on Debian's etcd and on brain: the same suite for both.
for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: namespaces, configmaps, secrets`, () => {
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;
    const dir = tempDir("wharf-apiserver-");
    const kubeconfig = join(dir.path, "kubeconfig");
    let core: CoreV1Api;
    let kc: KubeConfig;

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      ({ store, api } = await startAdminServer(backend, dir.path));
      kc = new KubeConfig();
      kc.loadFromFile(kubeconfig);
      core = kc.makeApiClient(CoreV1Api);
    });
    after(async () => {
      await api?.close();
      await store?.stop();
      dir.remove();
    });

    const kubectl = async (...args: string[]) => {
      const r = await run(KUBECTL!, [`--kubeconfig=${kubeconfig}`, ...args]);
      return r.stdout.trim();
    };

    it("serves the system namespaces, discovery and version", async (t) => {
      if (!api) return t.skip("no backend");
      const list = await core.listNamespace();
      const names = list.items.map((n) => n.metadata?.name).sort();
      assert.deepEqual(names, ["default", "kube-node-lease", "kube-public", "kube-system"]);
      assert.equal(list.items[0]?.status?.phase, "Active");
      // kube-apiserver's two system PriorityClasses, as its bootstrap creates them.
      const classes = await kc.makeApiClient(SchedulingV1Api).listPriorityClass();
      assert.deepEqual(
        classes.items
          .map((c) => [c.metadata?.name, c.value, c.globalDefault ?? false, c.preemptionPolicy, c.description])
          .sort(),
        [
          [
            "system-cluster-critical",
            2000000000,
            false,
            "PreemptLowerPriority",
            "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
          ],
          [
            "system-node-critical",
            2000001000,
            false,
            "PreemptLowerPriority",
            "Used for system critical pods that must not be moved from their current node.",
          ],
        ],
      );
      if (!KUBECTL) {
        requireProgram(t, "/usr/bin/kubectl", "kubernetes-client");
        return;
      }
      const resources = await kubectl("api-resources", "--no-headers");
      // kubectl ≥ 1.21 prints an APIVERSION column, Debian's 1.20 an empty APIGROUP one.
      assert.match(resources, /^configmaps\s+cm\s+(v1\s+)?true\s+ConfigMap$/m);
      assert.match(resources, /^namespaces\s+ns\s+(v1\s+)?false\s+Namespace$/m);
      assert.match(await kubectl("version", "-o", "json"), /"gitVersion": "v1\.28\.0-wharf"/);
    });

    it("creates, reads, lists with selectors, updates and deletes configmaps through the client library", async (t) => {
      if (!api) return t.skip("no backend");
      await core.createNamespace({ body: { metadata: { name: "team-a" } } });
      const created = await core.createNamespacedConfigMap({
        namespace: "team-a",
        body: { metadata: { name: "settings", labels: { app: "web" } }, data: { color: "blue" } },
      });
      assert.ok(created.metadata?.uid);
      assert.ok(Number(created.metadata?.resourceVersion) > 0);
      await core.createNamespacedConfigMap({
        namespace: "team-a",
        body: { metadata: { generateName: "gen-", labels: { app: "db" } }, data: {} },
      });
      const web = await core.listNamespacedConfigMap({ namespace: "team-a", labelSelector: "app=web" });
      assert.deepEqual(
        web.items.map((c) => c.metadata?.name),
        ["settings"],
      );
      const all = await core.listNamespacedConfigMap({ namespace: "team-a" });
      assert.equal(all.items.length, 2);
      assert.match(
        all.items.find((c) => c.metadata?.labels?.app === "db")!.metadata!.name!,
        /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
      );
      // Optimistic concurrency: a stale resourceVersion is a 409 Conflict.
      const got = await core.readNamespacedConfigMap({ name: "settings", namespace: "team-a" });
      const updated = await core.replaceNamespacedConfigMap({
        name: "settings",
        namespace: "team-a",
        body: { ...got, data: { color: "green" } },
      });
      assert.equal(updated.data?.color, "green");
      await assert.rejects(
        core.replaceNamespacedConfigMap({
          name: "settings",
          namespace: "team-a",
          body: { ...got, data: { color: "red" } },
        }),
        (e: { code?: number; body?: string }) => e.code === 409 && /the object has been modified/.test(String(e.body)),
      );
      // Duplicates and missing namespaces get kube-apiserver's errors.
      await assert.rejects(
        core.createNamespacedConfigMap({ namespace: "team-a", body: { metadata: { name: "settings" } } }),
        (e: { code?: number; body?: string }) =>
          e.code === 409 && JSON.parse(String(e.body)).message === 'configmaps "settings" already exists',
      );
      await assert.rejects(
        core.createNamespacedConfigMap({ namespace: "nope", body: { metadata: { name: "x" } } }),
        (e: { code?: number; body?: string }) =>
          e.code === 404 && JSON.parse(String(e.body)).message === 'namespaces "nope" not found',
      );
      await core.deleteNamespacedConfigMap({ name: "settings", namespace: "team-a" });
      await assert.rejects(
        core.readNamespacedConfigMap({ name: "settings", namespace: "team-a" }),
        (e: { code?: number; body?: string }) =>
          e.code === 404 && JSON.parse(String(e.body)).message === 'configmaps "settings" not found',
      );
    });

    it("paginates lists with limit and continue", async (t) => {
      if (!api) return t.skip("no backend");
      await core.createNamespace({ body: { metadata: { name: "paged" } } });
      for (let i = 0; i < 7; i++) {
        await core.createNamespacedConfigMap({ namespace: "paged", body: { metadata: { name: `cm-${i}` } } });
      }
      const seen: string[] = [];
      let cont: string | undefined;
      let pages = 0;
      do {
        const page = await core.listNamespacedConfigMap({ namespace: "paged", limit: 3, _continue: cont });
        seen.push(...page.items.map((c) => c.metadata!.name!));
        cont = page.metadata?._continue;
        if (cont) assert.equal(page.metadata?.remainingItemCount, 7 - seen.length);
        pages++;
      } while (cont);
      assert.equal(pages, 3);
      assert.deepEqual(
        seen,
        Array.from({ length: 7 }, (_, i) => `cm-${i}`),
      );
    });

    it("streams watch events, from a resourceVersion, with selectors", async (t) => {
      if (!api) return t.skip("no backend");
      await core.createNamespace({ body: { metadata: { name: "watched" } } });
      const start = await core.listNamespacedConfigMap({ namespace: "watched" });
      const events: string[] = [];
      const w = new Watch(kc);
      let done!: () => void;
      const finished = new Promise<void>((r) => {
        done = r;
      });
      const req = await w.watch(
        "/api/v1/namespaces/watched/configmaps",
        { resourceVersion: start.metadata!.resourceVersion, labelSelector: "tier=front" },
        (type, obj) => {
          events.push(`${type} ${obj.metadata.name} ${obj.metadata.labels?.tier ?? "-"}`);
          if (events.length === 4) done();
        },
        () => done(),
      );
      await core.createNamespacedConfigMap({
        namespace: "watched",
        body: { metadata: { name: "a", labels: { tier: "front" } } },
      });
      await core.createNamespacedConfigMap({
        namespace: "watched",
        body: { metadata: { name: "b", labels: { tier: "back" } } },
      });
      const a = await core.readNamespacedConfigMap({ name: "a", namespace: "watched" });
      await core.replaceNamespacedConfigMap({
        name: "a",
        namespace: "watched",
        body: { ...a, metadata: { ...a.metadata, labels: { tier: "back" } } },
      });
      const b = await core.readNamespacedConfigMap({ name: "b", namespace: "watched" });
      await core.replaceNamespacedConfigMap({
        name: "b",
        namespace: "watched",
        body: { ...b, metadata: { ...b.metadata, labels: { tier: "front" } } },
      });
      await core.deleteNamespacedConfigMap({ name: "b", namespace: "watched" });
      await finished;
      req.abort();
      // An object leaving the selector arrives as DELETED, one entering it as ADDED.
      assert.deepEqual(events, ["ADDED a front", "DELETED a back", "ADDED b front", "DELETED b front"]);
    });

    it("kubectl creates, gets, labels and deletes", async (t) => {
      if (!api) return t.skip("no backend");
      if (!KUBECTL && !requireProgram(t, "/usr/bin/kubectl", "kubernetes-client")) return;
      assert.equal(await kubectl("create", "namespace", "cli"), "namespace/cli created");
      assert.equal(
        await kubectl("create", "configmap", "conf", "-n", "cli", "--from-literal=a=1", "--from-literal=b=2"),
        "configmap/conf created",
      );
      assert.match(await kubectl("get", "configmaps", "-n", "cli"), /^NAME\s+DATA\s+AGE\nconf\s+2\s+\d+s$/);
      assert.equal(await kubectl("get", "cm", "conf", "-n", "cli", "-o", "jsonpath={.data.b}"), "2");
      assert.match(await kubectl("get", "ns", "cli"), /^NAME\s+STATUS\s+AGE\ncli\s+Active\s+\d+s$/);
      assert.equal(await kubectl("label", "cm", "conf", "-n", "cli", "env=prod"), "configmap/conf labeled");
      assert.equal(await kubectl("get", "cm", "-n", "cli", "-l", "env=prod", "-o", "name"), "configmap/conf");
      assert.equal(await kubectl("delete", "cm", "conf", "-n", "cli"), 'configmap "conf" deleted');
      // `auth whoami` exists from kubectl 1.27 on; Debian's 1.20 lacks it (authentication.test.ts covers the API).
      const whoami = await kubectl("auth", "whoami").catch((e: { stderr?: string }) => String(e.stderr));
      if (!/unknown command|unknown flag|Unknown/.test(whoami)) {
        assert.match(
          whoami,
          /^ATTRIBUTE\s+VALUE\nUsername\s+admin\nUID\s+1\nGroups\s+\[system:masters system:authenticated\]$/,
        );
      }
      assert.equal(await kubectl("get", "cm", "-n", "cli", "-o", "name"), "");
      // kubectl waits until the terminating namespace is gone.
      assert.equal(await kubectl("delete", "namespace", "cli"), 'namespace "cli" deleted');
      await assert.rejects(kubectl("get", "namespace", "cli"), /NotFound|not found/);
    });
  });
}
