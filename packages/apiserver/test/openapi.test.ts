import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { KUBECTL, requireProgram } from "@wharf/testing";
import protobuf from "protobufjs";
import { ADMIN_TOKEN, adminServerSuite } from "./support/local-server.js";

const run = promisify(execFile);

const PROTOBUF_V2 = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

// The part of gnostic's openapi.v2 messages (openapiv2/OpenAPIv2.proto) this
// test reads, with that file's field numbers: enough to decode definitions,
// their properties and vendor extensions, and the paths' operations.
const GNOSTIC_SUBSET = `
syntax = "proto3";
package openapi.v2;
message Any { string yaml = 2; }
message NamedAny { string name = 1; Any value = 2; }
message TypeItem { repeated string value = 1; }
message ItemsItem { repeated Schema schema = 1; }
message AdditionalPropertiesItem { oneof oneof { Schema schema = 1; bool boolean = 2; } }
message NamedSchema { string name = 1; Schema value = 2; }
message Properties { repeated NamedSchema additional_properties = 1; }
message Schema {
  string _ref = 1;
  string format = 2;
  string description = 4;
  repeated string required = 19;
  AdditionalPropertiesItem additional_properties = 21;
  TypeItem type = 22;
  ItemsItem items = 23;
  Properties properties = 25;
  repeated NamedAny vendor_extension = 31;
}
message Definitions { repeated NamedSchema additional_properties = 1; }
message Info { string title = 1; string version = 2; }
message Operation {
  repeated string tags = 1;
  string operation_id = 5;
  repeated string consumes = 7;
  repeated NamedAny vendor_extension = 13;
}
message PathItem { Operation get = 2; Operation put = 3; Operation post = 4; Operation delete = 5; Operation patch = 8; }
message NamedPathItem { string name = 1; PathItem value = 2; }
message Paths { repeated NamedPathItem path = 2; }
message Document { string swagger = 1; Info info = 2; Paths paths = 8; Definitions definitions = 9; }
`;

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON and protobuf documents.
type Json = any;

