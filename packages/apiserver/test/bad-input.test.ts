import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ETCD_BIN, type ProcessServer, requireProgram, tempDir } from "@wharf/testing";
import type { RunningApiServer } from "../src/index.js";
import { adminRequest, startAdminServer } from "./support/local-server.js";

// Bad requests get kube-apiserver 1.28's status code, reason and message,
// the server stays up, and nothing is stored or changed (every case checks
// the namespace's objects and their resourceVersions afterwards): malformed
// JSON and YAML, a body that is not an object, a kind or apiVersion the path
// does not take, name and namespace mismatches, unknown fields under Strict,
// names too long, immutable fields, stale resourceVersions, bodies over
// 3 MiB, objects over etcd's request limit, bad JSON patches, patches of
// missing objects; and YAML create and update bodies (application/yaml).
// On Debian's etcd and on brain.

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON bodies.
type Json = any;

const NS = "bad";
const CONFIGMAPS = `/api/v1/namespaces/${NS}/configmaps`;
const SECRETS = `/api/v1/namespaces/${NS}/secrets`;
const SERVICES = `/api/v1/namespaces/${NS}/services`;
const DEPLOYMENTS = `/apis/apps/v1/namespaces/${NS}/deployments`;

const deployment = (name: string, app = "web") => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name },
  spec: {
    selector: { matchLabels: { app } },
    template: { metadata: { labels: { app } }, spec: { containers: [{ name: "c", image: "nginx:1.25" }] } },
  },
});

/** The Status a failed request answers with, as kube-apiserver writes it (keys in its order). */
function status(code: number, reason: string | undefined, message: string, details?: Json): Json {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    ...(reason === undefined ? {} : { reason }),
    ...(details === undefined ? {} : { details }),
    code,
  };
}

const badRequest = (message: string) => status(400, "BadRequest", message);

/** kube's 422 for one invalid field of `kind` `name`. */
function invalid(kind: string, group: string, name: string, field: string, reason: string, detail: string): Json {
  const qualified = group === "" ? kind : `${kind}.${group}`;
  const cause = `${reason === "FieldValueInvalid" ? "Invalid value" : "Forbidden"}: ${detail}`;
  return status(422, "Invalid", `${qualified} ${JSON.stringify(name)} is invalid: ${field}: ${cause}`, {
    name,
    ...(group === "" ? {} : { group }),
    kind,
    causes: [{ reason, message: cause, field }],
  });
}

