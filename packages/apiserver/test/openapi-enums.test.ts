import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { dispatchedKubectls, KUBECTL, kubectlMinor, requireProgram } from "@wharf/testing";
import protobuf from "protobufjs";
import { adminJson, adminRequest, adminServerSuite } from "./support/local-server.js";

// The enum values kube-apiserver 1.28 publishes in its OpenAPI documents (the
// OpenAPIEnums feature, on by default) for the fields whose Go type is a
// `+enum` string type: an `enum` array and, after the field's description,
// kube-openapi's "Possible enum values" paragraph, in v3 and v2 alike.

const run = promisify(execFile);

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON and protobuf documents.
type Json = any;

const PULL_POLICY_DESCRIPTION =
  "Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise. Cannot be updated. More info: https://kubernetes.io/docs/concepts/containers/images#updating-images\n\nPossible enum values:\n" +
  ' - `"Always"` means that kubelet always attempts to pull the latest image. Container will fail If the pull fails.\n' +
  " - `\"IfNotPresent\"` means that kubelet pulls if the image isn't present on disk. Container will fail if the image isn't present and the pull fails.\n" +
  ' - `"Never"` means that kubelet never pulls an image, but only uses a local image. Container will fail if the image isn\'t present';

/** The "Possible enum values" paragraphs kube 1.28 appends, by definition and field. */
const SUFFIXES: Record<string, Record<string, { values: string[]; suffix: string }>> = {
  "io.k8s.api.core.v1.PodSpec": {
    restartPolicy: {
      values: ["Always", "Never", "OnFailure"],
      suffix: "\n\nPossible enum values:\n" + ' - `"Always"`\n' + ' - `"Never"`\n' + ' - `"OnFailure"`',
    },
    dnsPolicy: {
      values: ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
      suffix:
        "\n\nPossible enum values:\n" +
        ' - `"ClusterFirst"` indicates that the pod should use cluster DNS first unless hostNetwork is true, if it is available, then fall back on the default (as determined by kubelet) DNS settings.\n' +
        ' - `"ClusterFirstWithHostNet"` indicates that the pod should use cluster DNS first, if it is available, then fall back on the default (as determined by kubelet) DNS settings.\n' +
        ' - `"Default"` indicates that the pod should use the default (as determined by kubelet) DNS settings.\n' +
        ' - `"None"` indicates that the pod should use empty DNS settings. DNS parameters such as nameservers and search paths should be defined via DNSConfig.',
    },
  },
  "io.k8s.api.core.v1.ServiceSpec": {
    type: {
      values: ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
      suffix:
        "\n\nPossible enum values:\n" +
        ' - `"ClusterIP"` means a service will only be accessible inside the cluster, via the cluster IP.\n' +
        ' - `"ExternalName"` means a service consists of only a reference to an external name that kubedns or equivalent will return as a CNAME record, with no exposing or proxying of any pods involved.\n' +
        " - `\"LoadBalancer\"` means a service will be exposed via an external load balancer (if the cloud provider supports it), in addition to 'NodePort' type.\n" +
        " - `\"NodePort\"` means a service will be exposed on one port of every node, in addition to 'ClusterIP' type.",
    },
    // The backward-compatible ServiceExternalTrafficPolicyType* constants repeat the cases, without comments.
    externalTrafficPolicy: {
      values: ["Cluster", "Cluster", "Local", "Local"],
      suffix:
        "\n\nPossible enum values:\n" +
        ' - `"Cluster"`\n' +
        ' - `"Cluster"` routes traffic to all endpoints.\n' +
        ' - `"Local"`\n' +
        ' - `"Local"` preserves the source IP of the traffic by routing only to endpoints on the same node as the traffic was received on (dropping the traffic if there are no local endpoints).',
    },
  },
  "io.k8s.api.core.v1.PersistentVolumeClaimSpec": {
    volumeMode: {
      values: ["Block", "Filesystem"],
      suffix:
        "\n\nPossible enum values:\n" +
        ' - `"Block"` means the volume will not be formatted with a filesystem and will remain a raw block device.\n' +
        ' - `"Filesystem"` means the volume will be or is formatted with a filesystem.',
    },
  },
  "io.k8s.api.apps.v1.DeploymentStrategy": {
    type: {
      values: ["Recreate", "RollingUpdate"],
      suffix:
        "\n\nPossible enum values:\n" +
        ' - `"Recreate"` Kill all existing pods before creating new ones.\n' +
        ' - `"RollingUpdate"` Replace the old ReplicaSets by new one using rolling update i.e gradually scale down the old ReplicaSets and scale up the new one.',
    },
  },
  "io.k8s.api.networking.v1.HTTPIngressPath": {
    pathType: {
      values: ["Exact", "ImplementationSpecific", "Prefix"],
      suffix:
        "\n\nPossible enum values:\n" +
        ' - `"Exact"` matches the URL path exactly and with case sensitivity.\n' +
        ' - `"ImplementationSpecific"` matching is up to the IngressClass. Implementations can treat this as a separate PathType or treat it identically to Prefix or Exact path types.\n' +
        " - `\"Prefix\"` matches based on a URL path prefix split by '/'. Matching is case sensitive and done on a path element by element basis. A path element refers to the list of labels in the path split by the '/' separator. A request is a match for path p if every p is an element-wise prefix of p of the request path. Note that if the last element of the path is a substring of the last element in request path, it is not a match (e.g. /foo/bar matches /foo/bar/baz, but does not match /foo/barbaz). If multiple matching paths exist in an Ingress spec, the longest matching path is given priority. Examples: - /foo/bar does not match requests to /foo/barbaz - /foo/bar matches request to /foo/bar and /foo/bar/baz - /foo and /foo/ both match requests to /foo and /foo/. If both paths are present in an Ingress spec, the longest matching path (/foo/) is given priority.",
    },
  },
  // A field of another package's enum type (core/v1 Protocol), through a pointer.
  "io.k8s.api.discovery.v1.EndpointPort": {
    protocol: {
      values: ["SCTP", "TCP", "UDP"],
      suffix:
        "\n\nPossible enum values:\n" +
        ' - `"SCTP"` is the SCTP protocol.\n' +
        ' - `"TCP"` is the TCP protocol.\n' +
        ' - `"UDP"` is the UDP protocol.',
    },
  },
};

