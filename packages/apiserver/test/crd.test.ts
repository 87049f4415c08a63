import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { ETCD_BIN, eventually, KUBECTL, type ProcessServer, requireProgram, tempDir } from "@wharf/testing";
import { type RunningApiServer, startApiServer } from "../src/index.js";
import { ADMIN_TOKEN, localServerOptions, startAdminServer, writeAdminKubeconfig } from "./support/local-server.js";

const run = promisify(execFile);

// CustomResourceDefinitions end to end, through kubectl and raw HTTP, on a
// real etcd and on brain: a CRD stored with `kubectl apply` is served within
// a second (by a second apiserver on the same etcd too), its custom
// resources are validated, pruned and defaulted by the schema, have status
// and scale subresources and printer columns, a second version is served
// with apiVersion rewritten, and deleting the CRD deletes its instances.

const CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "crontabs.stable.example.com" },
  spec: {
    group: "stable.example.com",
    scope: "Namespaced",
    names: { plural: "crontabs", singular: "crontab", kind: "CronTab", shortNames: ["ct"], categories: ["all"] },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["cronSpec"],
                properties: {
                  cronSpec: { type: "string", pattern: "^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$" },
                  image: { type: "string", maxLength: 20 },
                  replicas: { type: "integer", minimum: 0, maximum: 10, default: 1 },
                  color: { type: "string", enum: ["red", "green"] },
                  port: { "x-kubernetes-int-or-string": true },
                  extra: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                  tags: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
                  template: {
                    type: "object",
                    "x-kubernetes-embedded-resource": true,
                    "x-kubernetes-preserve-unknown-fields": true,
                  },
                },
              },
              status: {
                type: "object",
                properties: { replicas: { type: "integer" }, selector: { type: "string" }, phase: { type: "string" } },
              },
            },
          },
        },
        subresources: {
          status: {},
          scale: {
            specReplicasPath: ".spec.replicas",
            statusReplicasPath: ".status.replicas",
            labelSelectorPath: ".status.selector",
          },
        },
        additionalPrinterColumns: [
          { name: "Spec", type: "string", jsonPath: ".spec.cronSpec" },
          { name: "Replicas", type: "integer", jsonPath: ".spec.replicas" },
          { name: "Phase", type: "string", jsonPath: ".status.phase", priority: 1 },
        ],
      },
      {
        name: "v1beta1",
        served: true,
        storage: false,
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
      },
      {
        name: "v0",
        served: false,
        storage: false,
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
      },
    ],
  },
};

/** A cluster-scoped CRD without subresources or printer columns (default AGE column). */
const CLUSTER_CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.org" },
  spec: {
    group: "example.org",
    scope: "Cluster",
    names: { plural: "widgets", kind: "Widget" },
    versions: [
      {
        name: "v1alpha1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: { spec: { type: "object", properties: { size: { type: "integer" } } } },
          },
        },
      },
    ],
  },
};

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function call(api: RunningApiServer, method: string, path: string, body?: unknown, headers = {}): Promise<Answer> {
  const url = new URL(path, api.url);
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        rejectUnauthorized: false,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(text ? { "content-type": "application/json" } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks).toString();
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(raw);
          } catch {
            parsed = { raw };
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}