const hex = (text: string) => Buffer.from(text).subarray(0, 30).toString("hex");

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: bad input`, () => {
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;
    const dir = tempDir("wharf-bad-input-");

    /** A request with `body` sent as is; the answer decoded, with its warnings. */
    const send = async (method: string, path: string, body?: string, contentType = "application/json") => {
      const r = await adminRequest(
        api!.url,
        method,
        path,
        { "content-type": contentType, accept: "application/json" },
        body,
      );
      const text = r.body.toString("utf8");
      const warning = r.headers.warning;
      return {
        code: r.code,
        body: text === "" ? undefined : (JSON.parse(text) as Json),
        warnings: (warning === undefined
          ? []
          : Array.isArray(warning)
            ? warning
            : String(warning).split(/,(?=\s*299 )/)
        ).map((h) => /^\s*299 - "((?:[^"\\]|\\.)*)"\s*$/.exec(h)?.[1]?.replace(/\\(.)/g, "$1") ?? h),
      };
    };
    const ok = async (method: string, path: string, body?: unknown, code = method === "POST" ? 201 : 200) => {
      const r = await send(method, path, body === undefined ? undefined : JSON.stringify(body));
      assert.equal(r.code, code, `${method} ${path}: ${JSON.stringify(r.body)}`);
      return r.body;
    };

    /** Every object of the namespace (and the namespaces) by name, with its resourceVersion. */
    const snapshot = async () => {
      const out: Record<string, string> = {};
      for (const path of [CONFIGMAPS, SECRETS, SERVICES, DEPLOYMENTS, "/api/v1/namespaces"]) {
        const list = await ok("GET", path);
        for (const item of list.items) out[`${path} ${item.metadata.name}`] = item.metadata.resourceVersion;
      }
      return out;
    };
    /**
     * Sends a bad request and checks its answer is `expected`, the server
     * still answers and nothing changed.
     */
    const refused = async (
      method: string,
      path: string,
      body: string | undefined,
      expected: Json,
      contentType = "application/json",
    ) => {
      const beforeState = await snapshot();
      const r = await send(method, path, body, contentType);
      assert.deepEqual(r.body, expected, `${method} ${path} (${contentType})`);
      assert.equal(r.code, expected.code);
      assert.equal((await adminRequest(api!.url, "GET", "/readyz")).code, 200, "the server is up");
      assert.deepEqual(await snapshot(), beforeState, `${method} ${path}: nothing stored or changed`);
    };

    let cmVersion = "";
    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      ({ store, api } = await startAdminServer(backend, dir.path));
      await ok("POST", "/api/v1/namespaces", { metadata: { name: NS } });
      cmVersion = (await ok("POST", CONFIGMAPS, { metadata: { name: "cm" }, data: { a: "1" } })).metadata
        .resourceVersion;
      await ok("POST", CONFIGMAPS, { metadata: { name: "frozen" }, data: { a: "1" }, immutable: true });
      await ok("POST", SECRETS, { metadata: { name: "sec" }, type: "Opaque", stringData: { k: "v" } });
      await ok("POST", SERVICES, { metadata: { name: "svc" }, spec: { ports: [{ port: 80 }] } });
      await ok("POST", DEPLOYMENTS, deployment("web"));
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

    it("malformed JSON, an empty body and a body that is not an object: 400 with Go's JSON error", async (t) => {
      if (!ready(t)) return;
      const text = '{"metadata": {"name": "x"}, "data": {"a": "1",}}';
      await refused(
        "POST",
        CONFIGMAPS,
        text,
        badRequest(
          `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character '}' looking for beginning of object key string (${text.slice(0, 30)} ...)`,
        ),
      );
      await refused(
        "PUT",
        `${CONFIGMAPS}/cm`,
        '{"metadata": {"name": "cm"} "data": {}}',
        badRequest(
          `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character '"' after object key:value pair ({"metadata": {"name": "cm"} "d ...)`,
        ),
      );
      await refused(
        "POST",
        DEPLOYMENTS,
        "",
        badRequest(
          "the object provided is unrecognized (must be of type Deployment): couldn't get version/kind; json parse error: unexpected end of JSON input (<empty>)",
        ),
      );
      await refused(
        "POST",
        CONFIGMAPS,
        '{"metadata": {"name": tru}}',
        badRequest(
          `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character '}' in literal true (expecting 'e') ({"metadata": {"name": tru}})`,
        ),
      );
      // `null` decodes into an empty ConfigMap, which validation refuses.
      await refused(
        "POST",
        CONFIGMAPS,
        "null",
        status(
          422,
          "Invalid",
          'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
          {
            kind: "ConfigMap",
            causes: [
              {
                reason: "FieldValueRequired",
                message: "Required value: name or generateName is required",
                field: "metadata.name",
              },
            ],
          },
        ),
      );
      // A media type the decoder does not know: 415.
      await refused(
        "POST",
        CONFIGMAPS,
        '{"metadata": {"name": "t"}}',
        status(
          415,
          "UnsupportedMediaType",
          "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
        ),
        "text/plain",
      );
      // client-go's protobuf (magic "k8s\0", then runtime.Unknown): JSON only here, so the same 415 kube gives
      // for a type it has no protobuf for, and nothing stored.
      await refused(
        "POST",
        CONFIGMAPS,
        "k8s\u0000\n\u000f\n\u0002v1\u0012\tConfigMap\u0012\u0010\n\u000e\n\u0001t\u0012\u0000",
        status(
          415,
          "UnsupportedMediaType",
          "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
        ),
        "application/vnd.kubernetes.protobuf",
      );
      // A client that takes only protobuf answers: 406 with the types there are.
      const protobufOnly = await adminRequest(api!.url, "GET", CONFIGMAPS, {
        accept: "application/vnd.kubernetes.protobuf",
      });
      assert.equal(protobufOnly.code, 406);
      assert.deepEqual(
        JSON.parse(protobufOnly.body.toString()),
        status(406, "NotAcceptable", "only the following media types are accepted: application/json, application/yaml"),
      );
      // With JSON as its fallback (client-go's "application/vnd.kubernetes.protobuf, application/json"), JSON.
      const fallback = await adminRequest(api!.url, "GET", CONFIGMAPS, {
        accept: "application/vnd.kubernetes.protobuf, application/json",
      });
      assert.equal(fallback.code, 200);
      assert.match(String(fallback.headers["content-type"]), /^application\/json/);
      const list = '[{"metadata": {"name": "x"}}]';
      await refused(
        "POST",
        CONFIGMAPS,
        list,
        badRequest(
          `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" } (${hex(list)})`,
        ),
      );
    });

    it("a kind or apiVersion the path does not take: kube's decoding errors", async (t) => {
      if (!ready(t)) return;
      const cm = (kind: string, apiVersion: string) =>
        JSON.stringify({ apiVersion, kind, metadata: { name: "k" }, data: { a: "1" } });
      await refused(
        "POST",
        CONFIGMAPS,
        cm("Secret", "v1"),
        badRequest(
          'Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion',
        ),
      );
      await refused(
        "PUT",
        `${CONFIGMAPS}/k`,
        cm("ConfigMap", "apps/v1"),
        badRequest(
          'ConfigMap in version "v1" cannot be handled as a ConfigMap: no kind "ConfigMap" is registered for version "apps/v1" in scheme "pkg/api/legacyscheme/scheme.go:30"',
        ),
      );
      const lower = { ...deployment("k"), kind: "deployment" };
      await refused(
        "POST",
        DEPLOYMENTS,
        JSON.stringify(lower),
        badRequest(
          'deployment in version "v1" cannot be handled as a Deployment: no kind "deployment" is registered for version "apps/v1" in scheme "pkg/api/legacyscheme/scheme.go:30"',
        ),
      );
      // A version kube still decodes but does not serve here.
      await refused(
        "POST",
        DEPLOYMENTS,
        JSON.stringify({ ...deployment("k"), apiVersion: "apps/v1beta2" }),
        badRequest("the API version in the data (apps/v1beta2) does not match the expected API version (apps/v1)"),
      );
      // Kind and apiVersion may be left out: the path's.
      const bare = await ok("POST", CONFIGMAPS, { metadata: { name: "bare" } });
      assert.equal(bare.kind, "ConfigMap");
      assert.equal(bare.apiVersion, "v1");
      await ok("DELETE", `${CONFIGMAPS}/bare`);
    });

    it("name and namespace mismatches: 400", async (t) => {
      if (!ready(t)) return;
      await refused(
        "PUT",
        `${CONFIGMAPS}/cm`,
        JSON.stringify({ metadata: { name: "other", resourceVersion: cmVersion }, data: { a: "2" } }),
        badRequest("the name of the object (other) does not match the name on the URL (cm)"),
      );
      // A body without a name does not match either (kube's checkName).
      await refused(
        "PUT",
        `${CONFIGMAPS}/cm`,
        JSON.stringify({ data: { a: "2" } }),
        badRequest("the name of the object () does not match the name on the URL (cm)"),
      );
      await refused(
        "PUT",
        `${DEPLOYMENTS}/web/scale`,
        JSON.stringify({ apiVersion: "autoscaling/v1", kind: "Scale", spec: { replicas: 4 } }),
        badRequest("the name of the object () does not match the name on the URL (web)"),
      );
      const wrongNamespace = badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
      await refused(
        "POST",
        CONFIGMAPS,
        JSON.stringify({ metadata: { name: "n", namespace: "default" } }),
        wrongNamespace,
      );
      // On update the namespace is checked before the name.
      await refused(
        "PUT",
        `${CONFIGMAPS}/cm`,
        JSON.stringify({ metadata: { name: "other", namespace: "default" }, data: { a: "2" } }),
        wrongNamespace,
      );
    });

    it("unknown fields under fieldValidation=Strict: 400 and nothing stored", async (t) => {
      if (!ready(t)) return;
      await refused(
        "POST",
        `${CONFIGMAPS}?fieldValidation=Strict`,
        '{"metadata": {"name": "u"}, "dta": {"a": "1"}, "data": {}, "data": {}}',
        badRequest(
          'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dta", duplicate field "data"',
        ),
      );
    });

    it("names too long: kube's 422 with one cause", async (t) => {
      if (!ready(t)) return;
      const long253 = "a".repeat(254);
      await refused(
        "POST",
        CONFIGMAPS,
        JSON.stringify({ metadata: { name: long253 } }),
        invalid(
          "ConfigMap",
          "",
          long253,
          "metadata.name",
          "FieldValueInvalid",
          `${JSON.stringify(long253)}: must be no more than 253 characters`,
        ),
      );
      await refused(
        "POST",
        DEPLOYMENTS,
        JSON.stringify(deployment(long253)),
        invalid(
          "Deployment",
          "apps",
          long253,
          "metadata.name",
          "FieldValueInvalid",
          `${JSON.stringify(long253)}: must be no more than 253 characters`,
        ),
      );
      // DNS-1035 and DNS-1123 labels: 63.
      const long63 = "a".repeat(64);
      await refused(
        "POST",
        SERVICES,
        JSON.stringify({ metadata: { name: long63 }, spec: { ports: [{ port: 80 }] } }),
        invalid(
          "Service",
          "",
          long63,
          "metadata.name",
          "FieldValueInvalid",
          `${JSON.stringify(long63)}: must be no more than 63 characters`,
        ),
      );
      // A namespace's name is also its kubernetes.io/metadata.name label (defaulted before validation).
      const tooLong = `Invalid value: ${JSON.stringify(long63)}: must be no more than 63 characters`;
      await refused(
        "POST",
        "/api/v1/namespaces",
        JSON.stringify({ metadata: { name: long63 } }),
        status(
          422,
          "Invalid",
          `Namespace "${long63}" is invalid: [metadata.name: ${tooLong}, metadata.labels: ${tooLong}]`,
          {
            name: long63,
            kind: "Namespace",
            causes: [
              { reason: "FieldValueInvalid", message: tooLong, field: "metadata.name" },
              { reason: "FieldValueInvalid", message: tooLong, field: "metadata.labels" },
            ],
          },
        ),
      );
      // 63 is allowed.
      const svc = await ok("POST", SERVICES, { metadata: { name: "b".repeat(63) }, spec: { ports: [{ port: 80 }] } });
      assert.equal(svc.metadata.name.length, 63);
      await ok("DELETE", `${SERVICES}/${"b".repeat(63)}`);
    });

    it("immutable fields: kube's 422 messages", async (t) => {
      if (!ready(t)) return;
      const frozen = await ok("GET", `${CONFIGMAPS}/frozen`);
      await refused(
        "PUT",
        `${CONFIGMAPS}/frozen`,
        JSON.stringify({ ...frozen, data: { a: "2" } }),
        invalid("ConfigMap", "", "frozen", "data", "FieldValueForbidden", "field is immutable when `immutable` is set"),
      );
      const sec = await ok("GET", `${SECRETS}/sec`);
      await refused(
        "PUT",
        `${SECRETS}/sec`,
        JSON.stringify({ ...sec, type: "example.com/custom" }),
        invalid("Secret", "", "sec", "type", "FieldValueInvalid", '"example.com/custom": field is immutable'),
      );
      const web = await ok("GET", `${DEPLOYMENTS}/web`);
      const moved = deployment("web", "other");
      await refused(
        "PUT",
        `${DEPLOYMENTS}/web`,
        JSON.stringify({ ...moved, metadata: web.metadata }),
        invalid(
          "Deployment",
          "apps",
          "web",
          "spec.selector",
          "FieldValueInvalid",
          'v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
        ),
      );
      const svc = await ok("GET", `${SERVICES}/svc`);
      const ip = svc.spec.clusterIP as string;
      const other = ip.endsWith(".200") ? ip.replace(/\.200$/, ".201") : ip.replace(/\.\d+$/, ".200");
      await refused(
        "PUT",
        `${SERVICES}/svc`,
        JSON.stringify({ ...svc, spec: { ...svc.spec, clusterIP: other, clusterIPs: [other] } }),
        invalid(
          "Service",
          "",
          "svc",
          "spec.clusterIPs[0]",
          "FieldValueInvalid",
          `[]string{${JSON.stringify(other)}}: may not change once set`,
        ),
      );
    });

    it("a stale resourceVersion: 409 Conflict with kube's message", async (t) => {
      if (!ready(t)) return;
      const current = await ok("GET", `${CONFIGMAPS}/cm`);
      const updated = await ok("PUT", `${CONFIGMAPS}/cm`, { ...current, data: { a: "2" } });
      assert.notEqual(updated.metadata.resourceVersion, current.metadata.resourceVersion);
      const conflict = (resource: string, group: string, name: string) =>
        status(
          409,
          "Conflict",
          `Operation cannot be fulfilled on ${group === "" ? resource : `${resource}.${group}`} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          { name, ...(group === "" ? {} : { group }), kind: resource },
        );
      await refused(
        "PUT",
        `${CONFIGMAPS}/cm`,
        JSON.stringify({ ...current, data: { a: "3" } }),
        conflict("configmaps", "", "cm"),
      );
      // A patch naming a stale resourceVersion too.
      await refused(
        "PATCH",
        `${CONFIGMAPS}/cm`,
        JSON.stringify({ metadata: { resourceVersion: current.metadata.resourceVersion }, data: { a: "3" } }),
        conflict("configmaps", "", "cm"),
        "application/merge-patch+json",
      );
      const web = await ok("GET", `${DEPLOYMENTS}/web`);
      await ok("PUT", `${DEPLOYMENTS}/web`, { ...web, spec: { ...web.spec, replicas: 2 } });
      await refused(
        "PUT",
        `${DEPLOYMENTS}/web`,
        JSON.stringify({ ...web, spec: { ...web.spec, replicas: 3 } }),
        conflict("deployments", "apps", "web"),
      );
    });

    it("bodies over 3 MiB: 413; an object over etcd's request limit: etcd's error, nothing stored", async (t) => {
      if (!ready(t)) return;
      const huge = JSON.stringify({ metadata: { name: "huge" }, data: { a: "x".repeat(3 * 1024 * 1024) } });
      const tooLarge = status(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
      await refused("POST", CONFIGMAPS, huge, tooLarge);
      await refused("PUT", `${CONFIGMAPS}/cm`, huge, tooLarge);
      await refused("PATCH", `${CONFIGMAPS}/cm`, huge, tooLarge, "application/merge-patch+json");
      // Under the request limit: a ConfigMap's data is limited to 1 MiB by validation…
      const big = (name: string, size: number) => ({ metadata: { name }, data: { a: "x".repeat(size) } });
      await refused(
        "POST",
        CONFIGMAPS,
        JSON.stringify(big("big", 1800 * 1024)),
        status(422, "Invalid", 'ConfigMap "big" is invalid: []: Too long: must have at most 1048576 bytes', {
          name: "big",
          kind: "ConfigMap",
          causes: [{ reason: "FieldValueTooLong", message: "Too long: must have at most 1048576 bytes", field: "[]" }],
        }),
      );
      // …a ControllerRevision's data is not: over etcd's --max-request-bytes (1.5 MiB) kube passes etcd's error
      // on as a 500 without a reason.
      const revisions = `/apis/apps/v1/namespaces/${NS}/controllerrevisions`;
      const revision = (name: string, size: number) => ({ ...big(name, size), revision: 1 });
      await refused(
        "POST",
        revisions,
        JSON.stringify(revision("big", 1800 * 1024)),
        status(500, undefined, "etcdserver: request is too large"),
      );
      assert.equal((await send("GET", `${revisions}/big`)).code, 404);
      // A smaller one is stored.
      await ok("POST", revisions, revision("fits", 1024 * 1024));
      await ok("DELETE", `${revisions}/fits`);
    });

    it("JSON patches: bad operations are kube's generic 422, undecodable ones 400, missing objects 404", async (t) => {
      if (!ready(t)) return;
      const jsonPatch = "application/json-patch+json";
      const generic = status(422, "Invalid", "the server rejected our request due to an error in our request", {});
      for (const ops of [
        [{ op: "bogus", path: "/data/a", value: "2" }],
        [{ op: "remove", path: "/data/missing" }],
        [{ op: "replace", path: "/data/missing", value: "2" }],
        [
          { op: "replace", path: "/data/a", value: "9" },
          { op: "test", path: "/data/a", value: "nope" },
        ],
        [{ op: "add", path: "/nope/deeper", value: 1 }],
      ]) {
        await refused("PATCH", `${CONFIGMAPS}/cm`, JSON.stringify(ops), generic, jsonPatch);
      }
      await refused(
        "PATCH",
        `${CONFIGMAPS}/cm`,
        '{"op": "add", "path": "/data/b", "value": "2"}',
        badRequest("error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp"),
        jsonPatch,
      );
      await refused(
        "PATCH",
        `${CONFIGMAPS}/cm`,
        '[{"op": 1, "path": "/data/b"}]',
        badRequest(
          "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string",
        ),
        jsonPatch,
      );
      await refused(
        "PATCH",
        `${CONFIGMAPS}/cm`,
        '[{"op": "add", "path": ',
        badRequest("error decoding patch: unexpected end of JSON input"),
        jsonPatch,
      );
      await refused(
        "PATCH",
        `${CONFIGMAPS}/cm`,
        '{"data": {"a": }}',
        badRequest("error decoding patch: invalid character '}' looking for beginning of value"),
        "application/merge-patch+json",
      );
      await refused(
        "PATCH",
        `${CONFIGMAPS}/cm`,
        '{"data": {"a": }}',
        badRequest("invalid character '}' looking for beginning of value"),
        "application/strategic-merge-patch+json",
      );
      // A missing object is 404 whatever the patch.
      for (const [type, body] of [
        ["application/merge-patch+json", '{"data": {"a": "2"}}'],
        ["application/strategic-merge-patch+json", '{"data": {"a": "2"}}'],
        [jsonPatch, '[{"op": "bogus"}]'],
      ] as const) {
        await refused(
          "PATCH",
          `${CONFIGMAPS}/nope`,
          body,
          status(404, "NotFound", 'configmaps "nope" not found', { name: "nope", kind: "configmaps" }),
          type,
        );
      }
      // The operations that apply still do.
      const patched = await send(
        "PATCH",
        `${CONFIGMAPS}/cm`,
        '[{"op": "add", "path": "/data/b", "value": "2"}]',
        jsonPatch,
      );
      assert.equal(patched.code, 200, JSON.stringify(patched.body));
      assert.deepEqual(patched.body.data, { a: "2", b: "2" });
    });

    it("YAML bodies: create and update as JSON, YAML 1.1 values, malformed YAML 400, duplicate keys by directive", async (t) => {
      if (!ready(t)) return;
      const yaml = "application/yaml";
      const created = await send(
        "POST",
        DEPLOYMENTS,
        `apiVersion: apps/v1
kind: Deployment
metadata:
  name: from-yaml
  labels: {app: yaml}
spec:
  paused: yes
  replicas: 0x3
  selector:
    matchLabels:
      app: yaml
  template:
    metadata:
      labels:
        app: yaml
    spec:
      containers:
      - name: c
        image: "nginx:1.25"
`,
        yaml,
      );
      assert.equal(created.code, 201, JSON.stringify(created.body));
      assert.deepEqual(created.warnings, []);
      // YAML 1.1: `yes` is true, 0x3 is 3; defaults applied as for JSON.
      assert.equal(created.body.spec.paused, true);
      assert.equal(created.body.spec.replicas, 3);
      assert.equal(created.body.spec.revisionHistoryLimit, 10);
      assert.equal(created.body.metadata.labels.app, "yaml");
      const rv = created.body.metadata.resourceVersion as string;
      const updated = await send(
        "PUT",
        `${CONFIGMAPS}/cm`,
        `# a comment
metadata:
  name: cm
data:
  a: "from yaml"
  when: 2024-01-02
  at: 2001-12-14t21:59:43.10-05:00
  clock: 1:20
  multi: |
    line 1
    line 2
`,
        "application/yaml; charset=utf-8",
      );
      assert.equal(updated.code, 200, JSON.stringify(updated.body));
      // go-yaml v2 keeps timestamps (and sexagesimal numbers) as the strings they are written as.
      assert.deepEqual(updated.body.data, {
        a: "from yaml",
        when: "2024-01-02",
        at: "2001-12-14t21:59:43.10-05:00",
        clock: "1:20",
        multi: "line 1\nline 2\n",
      });
      const read = await ok("GET", `${CONFIGMAPS}/cm`);
      assert.deepEqual(read.data, updated.body.data);
      assert.equal((await ok("GET", `${DEPLOYMENTS}/from-yaml`)).metadata.resourceVersion, rv);

      const malformed = "metadata:\n  name: y\ndata:\n  a: b: c\n";
      await refused(
        "POST",
        CONFIGMAPS,
        malformed,
        badRequest(
          `the object provided is unrecognized (must be of type ConfigMap): error converting YAML to JSON: yaml: line 4: mapping values are not allowed in this context (${hex(malformed)} ...)`,
        ),
        yaml,
      );
      const list = "- metadata:\n    name: y\n";
      await refused(
        "POST",
        CONFIGMAPS,
        list,
        badRequest(
          `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" } (${hex(list)})`,
        ),
        yaml,
      );
      await refused(
        "POST",
        CONFIGMAPS,
        "kind: Secret\napiVersion: v1\nmetadata:\n  name: y\n",
        badRequest(
          'Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion',
        ),
        yaml,
      );
      // Repeated keys (go-yaml's lines), then unknown fields in the converted JSON's (sorted) order.
      const dupes = "metadata:\n  name: dupes\ndata:\n  a: '1'\n  a: '2'\nzeta: 1\nalpha: 2\n";
      await refused(
        "POST",
        `${CONFIGMAPS}?fieldValidation=Strict`,
        dupes,
        badRequest(
          'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: error converting YAML to JSON: yaml: unmarshal errors:\n  line 5: key "a" already set in map, unknown field "alpha", unknown field "zeta"',
        ),
        yaml,
      );
      const warned = await send("POST", CONFIGMAPS, dupes, yaml);
      assert.equal(warned.code, 201, JSON.stringify(warned.body));
      assert.deepEqual(warned.warnings, [
        'line 5: key "a" already set in map',
        'unknown field "alpha"',
        'unknown field "zeta"',
      ]);
      assert.deepEqual(warned.body.data, { a: "2" });
      const ignored = await send(
        "POST",
        `${CONFIGMAPS}?fieldValidation=Ignore`,
        dupes.replace("dupes", "dupes2"),
        yaml,
      );
      assert.equal(ignored.code, 201);
      assert.deepEqual(ignored.warnings, []);
    });
  });
}