/** The documents each checked definition is served in (v3 path). */
const V3_PATH: Record<string, string> = {
  "io.k8s.api.core.v1": "api/v1",
  "io.k8s.api.apps.v1": "apis/apps/v1",
  "io.k8s.api.networking.v1": "apis/networking.k8s.io/v1",
  "io.k8s.api.discovery.v1": "apis/discovery.k8s.io/v1",
};
const v3PathOf = (def: string) => V3_PATH[def.slice(0, def.lastIndexOf("."))]!;

// What `kubectl explain pod.spec.containers.imagePullPolicy` prints against
// kube-apiserver 1.28 with kubectl 1.28 (the OpenAPI v3 template): the field's
// description, wrapped at 80 columns, with the enum paragraph. kubectl 1.30 and
// later also print the schema's `enum` as an ENUM block.
const EXPLAIN_PULL_POLICY = `KIND:       Pod
VERSION:    v1

FIELD: imagePullPolicy <string>

DESCRIPTION:
    Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if
    :latest tag is specified, or IfNotPresent otherwise. Cannot be updated. More
    info: https://kubernetes.io/docs/concepts/containers/images#updating-images
    
    Possible enum values:
     - \`"Always"\` means that kubelet always attempts to pull the latest image.
    Container will fail If the pull fails.
     - \`"IfNotPresent"\` means that kubelet pulls if the image isn't present on
    disk. Container will fail if the image isn't present and the pull fails.
     - \`"Never"\` means that kubelet never pulls an image, but only uses a local
    image. Container will fail if the image isn't present
    

`;