for (const backend of ["etcd", "brain"] as const) {
  describe(`CustomResourceDefinitions on ${backend}`, { timeout: 120_000 }, () => {
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;
    let second: RunningApiServer | undefined;
    const dir = tempDir("wharf-crd-");
    const kubeconfig = join(dir.path, "kubeconfig");
    const secondKubeconfig = join(dir.path, "kubeconfig-2");

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      ({ store, api } = await startAdminServer(backend, dir.path));
      second = await startApiServer(
        localServerOptions(store.url, join(dir.path, "second"), { tokenAuthFile: join(dir.path, "tokens.csv") }),
      );
      writeAdminKubeconfig(secondKubeconfig, second.url);
    });
    after(async () => {
      await second?.close();
      await api?.close();
      await store?.stop();
      dir.remove();
    });

    const kubectl = async (...args: string[]) => (await run(KUBECTL!, [`--kubeconfig=${kubeconfig}`, ...args])).stdout;
    const kubectlFails = async (...args: string[]) => {
      try {
        await run(KUBECTL!, [`--kubeconfig=${kubeconfig}`, ...args]);
      } catch (e) {
        return String((e as { stderr?: string }).stderr);
      }
      throw new Error(`kubectl ${args.join(" ")} succeeded`);
    };
    const file = (name: string, obj: unknown) => {
      const p = join(dir.path, name);
      writeFileSync(p, JSON.stringify(obj));
      return p;
    };

    it("serves a CRD applied with kubectl, with its status set as kube sets it", async (t) => {
      if (!api) return t.skip("no backend");
      if (!KUBECTL) return t.skip("no kubectl");
      await kubectl("apply", "-f", file("crd.json", CRD));
      const list = await eventually(async () => {
        const r = await call(api!, "GET", "/apis/stable.example.com/v1");
        assert.equal(r.status, 200);
        return r.body;
      }, 10_000);
      const resources = list.resources as Record<string, unknown>[];
      assert.deepEqual(
        resources.map((r) => r.name),
        ["crontabs", "crontabs/scale", "crontabs/status"],
      );
      assert.deepEqual(resources[0], {
        name: "crontabs",
        singularName: "crontab",
        namespaced: true,
        kind: "CronTab",
        verbs: ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
        shortNames: ["ct"],
        categories: ["all"],
      });
      assert.deepEqual(resources[1], {
        name: "crontabs/scale",
        singularName: "",
        namespaced: true,
        group: "autoscaling",
        version: "v1",
        kind: "Scale",
        verbs: ["get", "patch", "update"],
      });
      const crd = (
        await call(api, "GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com")
      ).body as {
        status: {
          conditions: { type: string; status: string; reason: string }[];
          acceptedNames: unknown;
          storedVersions: string[];
        };
      };
      assert.deepEqual(
        crd.status.conditions.map((c) => [c.type, c.status, c.reason]),
        [
          ["NamesAccepted", "True", "NoConflicts"],
          ["Established", "True", "InitialNamesAccepted"],
        ],
      );
      assert.deepEqual(crd.status.acceptedNames, {
        plural: "crontabs",
        singular: "crontab",
        shortNames: ["ct"],
        kind: "CronTab",
        listKind: "CronTabList",
        categories: ["all"],
      });
      assert.deepEqual(crd.status.storedVersions, ["v1"]);
      // The group is listed after the built-in ones, with its versions in kube's priority order.
      const groups = (await call(api, "GET", "/apis")).body.groups as {
        name: string;
        versions: { version: string }[];
      }[];
      const g = groups.find((x) => x.name === "stable.example.com");
      assert.deepEqual(
        g?.versions.map((v) => v.version),
        ["v1", "v1beta1"],
      );
      assert.equal(groups.at(-1)?.name, "stable.example.com");
      // The unserved version is not.
      assert.equal((await call(api, "GET", "/apis/stable.example.com/v0/namespaces/default/crontabs")).status, 404);
      assert.equal((await call(api, "GET", "/apis/stable.example.com/v0")).status, 404);
    });

    it("creates, gets, lists, applies and deletes custom resources with kubectl, stored at kube's key", async (t) => {
      if (!api || !KUBECTL) return t.skip("no backend");
      const ct = {
        apiVersion: "stable.example.com/v1",
        kind: "CronTab",
        metadata: { name: "nightly", namespace: "default", labels: { tier: "batch" } },
        spec: { cronSpec: "0 3 * * *", image: "busybox", unknownField: "dropped" },
      };
      // The CRD's OpenAPI advertises fieldValidation, so kubectl asks for Strict; without validation fields are pruned.
      assert.match(
        await kubectlFails("create", "-f", file("ct.json", ct)),
        /strict decoding error: unknown field "spec.unknownField"/,
      );
      await kubectl("create", "--validate=false", "-f", file("ct.json", ct));
      const got = JSON.parse(await kubectl("get", "crontab", "nightly", "-o", "json"));
      assert.equal(got.spec.replicas, 1, "the schema's default is applied");
      assert.equal(got.spec.unknownField, undefined, "unknown fields are pruned");
      assert.equal(got.metadata.generation, 1);
      // Short name and category.
      assert.match(await kubectl("get", "ct"), /^nightly\s+0 3 \* \* \*\s+1\s*$/m);
      assert.match(await kubectl("get", "all", "-n", "default"), /crontab\.stable\.example\.com\/nightly/);
      // Stored as kube-apiserver stores custom resources: JSON under /registry/<group>/<plural>/<ns>/<name>.
      const raw = await api.storage.get<{ apiVersion: string }>(
        "/registry/stable.example.com/crontabs/default/nightly",
      );
      assert.equal(raw?.object.apiVersion, "stable.example.com/v1");
      // Label selectors on lists.
      assert.match(
        await kubectl("get", "crontabs", "-l", "tier=batch", "-o", "name"),
        /crontab.stable.example.com\/nightly/,
      );
      assert.equal((await kubectl("get", "crontabs", "-l", "tier=web", "-o", "name")).trim(), "");
      const byField = await call(
        api,
        "GET",
        "/apis/stable.example.com/v1/crontabs?fieldSelector=metadata.name%3Dnightly",
      );
      assert.equal((byField.body.items as unknown[]).length, 1);
      // apply: create, then a change through a merge patch bumps the generation.
      const applied = { ...ct, metadata: { name: "hourly", namespace: "default" }, spec: { cronSpec: "0 * * * *" } };
      await kubectl("apply", "-f", file("hourly.json", applied));
      await kubectl("apply", "-f", file("hourly.json", { ...applied, spec: { cronSpec: "0 * * * *", replicas: 3 } }));
      const hourly = JSON.parse(await kubectl("get", "crontab", "hourly", "-o", "json"));
      assert.equal(hourly.spec.replicas, 3);
      assert.equal(hourly.metadata.generation, 2);
      await kubectl("delete", "crontab", "hourly");
      assert.match(await kubectlFails("get", "crontab", "hourly"), /NotFound|not found/);
    });

    it("rejects invalid custom resources with kube's messages", async (t) => {
      if (!api) return t.skip("no backend");
      const post = (spec: unknown) =>
        call(api!, "POST", "/apis/stable.example.com/v1/namespaces/default/crontabs", {
          apiVersion: "stable.example.com/v1",
          kind: "CronTab",
          metadata: { name: "bad" },
          spec,
        });
      const causes = (a: Answer) =>
        (a.body.details as { causes: { message: string; field: string; reason: string }[] }).causes;
      let r = await post({ cronSpec: "* * * * *", replicas: "two" });
      assert.equal(r.status, 422);
      // The scale subresource's replica path is checked too, and its accessor error shows Go's zero value.
      assert.equal(
        r.body.message,
        'CronTab.stable.example.com "bad" is invalid: [spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string", .spec.replicas: Invalid value: 0: .spec.replicas accessor error: two is of the type string, expected int64]',
      );
      assert.deepEqual(causes(r)[0], {
        reason: "FieldValueTypeInvalid",
        message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"',
        field: "spec.replicas",
      });
      r = await post({ cronSpec: "* * * * *", image: 7 });
      assert.equal(
        r.body.message,
        'CronTab.stable.example.com "bad" is invalid: spec.image: Invalid value: "integer": spec.image in body must be of type string: "integer"',
      );
      r = await post({
        replicas: 11,
        color: "blue",
        image: "a-very-long-image-name-here",
        port: true,
        cronSpec: "nope",
      });
      assert.equal(r.status, 422);
      const messages = causes(r).map((c) => `${c.field}: ${c.message}`);
      for (const m of [
        "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10",
        'spec.color: Unsupported value: "blue": supported values: "red", "green"',
        "spec.image: Too long: may not be longer than 20",
        'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
        "spec.cronSpec: Invalid value: \"nope\": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'",
      ]) {
        assert.ok(messages.includes(m), `${m} in ${JSON.stringify(messages)}`);
      }
      r = await post({ image: "x" });
      assert.equal(r.status, 422);
      assert.deepEqual(
        causes(r).map((c) => [c.field, c.reason, c.message]),
        [["spec.cronSpec", "FieldValueRequired", "Required value"]],
      );
      // A set holds each element once.
      r = await post({ cronSpec: "* * * * *", tags: ["a", "b", "a"] });
      assert.equal(r.status, 422);
      assert.equal(r.body.message, 'CronTab.stable.example.com "bad" is invalid: spec.tags[2]: Duplicate value: "a"');
      assert.deepEqual(causes(r), [
        { reason: "FieldValueDuplicate", message: 'Duplicate value: "a"', field: "spec.tags[2]" },
      ]);
      // An embedded resource has a kind and an apiVersion, and ObjectMeta for metadata, of which it keeps what
      // ObjectMeta holds.
      r = await post({ cronSpec: "* * * * *", template: { apiVersion: "v1", metadata: { name: "a/b" } } });
      assert.equal(r.status, 422);
      assert.deepEqual(
        causes(r).map((c) => `${c.field}: ${c.message}`),
        [
          "spec.template.kind: Required value: must not be empty",
          "spec.template.metadata.name: Invalid value: \"a/b\": may not contain '/'",
        ],
      );
      r = await post({
        cronSpec: "* * * * *",
        template: { apiVersion: "v1", kind: "Pod", metadata: { name: "p", bogus: true, labels: {} }, spec: { x: 1 } },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual((r.body.spec as Record<string, unknown>).template, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p" },
        spec: { x: 1 },
      });
      await call(api!, "DELETE", "/apis/stable.example.com/v1/namespaces/default/crontabs/bad");
      // int-or-string takes both, preserve-unknown-fields keeps what it holds.
      r = await post({ cronSpec: "* * * * *", port: "http", extra: { anything: { goes: 1 } } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual((r.body.spec as Record<string, unknown>).extra, { anything: { goes: 1 } });
    });

    it("keeps spec and status apart through the status subresource and bumps generation on spec only", async (t) => {
      if (!api) return t.skip("no backend");
      const base = "/apis/stable.example.com/v1/namespaces/default/crontabs";
      const created = await call(api, "POST", base, {
        apiVersion: "stable.example.com/v1",
        kind: "CronTab",
        metadata: { name: "st" },
        spec: { cronSpec: "* * * * *" },
        status: { phase: "ignored on create" },
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.status, undefined);
      const obj = created.body as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
      // /status: the spec change is ignored, the status taken; generation stays.
      const st = await call(api, "PUT", `${base}/st/status`, {
        ...obj,
        spec: { ...obj.spec, replicas: 7 },
        status: { phase: "Running", replicas: 2, selector: "app=st" },
      });
      assert.equal(st.status, 200, JSON.stringify(st.body));
      assert.equal((st.body.spec as { replicas: number }).replicas, 1);
      assert.deepEqual(st.body.status, { phase: "Running", replicas: 2, selector: "app=st" });
      assert.equal((st.body.metadata as { generation: number }).generation, 1);
      // The main resource: the status change is ignored, the spec taken, generation bumped.
      const main = await call(api, "PUT", `${base}/st`, {
        ...st.body,
        spec: { cronSpec: "* * * * *", replicas: 4 },
        status: { phase: "Lost" },
      });
      assert.equal(main.status, 200, JSON.stringify(main.body));
      assert.equal((main.body.status as { phase: string }).phase, "Running");
      assert.equal((main.body.spec as { replicas: number }).replicas, 4);
      assert.equal((main.body.metadata as { generation: number }).generation, 2);
      // A status write is validated against the schema too.
      const bad = await call(api, "PUT", `${base}/st/status`, { ...main.body, status: { replicas: "many" } });
      assert.equal(bad.status, 422);
      assert.match(String(bad.body.message), /status\.replicas in body must be of type integer/);
    });

    it("scales through the scale subresource (kubectl scale, autoscaling/v1 Scale)", async (t) => {
      if (!api || !KUBECTL) return t.skip("no backend");
      const scale = await call(api, "GET", "/apis/stable.example.com/v1/namespaces/default/crontabs/st/scale");
      assert.equal(scale.status, 200);
      assert.equal(scale.body.kind, "Scale");
      assert.equal(scale.body.apiVersion, "autoscaling/v1");
      assert.deepEqual(scale.body.spec, { replicas: 4 });
      assert.deepEqual(scale.body.status, { replicas: 2, selector: "app=st" });
      await kubectl("scale", "crontab", "st", "--replicas=6");
      const after = JSON.parse(await kubectl("get", "crontab", "st", "-o", "json"));
      assert.equal(after.spec.replicas, 6);
      assert.equal(after.metadata.generation, 3);
      assert.equal(after.status.phase, "Running");
      // The schema still holds: 11 is over the maximum.
      assert.match(await kubectlFails("scale", "crontab", "st", "--replicas=11"), /should be less than or equal to 10/);
    });

    it("prints the additionalPrinterColumns in kubectl get, and AGE by default", async (t) => {
      if (!api || !KUBECTL) return t.skip("no backend");
      const out = await kubectl("get", "crontabs", "st", "nightly");
      const [header, ...rows] = out.trim().split("\n");
      assert.match(header!, /^NAME\s+SPEC\s+REPLICAS$/);
      assert.deepEqual(
        rows.map((r) => r.split(/\s{2,}/)),
        [
          ["st", "* * * * *", "6"],
          ["nightly", "0 3 * * *", "1"],
        ],
      );
      const wide = await kubectl("get", "crontabs", "st", "-o", "wide");
      assert.match(wide, /^NAME\s+SPEC\s+REPLICAS\s+PHASE$/m);
      assert.match(wide, /^st\s+\* \* \* \* \*\s+6\s+Running$/m);
      const table = await call(api, "GET", "/apis/stable.example.com/v1/namespaces/default/crontabs/st", undefined, {
        accept: "application/json;as=Table;v=v1;g=meta.k8s.io",
      });
      assert.deepEqual(
        (table.body.columnDefinitions as { name: string; type: string; priority: number }[]).map((c) => [
          c.name,
          c.type,
          c.priority,
        ]),
        [
          ["Name", "string", 0],
          ["Spec", "string", 0],
          ["Replicas", "integer", 0],
          ["Phase", "string", 1],
        ],
      );
      assert.deepEqual((table.body.rows as { cells: unknown[] }[])[0]!.cells, ["st", "* * * * *", 6, "Running"]);
      // A CRD without columns: NAME and AGE.
      await kubectl("apply", "-f", file("widgets.json", CLUSTER_CRD));
      await eventually(async () =>
        assert.equal((await call(api!, "GET", "/apis/example.org/v1alpha1/widgets")).status, 200),
      );
      await kubectl(
        "create",
        "-f",
        file("w.json", { apiVersion: "example.org/v1alpha1", kind: "Widget", metadata: { name: "w1" } }),
      );
      assert.match((await kubectl("get", "widgets")).trim(), /^NAME\s+AGE\nw1\s+\d+s$/);
    });

    it("serves a second version with apiVersion rewritten, from the same objects", async (t) => {
      if (!api) return t.skip("no backend");
      const beta = await call(api, "GET", "/apis/stable.example.com/v1beta1/namespaces/default/crontabs/nightly");
      assert.equal(beta.status, 200);
      assert.equal(beta.body.apiVersion, "stable.example.com/v1beta1");
      const list = await call(api, "GET", "/apis/stable.example.com/v1beta1/crontabs");
      assert.equal(list.body.apiVersion, "stable.example.com/v1beta1");
      assert.equal(list.body.kind, "CronTabList");
      assert.ok(
        (list.body.items as { apiVersion: string }[]).every((i) => i.apiVersion === "stable.example.com/v1beta1"),
      );
      // Written through v1beta1, stored in the storage version v1, read back through v1 with v1's defaults.
      const created = await call(api, "POST", "/apis/stable.example.com/v1beta1/namespaces/default/crontabs", {
        apiVersion: "stable.example.com/v1beta1",
        kind: "CronTab",
        metadata: { name: "from-v1beta1" },
        spec: { cronSpec: "5 * * * *", free: "form" },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal((created.body.spec as Record<string, unknown>).free, "form");
      const v1 = await call(api, "GET", "/apis/stable.example.com/v1/namespaces/default/crontabs/from-v1beta1");
      assert.equal(v1.body.apiVersion, "stable.example.com/v1");
      assert.deepEqual(v1.body.spec, { cronSpec: "5 * * * *", replicas: 1 });
    });

    it("is served by a second apiserver on the same etcd, and its watches see changes", async (t) => {
      if (!api || !second) return t.skip("no backend");
      const got = await eventually(async () => {
        const r = await call(second!, "GET", "/apis/stable.example.com/v1/namespaces/default/crontabs/nightly");
        assert.equal(r.status, 200);
        return r.body;
      }, 10_000);
      assert.equal((got.spec as { cronSpec: string }).cronSpec, "0 3 * * *");
      if (KUBECTL) {
        const out = (await run(KUBECTL, [`--kubeconfig=${secondKubeconfig}`, "get", "ct", "nightly"])).stdout;
        assert.match(out, /^nightly\s+0 3 \* \* \*\s+1$/m);
      }
      // A CRD created through the first server appears on the second without any request to it.
      const gadget = {
        ...CLUSTER_CRD,
        metadata: { name: "gadgets.example.org" },
        spec: { ...CLUSTER_CRD.spec, names: { plural: "gadgets", kind: "Gadget" } },
      };
      assert.equal(
        (await call(api, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", gadget)).status,
        201,
      );
      await eventually(async () => {
        const r = await call(second!, "GET", "/apis/example.org/v1alpha1");
        // Every assert in a polling loop carries its message: without one, node reads the source to word it (slow).
        assert.ok(
          (r.body.resources as { name: string }[]).some((x) => x.name === "gadgets"),
          JSON.stringify(r.body),
        );
      }, 10_000);
    });

    it("refuses invalid CRDs with kube's messages and reports name conflicts in NamesAccepted", async (t) => {
      if (!api) return t.skip("no backend");
      const crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
      const bad = await call(api, "POST", crds, {
        ...CLUSTER_CRD,
        metadata: { name: "things.example.org" },
        spec: {
          group: "example.org",
          scope: "Cluster",
          names: { plural: "things", kind: "Thing" },
          versions: [
            {
              name: "v1",
              served: true,
              storage: false,
              schema: { openAPIV3Schema: { type: "object", properties: { spec: { properties: {} } } } },
            },
          ],
        },
      });
      assert.equal(bad.status, 422);
      assert.equal(
        bad.body.message,
        'CustomResourceDefinition.apiextensions.k8s.io "things.example.org" is invalid: [spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have exactly one version marked as storage version, spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields, status.storedVersions: Invalid value: []string(nil): must have at least one stored version]'
          .replace(
            "[]apiextensions.CustomResourceDefinitionVersion{...}",
            JSON.stringify([
              {
                name: "v1",
                served: true,
                storage: false,
                schema: { openAPIV3Schema: { type: "object", properties: { spec: { properties: {} } } } },
              },
            ]),
          )
          .replace("[]string(nil)", "[]"),
      );
      const wrongName = await call(api, "POST", crds, { ...CLUSTER_CRD, metadata: { name: "wrong.example.org" } });
      assert.equal(wrongName.status, 422);
      assert.match(
        String(wrongName.body.message),
        /metadata\.name: Invalid value: "wrong\.example\.org": must be spec\.names\.plural\+"\."\+spec\.group/,
      );
      // Same group, a kind another CRD of it holds: stored, but its names are not accepted and it is not served.
      const clash = {
        ...CLUSTER_CRD,
        metadata: { name: "sprockets.example.org" },
        spec: { ...CLUSTER_CRD.spec, names: { plural: "sprockets", kind: "Widget" } },
      };
      assert.equal((await call(api, "POST", crds, clash)).status, 201);
      const status = await eventually(async () => {
        const r = await call(api!, "GET", `${crds}/sprockets.example.org`);
        const st = r.body.status as { conditions: { type: string; status: string; reason: string; message: string }[] };
        assert.ok(st.conditions.length >= 2, JSON.stringify(st));
        return st;
      });
      assert.deepEqual(
        status.conditions.map((c) => [c.type, c.status, c.reason, c.message]),
        [
          // Kind and listKind both clash; kube reports the last check that failed.
          ["NamesAccepted", "False", "ListKindConflict", '"WidgetList" is already in use'],
          ["Established", "False", "NotAccepted", "not all names are accepted"],
        ],
      );
      assert.equal((await call(api, "GET", "/apis/example.org/v1alpha1/sprockets")).status, 404);
    });

    it("lists custom resources in aggregated discovery and removes them when the CRD is deleted, instances first", async (t) => {
      if (!api || !KUBECTL) return t.skip("no backend");
      const agg = await call(api, "GET", "/apis", undefined, {
        accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
      });
      const items = agg.body.items as {
        metadata: { name: string };
        versions: { version: string; resources: Record<string, unknown>[] }[];
      }[];
      const group = items.find((i) => i.metadata.name === "stable.example.com");
      assert.deepEqual(
        group?.versions.map((v) => v.version),
        ["v1", "v1beta1"],
      );
      const crontabs = group?.versions[0]?.resources.find((r) => r.resource === "crontabs");
      assert.equal(crontabs?.scope, "Namespaced");
      assert.deepEqual(
        ((crontabs?.subresources ?? []) as { subresource: string }[]).map((x) => x.subresource),
        ["status", "scale"],
      );
      // Instances exist in etcd before; the CRD goes, then they do, and the resource is no longer served.
      const prefix = "/registry/stable.example.com/crontabs/";
      assert.ok((await api.storage.list(prefix)).items.length >= 3, "three instances stored");
      await kubectl("delete", "crd", "crontabs.stable.example.com");
      await eventually(async () => assert.equal((await api!.storage.list(prefix)).items.length, 0));
      await eventually(async () => {
        assert.equal((await call(api!, "GET", "/apis/stable.example.com/v1/crontabs")).status, 404);
        assert.equal((await call(second!, "GET", "/apis/stable.example.com/v1/crontabs")).status, 404);
        const groups = (await call(api!, "GET", "/apis")).body.groups as { name: string }[];
        assert.ok(!groups.some((g) => g.name === "stable.example.com"), "group gone from discovery");
      });
    });

    it("runs the cleanup finalizer of a CRD deleted while it carries it: Terminating, instances deleted, then gone", async (t) => {
      if (!api) return t.skip("no backend");
      const crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
      const gizmo = {
        ...CLUSTER_CRD,
        metadata: { name: "gizmos.example.org", finalizers: ["customresourcecleanup.apiextensions.k8s.io"] },
        spec: { ...CLUSTER_CRD.spec, names: { plural: "gizmos", kind: "Gizmo" } },
      };
      assert.equal((await call(api, "POST", crds, gizmo)).status, 201);
      await eventually(async () =>
        assert.equal((await call(api!, "GET", "/apis/example.org/v1alpha1/gizmos")).status, 200),
      );
      const made = await call(api, "POST", "/apis/example.org/v1alpha1/gizmos", {
        apiVersion: "example.org/v1alpha1",
        kind: "Gizmo",
        metadata: { name: "g1" },
        spec: { size: 3 },
      });
      assert.equal(made.status, 201);
      const del = await call(api, "DELETE", `${crds}/gizmos.example.org`);
      assert.ok(del.status === 200 || del.status === 202, JSON.stringify(del.body));
      await eventually(async () => assert.equal((await call(api!, "GET", `${crds}/gizmos.example.org`)).status, 404));
      assert.equal((await api.storage.list("/registry/example.org/gizmos/")).items.length, 0);
    });
  });
}