interface Reply {
  code: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const DEPLOYMENT = (image: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: ${image}
        ports: [{containerPort: 80}]
        env: [{name: MODE, value: "one"}]
      - name: sidecar
        image: busybox:1
        command: ["sleep", "3600"]
`;

// The third revision: a new first container, the sidecar and an env var
// gone, another added, the rolling update parameters dropped by $retainKeys.
const DEPLOYMENT_REORDERED = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default, labels: {tier: front}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  strategy: {type: Recreate}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: cache
        image: redis:7
      - name: app
        image: nginx:1.26
        ports: [{containerPort: 80}]
        env: [{name: LEVEL, value: "two"}]
`;

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: /openapi/v2 and /openapi/v3`, () => {
    const suite = adminServerSuite(backend, "wharf-openapi-");

    const send = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
      new Promise<Reply>((resolve, reject) => {
        const req = request(
          `${suite.api!.url}${path}`,
          {
            method,
            headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
            rejectUnauthorized: false,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve({ code: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
            );
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    const get = (path: string, headers: Record<string, string> = {}) => send("GET", path, headers);
    const getJson = async (path: string, headers: Record<string, string> = { accept: "application/json" }) => {
      const r = await get(path, headers);
      assert.equal(r.code, 200, `${path}: ${r.body}`);
      return JSON.parse(r.body.toString("utf8"));
    };
    const kubectl = async (...args: string[]) =>
      (
        await run(KUBECTL!, [
          `--kubeconfig=${suite.kubeconfig}`,
          `--cache-dir=${join(suite.dir.path, "cache")}`,
          ...args,
        ])
      ).stdout;
    const kubectlOut = async (...args: string[]) => {
      const r = await run(KUBECTL!, [
        `--kubeconfig=${suite.kubeconfig}`,
        `--cache-dir=${join(suite.dir.path, "cache")}`,
        ...args,
      ]);
      return `${r.stdout}${r.stderr}`;
    };
    const haveKubectl = (t: import("node:test").TestContext) =>
      KUBECTL !== undefined || requireProgram(t, "/usr/bin/kubectl", "kubernetes-client");

    /** Every group/version/kind discovery serves (resources and the kinds of their subresources). */
    const servedKinds = async () => {
      const kinds = new Set<string>();
      const groupVersions: string[] = [];
      for (const path of ["/api", "/apis"]) {
        const doc = await getJson(path, {
          accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
        });
        for (const g of doc.items) {
          const group = g.metadata.name ?? "";
          for (const v of g.versions) {
            groupVersions.push(group === "" ? v.version : `${group}/${v.version}`);
            for (const r of v.resources) {
              kinds.add(`${group}/${v.version}/${r.responseKind.kind}`);
              for (const s of r.subresources ?? []) {
                const k = s.responseKind;
                kinds.add(`${k.group || group}/${k.version || v.version}/${k.kind}`);
              }
            }
          }
        }
      }
      return { kinds, groupVersions };
    };
    const gvkKeys = (ext: Json): string[] =>
      (Array.isArray(ext) ? ext : [ext]).map((g: Json) => `${g.group}/${g.version}/${g.kind}`);

    it("kubectl explain prints field descriptions from /openapi/v3", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      if (!haveKubectl(t)) return;
      const containers = await kubectl("explain", "pods.spec.containers");
      assert.match(containers, /KIND:\s+Pod/);
      assert.match(containers, /FIELD: containers <\[\]Container>/);
      assert.match(containers, /List of containers belonging to the pod/);
      assert.match(containers, /image\t<string>\n\s+Container image name/);
      assert.match(containers, /ports\t<\[\]ContainerPort>/);

      const strategy = await kubectl("explain", "deployments.spec.strategy", "--recursive");
      assert.match(strategy, /GROUP:\s+apps/);
      assert.match(strategy, /The deployment strategy to use to replace existing pods with new ones/);
      assert.match(strategy, /rollingUpdate\t<RollingUpdateDeployment>/);
      assert.match(strategy, /maxSurge\t<IntOrString>/);
      assert.match(strategy, /type\t<string>/);

      // A kind from a group version only this table has (flowcontrol v1beta2) and an aggregator kind.
      const flow = await kubectl("explain", "flowschemas.spec", "--api-version=flowcontrol.apiserver.k8s.io/v1beta2");
      assert.match(flow, /VERSION:\s+v1beta2/);
      assert.match(flow, /matchingPrecedence\t<integer>/);
      assert.match(await kubectl("explain", "apiservices.spec"), /groupPriorityMinimum\t<integer> -required-/);
    });

    it("kubectl explain reads the protobuf /openapi/v2", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      if (!haveKubectl(t)) return;
      // plaintext-openapiv2 is explain's renderer over the v2 protobuf document.
      const out = await kubectl("explain", "deployments.spec.strategy", "--recursive", "--output=plaintext-openapiv2");
      assert.match(out, /RESOURCE: strategy <Object>/);
      assert.match(out, /DeploymentStrategy describes how to replace existing pods with new ones/);
      assert.match(out, /rollingUpdate\t<Object>\n\s+maxSurge\t<string>\n\s+maxUnavailable\t<string>/);
      const pods = await kubectl("explain", "pods.spec.containers.env", "--output=plaintext-openapiv2");
      assert.match(pods, /RESOURCE: env <\[\]Object>/);
      assert.match(pods, /List of environment variables to set in the container/);
    });

    it("client-side kubectl apply patches with strategic merge: containers merge by name", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      if (!haveKubectl(t)) return;
      const file = (name: string, text: string) => {
        const p = join(suite.dir.path, name);
        writeFileSync(p, text);
        return p;
      };
      const first = file("web-1.yaml", DEPLOYMENT("nginx:1.25"));
      const second = file("web-2.yaml", DEPLOYMENT("nginx:1.26"));
      const third = file("web-3.yaml", DEPLOYMENT_REORDERED);
      assert.match(await kubectl("apply", "-f", first), /deployment.apps\/web created/);

      // The second apply computes its patch from the v3 document's patch metadata and sends it.
      const log = await kubectlOut("apply", "-f", second, "-v=8");
      assert.match(log, /GET https:\/\/[^ ]+\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}/);
      assert.match(log, /PATCH https:\/\/[^ ]+\/apis\/apps\/v1\/namespaces\/default\/deployments\/web\?/);
      assert.match(log, /Content-Type: application\/strategic-merge-patch\+json/);
      assert.match(log, /"\$setElementOrder\/containers":\[\{"name":"app"\},\{"name":"sidecar"\}\]/);
      assert.match(log, /deployment.apps\/web configured/);
      let live = JSON.parse(await kubectl("get", "deployment", "web", "-o", "json"));
      let containers = live.spec.template.spec.containers;
      // A JSON merge patch would have replaced the list with the one changed container.
      assert.deepEqual(
        containers.map((c: Json) => [c.name, c.image]),
        [
          ["app", "nginx:1.26"],
          ["sidecar", "busybox:1"],
        ],
      );
      assert.deepEqual(containers[0].env, [{ name: "MODE", value: "one" }]);
      assert.deepEqual(containers[0].ports, [{ containerPort: 80, protocol: "TCP" }]);
      assert.deepEqual(containers[1].command, ["sleep", "3600"]);
      assert.ok(!JSON.stringify(live).includes("$setElementOrder"), "no directive is stored");

      // kubectl diff and a server-side dry run see the merged result without storing it.
      await assert.rejects(kubectl("diff", "-f", third), (e: Json) => {
        assert.equal(e.code, 1, e.stderr);
        assert.match(e.stdout, /\+\s+- image: redis:7/);
        assert.match(e.stdout, /-\s+- command:/);
        return true;
      });
      const dry = JSON.parse(await kubectl("apply", "-f", third, "--dry-run=server", "-o", "json"));
      assert.deepEqual(
        dry.spec.template.spec.containers.map((c: Json) => c.name),
        ["cache", "app"],
      );
      live = JSON.parse(await kubectl("get", "deployment", "web", "-o", "json"));
      assert.equal(live.spec.template.spec.containers.length, 2);
      assert.equal(live.spec.template.spec.containers[1].name, "sidecar");

      // The third apply deletes a container and an env var, reorders, and drops rollingUpdate ($retainKeys).
      await kubectl("apply", "-f", third);
      live = JSON.parse(await kubectl("get", "deployment", "web", "-o", "json"));
      containers = live.spec.template.spec.containers;
      assert.deepEqual(
        containers.map((c: Json) => [c.name, c.image]),
        [
          ["cache", "redis:7"],
          ["app", "nginx:1.26"],
        ],
      );
      assert.deepEqual(containers[1].env, [{ name: "LEVEL", value: "two" }]);
      assert.deepEqual(containers[1].ports, [{ containerPort: 80, protocol: "TCP" }]);
      assert.deepEqual(live.spec.strategy, { type: "Recreate" });
      assert.equal(live.spec.replicas, 2);
      assert.deepEqual(live.metadata.labels, { tier: "front" });
    });

    it("kubectl leaves manifest validation to the server, which /openapi/v3 says checks fields", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      if (!haveKubectl(t)) return;
      const file = (name: string, text: string) => {
        const p = join(suite.dir.path, name);
        writeFileSync(p, text);
        return p;
      };
      const typo = file(
        "typo.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: typo, namespace: default}\ndata: {a: '1'}\ndta: {b: '2'}\n",
      );
      await assert.rejects(kubectl("apply", "-f", typo), (e: Json) => {
        assert.match(e.stderr, /strict decoding error: unknown field "dta"/);
        return true;
      });
      assert.equal((await get("/api/v1/namespaces/default/configmaps/typo")).code, 404, "nothing was created");
      assert.match(await kubectl("apply", "-f", typo, "--validate=false"), /configmap\/typo created/);
      await kubectl("delete", "-f", typo);

      const webhook = (extra: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: checked}
webhooks:
- name: v.example.com
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig: {url: "https://example.com/validate"}
  rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods], scope: "*"${extra}}]
`;
      // Every field of a webhook rule is known (resources and scope included), a misspelt one is not.
      await assert.rejects(kubectl("apply", "-f", file("webhook-typo.yaml", webhook(", verb: get"))), (e: Json) => {
        assert.match(e.stderr, /strict decoding error: unknown field "webhooks\[0\]\.rules\[0\]\.verb"/);
        return true;
      });
      const good = file("webhook.yaml", webhook(""));
      assert.match(
        await kubectl("apply", "-f", good),
        /validatingwebhookconfiguration.admissionregistration.k8s.io\/checked created/,
      );
      await kubectl("delete", "-f", good);
    });

    it("applies strategic merge patches with merge keys and directives", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const json = { "content-type": "application/json", accept: "application/json" };
      const created = await send(
        "POST",
        "/api/v1/namespaces/default/services",
        json,
        JSON.stringify({
          metadata: { name: "smp", finalizers: ["a.example.com/x", "b.example.com/y"] },
          spec: {
            selector: { app: "smp" },
            ports: [
              { name: "http", port: 80, targetPort: 8080 },
              { name: "https", port: 443, targetPort: 8443 },
            ],
          },
        }),
      );
      assert.equal(created.code, 201, created.body.toString());
      const patch = (type: string, body: unknown) =>
        send(
          "PATCH",
          "/api/v1/namespaces/default/services/smp",
          { "content-type": type, accept: "application/json" },
          JSON.stringify(body),
        );
      const smp = await patch("application/strategic-merge-patch+json", {
        metadata: { "$deleteFromPrimitiveList/finalizers": ["a.example.com/x"] },
        spec: { ports: [{ port: 443, targetPort: 9443 }], selector: { $patch: "replace", role: "web" } },
      });
      assert.equal(smp.code, 200, smp.body.toString());
      const svc = JSON.parse(smp.body.toString());
      assert.deepEqual(
        svc.spec.ports.map((p: Json) => [p.name, p.port, p.targetPort]),
        [
          ["http", 80, 8080],
          ["https", 443, 9443],
        ],
      );
      assert.deepEqual(svc.spec.selector, { role: "web" });
      assert.deepEqual(svc.metadata.finalizers, ["b.example.com/y"]);
      // `$patch: delete` removes a list item by its merge key; a merge patch replaces the list.
      const del = JSON.parse(
        (
          await patch("application/strategic-merge-patch+json", { spec: { ports: [{ port: 80, $patch: "delete" }] } })
        ).body.toString(),
      );
      assert.deepEqual(
        del.spec.ports.map((p: Json) => p.port),
        [443],
      );
      const merge = JSON.parse(
        (
          await patch("application/merge-patch+json", { spec: { ports: [{ name: "dns", port: 53, protocol: "UDP" }] } })
        ).body.toString(),
      );
      assert.deepEqual(
        merge.spec.ports.map((p: Json) => p.port),
        [53],
      );
      const bad = await patch("application/strategic-merge-patch+json", { spec: { ports: [{ targetPort: 1 }] } });
      assert.equal(bad.code, 400, bad.body.toString());
      await send("DELETE", "/api/v1/namespaces/default/services/smp");
    });

    it("/openapi/v2 has a definition with x-kubernetes-group-version-kind for every served kind, and no other kinds", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const doc = await getJson("/openapi/v2");
      assert.equal(doc.swagger, "2.0");
      const { kinds } = await servedKinds();
      const defined = new Map<string, string>();
      for (const [name, s] of Object.entries<Json>(doc.definitions)) {
        for (const k of gvkKeys(s["x-kubernetes-group-version-kind"] ?? [])) defined.set(k, name);
      }
      for (const k of kinds) assert.ok(defined.has(k), `no definition for ${k}`);
      assert.equal(defined.get("apps/v1/Deployment"), "io.k8s.api.apps.v1.Deployment");
      assert.equal(defined.get("/v1/Pod"), "io.k8s.api.core.v1.Pod");
      assert.equal(defined.get("autoscaling/v1/Scale"), "io.k8s.api.autoscaling.v1.Scale");
      assert.equal(
        defined.get("apiregistration.k8s.io/v1/APIService"),
        "io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService",
      );
      // Only served kinds (their lists included) and the meta kinds: not Eviction, not other versions.
      const META = new Set(["DeleteOptions", "WatchEvent", "Status"]);
      for (const k of defined.keys()) {
        const kind = k.slice(k.lastIndexOf("/") + 1);
        if (META.has(kind)) continue;
        const item = `${k.slice(0, k.lastIndexOf("/") + 1)}${kind.replace(/List$/, "")}`;
        assert.ok(kinds.has(k) || kinds.has(item), `unserved kind ${k} in /openapi/v2`);
      }
      assert.ok("io.k8s.api.policy.v1.Eviction" in doc.definitions);
      assert.ok(!Object.keys(doc.definitions).some((n) => n.includes("v1alpha") || n.includes("resource.v1")));
      // Every path operation is of a served kind.
      for (const [path, item] of Object.entries<Json>(doc.paths)) {
        for (const op of ["get", "put", "post", "patch", "delete"].map((m) => item[m]).filter(Boolean)) {
          const gvk = op["x-kubernetes-group-version-kind"];
          if (gvk) assert.ok(kinds.has(gvkKeys(gvk)[0]!), `${path}: ${JSON.stringify(gvk)}`);
        }
      }
      // Eviction is served (kube's createCoreV1NamespacedPodEviction); log and exec need a kubelet and are not.
      const eviction = doc.paths["/api/v1/namespaces/{namespace}/pods/{name}/eviction"];
      assert.equal(eviction.post.operationId, "createCoreV1NamespacedPodEviction");
      assert.deepEqual(eviction.post["x-kubernetes-group-version-kind"], {
        group: "policy",
        version: "v1",
        kind: "Eviction",
      });
      assert.ok(!("/api/v1/namespaces/{namespace}/pods/{name}/log" in doc.paths));
      assert.ok("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale" in doc.paths);

      // Patch metadata and list semantics as kube's types declare them.
      const podSpec = doc.definitions["io.k8s.api.core.v1.PodSpec"].properties;
      assert.equal(podSpec.containers["x-kubernetes-patch-merge-key"], "name");
      assert.equal(podSpec.containers["x-kubernetes-patch-strategy"], "merge");
      assert.equal(podSpec.volumes["x-kubernetes-patch-strategy"], "merge,retainKeys");
      const ports = doc.definitions["io.k8s.api.core.v1.Container"].properties.ports;
      assert.equal(ports["x-kubernetes-list-type"], "map");
      assert.deepEqual(ports["x-kubernetes-list-map-keys"], ["containerPort", "protocol"]);
      const strategy = doc.definitions["io.k8s.api.apps.v1.DeploymentSpec"].properties.strategy;
      assert.equal(strategy["x-kubernetes-patch-strategy"], "retainKeys");
      assert.equal(strategy.$ref, "#/definitions/io.k8s.api.apps.v1.DeploymentStrategy");
      assert.match(strategy.description, /deployment strategy/);
    });

    it("the protobuf /openapi/v2 decodes to the same document", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const json = await getJson("/openapi/v2");
      const r = await get("/openapi/v2", { accept: PROTOBUF_V2 });
      assert.equal(r.code, 200);
      assert.equal(r.headers["content-type"], "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
      const Document = protobuf.parse(GNOSTIC_SUBSET, { keepCase: true }).root.lookupType("openapi.v2.Document");
      const doc = Document.toObject(Document.decode(r.body), { defaults: false, arrays: true }) as Json;
      assert.equal(doc.swagger, "2.0");
      assert.equal(doc.info.title, "Kubernetes");
      const defs = new Map<string, Json>(doc.definitions.additional_properties.map((d: Json) => [d.name, d.value]));
      assert.equal(defs.size, Object.keys(json.definitions).length);
      assert.deepEqual([...defs.keys()].sort(), Object.keys(json.definitions).sort());
      const ext = (s: Json, name: string) => {
        const e = (s.vendor_extension ?? []).find((x: Json) => x.name === name);
        // gnostic keeps extension values as YAML text; these are JSON, which YAML reads the same.
        return e === undefined ? undefined : JSON.parse(e.value.yaml);
      };
      for (const [name, s] of defs) {
        assert.deepEqual(
          ext(s, "x-kubernetes-group-version-kind"),
          json.definitions[name]["x-kubernetes-group-version-kind"],
          name,
        );
      }
      const deployment = defs.get("io.k8s.api.apps.v1.Deployment");
      assert.deepEqual(deployment.type.value, ["object"]);
      const props = new Map<string, Json>(
        deployment.properties.additional_properties.map((p: Json) => [p.name, p.value]),
      );
      assert.equal(props.get("spec")._ref, "#/definitions/io.k8s.api.apps.v1.DeploymentSpec");
      assert.equal(
        props.get("spec").description,
        json.definitions["io.k8s.api.apps.v1.Deployment"].properties.spec.description,
      );
      const podSpec = defs.get("io.k8s.api.core.v1.PodSpec");
      const containers = podSpec.properties.additional_properties.find((p: Json) => p.name === "containers").value;
      assert.equal(ext(containers, "x-kubernetes-patch-merge-key"), "name");
      assert.equal(containers.items.schema[0]._ref, "#/definitions/io.k8s.api.core.v1.Container");
      const labels = defs
        .get("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
        .properties.additional_properties.find((p: Json) => p.name === "labels").value;
      assert.deepEqual(labels.additional_properties.schema.type.value, ["string"]);
      // Paths with their operations and the GVK kubectl looks them up by.
      const paths = new Map<string, Json>(doc.paths.path.map((p: Json) => [p.name, p.value]));
      assert.equal(paths.size, Object.keys(json.paths).length);
      const patch = paths.get("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").patch;
      assert.equal(patch.operation_id, "patchAppsV1NamespacedDeployment");
      assert.ok(patch.consumes.includes("application/strategic-merge-patch+json"));
      assert.deepEqual(ext(patch, "x-kubernetes-group-version-kind"), {
        group: "apps",
        kind: "Deployment",
        version: "v1",
      });
    });

    it("/openapi/v3 lists every served group version and each document parses", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const index = await getJson("/openapi/v3");
      const { kinds, groupVersions } = await servedKinds();
      for (const gv of groupVersions) {
        const key = gv.includes("/") ? `apis/${gv}` : `api/${gv}`;
        assert.match(
          index.paths[key]?.serverRelativeURL ?? "",
          new RegExp(`^/openapi/v3/${key}\\?hash=[0-9A-F]{128}$`),
        );
      }
      const docs = new Map<string, Json>();
      for (const [key, entry] of Object.entries<Json>(index.paths)) {
        const doc = await getJson(entry.serverRelativeURL);
        assert.equal(doc.openapi, "3.0.0", key);
        assert.ok(doc.components.schemas, key);
        for (const s of Object.values<Json>(doc.components.schemas)) {
          for (const r of JSON.stringify(s).matchAll(/"\$ref":"([^"]+)"/g)) {
            assert.ok(
              r[1]!.slice("#/components/schemas/".length) in doc.components.schemas,
              `${key}: dangling ${r[1]}`,
            );
          }
        }
        docs.set(key, doc);
      }
      // Each group version's document has a schema, found by GVK, for each of its kinds.
      for (const gv of groupVersions) {
        const doc = docs.get(gv.includes("/") ? `apis/${gv}` : `api/${gv}`);
        const found = new Set(
          Object.values<Json>(doc.components.schemas).flatMap((s) =>
            gvkKeys(s["x-kubernetes-group-version-kind"] ?? []),
          ),
        );
        const prefix = gv.includes("/") ? `${gv}/` : `/${gv}/`;
        for (const k of [...kinds].filter(
          (x) => x.startsWith(prefix) && x !== "autoscaling/v1/Scale" && x !== "policy/v1/Eviction",
        )) {
          assert.ok(found.has(k), `${gv}: no schema for ${k}`);
        }
      }
      const apps = await getJson(index.paths["apis/apps/v1"].serverRelativeURL);
      const patch = apps.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"].patch;
      assert.deepEqual(patch["x-kubernetes-group-version-kind"], { group: "apps", kind: "Deployment", version: "v1" });
      assert.ok("application/strategic-merge-patch+json" in patch.requestBody.content);
      assert.ok(patch.parameters.some((p: Json) => p.name === "dryRun" && p.in === "query"));
      // Server-side field validation is advertised: kubectl leaves --validate=strict|warn to the server.
      assert.ok(patch.parameters.some((p: Json) => p.name === "fieldValidation" && p.in === "query"));
      const spec = apps.components.schemas["io.k8s.api.apps.v1.DeploymentSpec"].properties;
      assert.deepEqual(spec.template.allOf, [{ $ref: "#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec" }]);
      assert.equal(spec.strategy["x-kubernetes-patch-strategy"], "retainKeys");
      assert.ok("io.k8s.api.autoscaling.v1.Scale" in apps.components.schemas);
      assert.ok(!("io.k8s.api.batch.v1.Job" in apps.components.schemas), "only what the group version reaches");
      const core = await getJson(index.paths["api/v1"].serverRelativeURL);
      assert.ok("/api/v1/namespaces/{namespace}/pods/{name}/binding" in core.paths);
      assert.ok(!("/api/v1/namespaces/{namespace}/pods/{name}/log" in core.paths));
      assert.equal(index.paths["apis/resource.k8s.io/v1alpha2"], undefined);
    });

    it("answers with ETags, 304 for a matching If-None-Match, gzip when accepted, and immutable ?hash= URLs", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const full = await get("/openapi/v2", { accept: "application/json" });
      const etag = String(full.headers.etag);
      assert.match(etag, /^"[0-9A-F]{128}"$/);
      assert.equal(full.headers.vary, "Accept, Accept-Encoding");
      const pb = await get("/openapi/v2", { accept: PROTOBUF_V2 });
      assert.equal(pb.headers.etag, etag, "kube gives both representations the JSON's ETag");
      const cached = await get("/openapi/v2", { accept: "application/json", "if-none-match": etag });
      assert.equal(cached.code, 304);
      assert.equal(cached.body.length, 0);
      assert.equal((await get("/openapi/v2", { "if-none-match": '"other"' })).code, 200);
      const gz = await get("/openapi/v2", { accept: PROTOBUF_V2, "accept-encoding": "gzip" });
      assert.equal(gz.headers["content-encoding"], "gzip");
      assert.ok(gunzipSync(gz.body).equals(pb.body));
      assert.ok(gz.body.length < pb.body.length / 2);
      assert.equal((await get("/openapi/v2", { accept: "application/xml" })).code, 406);

      const index = await get("/openapi/v3");
      assert.equal(index.code, 200);
      assert.equal((await get("/openapi/v3", { "if-none-match": String(index.headers.etag) })).code, 304);
      const url = JSON.parse(index.body.toString()).paths["apis/apps/v1"].serverRelativeURL as string;
      const hashed = await get(url);
      assert.equal(hashed.code, 200);
      assert.equal(hashed.headers["cache-control"], "public, immutable");
      assert.ok(Date.parse(String(hashed.headers.expires)) > Date.now() + 300 * 24 * 3600 * 1000);
      assert.equal(hashed.headers.etag, `"${url.slice(url.indexOf("hash=") + 5)}"`);
      assert.equal((await get(url, { "if-none-match": String(hashed.headers.etag) })).code, 304);
      const stale = await get("/openapi/v3/apis/apps/v1?hash=0123");
      assert.equal(stale.code, 301);
      assert.equal(stale.headers.location, url);
      const plain = await get("/openapi/v3/apis/apps/v1");
      assert.equal(plain.code, 200);
      assert.equal(plain.headers["cache-control"], undefined);
      assert.equal((await get("/openapi/v3/apis/nothing.example.com/v1")).code, 404);

      const anonymous = await send("GET", "/openapi/v2", { authorization: "" });
      assert.equal(anonymous.code, 401);
      assert.equal(JSON.parse(anonymous.body.toString()).reason, "Unauthorized");
    });
  });
}