// gnostic's Schema message, the fields this test reads (openapiv2/OpenAPIv2.proto numbers).
const GNOSTIC_SUBSET = `
syntax = "proto3";
package openapi.v2;
message Any { string yaml = 2; }
message NamedSchema { string name = 1; Schema value = 2; }
message Properties { repeated NamedSchema additional_properties = 1; }
message Schema { string description = 4; repeated Any enum = 20; Properties properties = 25; }
message Definitions { repeated NamedSchema additional_properties = 1; }
message Document { Definitions definitions = 9; }
`;

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver on ${backend}: enum values in /openapi/v2 and /openapi/v3`, () => {
    const suite = adminServerSuite(backend, "wharf-openapi-enums-");

    const getJson = async (path: string): Promise<Json> => {
      const r = await adminJson(suite.api!.url, "GET", path);
      assert.equal(r.code, 200, path);
      return r.body;
    };

    it("v3: enum arrays and the Possible enum values paragraph", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const docs = new Map<string, Json>();
      const doc = async (p: string) => {
        if (!docs.has(p)) docs.set(p, await getJson(`/openapi/v3/${p}`));
        return docs.get(p);
      };
      const pull = (await doc("api/v1")).components.schemas["io.k8s.api.core.v1.Container"].properties.imagePullPolicy;
      assert.deepEqual(pull, {
        type: "string",
        description: PULL_POLICY_DESCRIPTION,
        enum: ["Always", "IfNotPresent", "Never"],
      });
      const ephemeral = (await doc("api/v1")).components.schemas["io.k8s.api.core.v1.EphemeralContainer"].properties;
      assert.deepEqual(ephemeral.imagePullPolicy.enum, ["Always", "IfNotPresent", "Never"]);
      for (const [def, fields] of Object.entries(SUFFIXES)) {
        const props = (await doc(v3PathOf(def))).components.schemas[def].properties;
        for (const [field, want] of Object.entries(fields)) {
          assert.deepEqual(props[field].enum, want.values, `${def}.${field}`);
          assert.ok(props[field].description.endsWith(want.suffix), `${def}.${field}: ${props[field].description}`);
          assert.equal(props[field].description.split("Possible enum values:").length, 2, `${def}.${field}`);
        }
      }
      // Lists of enum values (accessModes, ipFamilies) carry none, as kube-openapi only marks a field of the type.
      const pvc = (await doc("api/v1")).components.schemas["io.k8s.api.core.v1.PersistentVolumeClaimSpec"].properties;
      assert.equal(pvc.accessModes.items.enum, undefined);
      assert.equal(pvc.accessModes.enum, undefined);
      assert.ok(!pvc.accessModes.description.includes("Possible enum values"));
    });

    it("v3: every enum property lists each of its values in its description", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const index = await getJson("/openapi/v3");
      let total = 0;
      const counts: Record<string, number> = {};
      for (const path of Object.keys(index.paths)) {
        const doc = await getJson(`/openapi/v3/${path}`);
        for (const [name, s] of Object.entries<Json>(doc.components?.schemas ?? {})) {
          for (const [field, p] of Object.entries<Json>(s.properties ?? {})) {
            if (p.enum === undefined) continue;
            counts[path] = (counts[path] ?? 0) + 1;
            total++;
            assert.equal(p.type, "string", `${name}.${field}`);
            const [, paragraph] = (p.description as string).split("\n\nPossible enum values:\n");
            assert.ok(paragraph !== undefined, `${name}.${field}`);
            const listed = paragraph.split("\n").map((l) => /^ - `"([^"]*)"`/.exec(l)?.[1]);
            assert.deepEqual([...listed].sort(), [...p.enum].sort(), `${name}.${field}`);
          }
        }
      }
      assert.ok(total > 0);
      // Enum properties in the core and apps documents: this server's figures, from the same data (kube 1.28's
      // own are not published: its committed spec snapshots are generated with OpenAPIEnums=false).
      assert.equal(counts["api/v1"], 42);
      assert.equal(counts["apis/apps/v1"], 28);
    });

    it("v2 carries the same enums, in JSON and in gnostic's protobuf", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      const v2 = await getJson("/openapi/v2");
      const pull = v2.definitions["io.k8s.api.core.v1.Container"].properties.imagePullPolicy;
      assert.deepEqual(pull, {
        type: "string",
        description: PULL_POLICY_DESCRIPTION,
        enum: ["Always", "IfNotPresent", "Never"],
      });
      const path = v2.definitions["io.k8s.api.networking.v1.HTTPIngressPath"].properties.pathType;
      assert.deepEqual(path.enum, ["Exact", "ImplementationSpecific", "Prefix"]);

      const r = await adminRequest(api.url, "GET", "/openapi/v2", {
        accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
      });
      assert.equal(r.code, 200);
      const Document = protobuf.parse(GNOSTIC_SUBSET).root.lookupType("openapi.v2.Document");
      const doc = Document.toObject(Document.decode(r.body)) as Json;
      const container = doc.definitions.additionalProperties.find(
        (d: Json) => d.name === "io.k8s.api.core.v1.Container",
      ).value;
      const prop = container.properties.additionalProperties.find((p: Json) => p.name === "imagePullPolicy").value;
      assert.equal(prop.description, PULL_POLICY_DESCRIPTION);
      assert.deepEqual(
        prop.enum.map((a: Json) => JSON.parse(a.yaml)),
        ["Always", "IfNotPresent", "Never"],
      );
    });

    it("kubectl explain prints the enum descriptions, and kubectl 1.30 and later the enum values", async (t) => {
      const api = suite.ready(t);
      if (!api) return;
      if (!KUBECTL && !requireProgram(t, "/usr/bin/kubectl", "kubernetes-client")) return;
      // The machine's kubectl, and the newest of a dispatcher's when it carries one beside itself.
      const newest = dispatchedKubectls(KUBECTL!).at(-1);
      const kubectls = [{ path: KUBECTL!, minor: kubectlMinor(KUBECTL!) }, ...(newest ? [newest] : [])];
      let ran = 0;
      for (const { path, minor } of kubectls) {
        if (minor < 28) continue;
        const out = (
          await run(path, [
            `--kubeconfig=${suite.kubeconfig}`,
            `--cache-dir=${join(suite.dir.path, `cache-${minor}`)}`,
            "explain",
            "pod.spec.containers.imagePullPolicy",
          ])
        ).stdout;
        const field = "FIELD: imagePullPolicy <string>\n";
        const want =
          minor >= 30
            ? EXPLAIN_PULL_POLICY.replace(field, `${field}ENUM:\n    Always\n    IfNotPresent\n    Never\n`)
            : EXPLAIN_PULL_POLICY;
        assert.equal(out, want, `kubectl 1.${minor}`);
        ran++;
      }
      if (ran === 0) t.skip(`kubectl 1.${kubectls[0]!.minor}: explain's v3 layout is kubectl 1.28's and later`);
    });
  });
}
