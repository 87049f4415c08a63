import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { AuthenticationV1Api, KubeConfig } from "@kubernetes/client-node";
import {
  ETCD_BIN,
  eventually,
  KUBECTL,
  kubectlMinor,
  type ProcessServer,
  requireProgram,
  tempDir,
} from "@wharf/testing";
import type { RunningApiServer } from "../src/index.js";
import { KUBE_128_API_VERSIONS } from "./support/kube-1-28.js";
import { adminRequest, startAdminServer } from "./support/local-server.js";

const run = promisify(execFile);
/**
 * The kubectls to drive: WHARF_KUBECTLS (paths separated by `:`; `.ci/run` gives Debian's 1.20 beside the
 * machine's newer one), else the one on the machine. Each is known by the version that runs against a 1.28
 * server (`kubectlMinor`: Google Cloud SDK's dispatcher runs its 1.28 there).
 */
const KUBECTLS = (process.env.WHARF_KUBECTLS ?? KUBECTL ?? "").split(":").filter((p) => p !== "");

/**
 * What kubectl itself prints differently across the versions this suite knows: Debian's 1.20 (`legacy`) and
 * 1.28 and later. The server's part of every answer is the same for both.
 */
interface Dialect {
  minor: number;
  /** 1.20: no CATEGORIES column in `api-resources -o wide`, managedFields shown by `get -o yaml` (there is no
   * `--show-managed-fields`), `label k-` reports "labeled", the server's 415 for a strategic patch of a custom
   * resource printed as the server words it, `explain` from /openapi/v2 in its older layout, no `auth whoami`. */
  legacy: boolean;
}

// The issue's kubectl proof suite: the everyday kubectl commands against the
// API server on Debian's etcd and on brain, each command's output asserted as
// kubectl prints it against kube-apiserver 1.28 (tables with their headers,
// the verbs kubectl reports, jsonpath values, diff's exit codes, errors).

/** The manifest set (Deployment, Service, ConfigMap, Secret) in namespace `ns`, as one YAML stream. */
const appManifests = (ns: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels:
    app: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
  labels:
    app: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: ${ns}
  labels:
    app: web
data:
  color: blue
---
apiVersion: v1
kind: Secret
metadata:
  name: web-secret
  namespace: ${ns}
type: Opaque
stringData:
  password: hunter2
`;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wd]
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - name: Size
      type: integer
      jsonPath: .spec.size
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size:
                type: integer
              color:
                type: string
`;

const widget = (ns: string, size = 3) => `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w1
  namespace: ${ns}
  labels:
    app: web
spec:
  size: ${size}
  color: red
`;

/** A kubectl table as rows of cells (kubectl pads columns with at least 3 spaces); ages become `<age>`. */
function table(out: string): string[][] {
  return out
    .trimEnd()
    .split("\n")
    .map((line) =>
      line
        .trim()
        .split(/\s{2,}/)
        .map((c) => (/^(\d+[smhd])+$/.test(c) ? "<age>" : c)),
    );
}

/** The outcome of a kubectl run that may fail. */
interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

const dialects: (Dialect & { kubectl?: string })[] = KUBECTLS.length
  ? KUBECTLS.map((kubectl) => {
      const minor = kubectlMinor(kubectl);
      return { kubectl, minor, legacy: minor <= 20 };
    })
  : [{ minor: 0, legacy: false }];
const runs = dialects.flatMap((d) => (["etcd", "brain"] as const).map((backend) => ({ ...d, backend })));

for (const { kubectl: KUBECTL, minor, legacy, backend } of runs) {
  const untested = KUBECTL !== undefined && minor > 20 && minor < 28;
  describe(`kubectl${KUBECTL ? ` 1.${minor}` : ""} suite on ${backend}`, () => {
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;
    const dir = tempDir("wharf-kubectl-suite-");
    const kubeconfig = join(dir.path, "kubeconfig");
    const children: ChildProcess[] = [];

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      const ctx = t as any;
      if (!KUBECTL && !requireProgram(ctx, "/usr/bin/kubectl", "kubernetes-client")) return;
      if (untested) {
        ctx.skip(`kubectl 1.${minor}: this suite's expectations are written for 1.20 (Debian's) and 1.28 and later`);
        return;
      }
      if (backend === "etcd" && !requireProgram(ctx, ETCD_BIN, "etcd-server")) return;
      ({ store, api } = await startAdminServer(backend, dir.path));
    });
    after(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
      await api?.close();
      await store?.stop();
      dir.remove();
    });

    const ready = (t: { skip(m: string): void }) => {
      if (!api) t.skip(!KUBECTL ? "no kubectl" : untested ? `kubectl 1.${minor} is not covered` : "no backend");
      return api !== undefined;
    };
    /** kubectl's argv: its own discovery cache in the temp dir, the admin kubeconfig. */
    const argv = (args: string[]) => [`--kubeconfig=${kubeconfig}`, `--cache-dir=${join(dir.path, "cache")}`, ...args];
    const env = (extra: Record<string, string> = {}) => ({ ...process.env, KUBECONFIG: "", ...extra });
    /** kubectl that must succeed: its stdout, trailing newline removed. */
    const kubectl = async (...args: string[]) => (await run(KUBECTL!, argv(args), { env: env() })).stdout.trimEnd();
    /** kubectl whatever its exit code. */
    const outcome = async (args: string[], extra: Record<string, string> = {}): Promise<Outcome> => {
      try {
        const r = await run(KUBECTL!, argv(args), { env: env(extra) });
        return { code: 0, stdout: r.stdout, stderr: r.stderr };
      } catch (e) {
        const x = e as { code?: number; stdout?: string; stderr?: string };
        return { code: Number(x.code), stdout: String(x.stdout), stderr: String(x.stderr) };
      }
    };
    const file = (name: string, text: string) => {
      const path = join(dir.path, name);
      writeFileSync(path, text);
      return path;
    };

    it("api-versions, api-resources and explain deployment.spec.strategy", async (t) => {
      if (!ready(t)) return;
      assert.deepEqual((await kubectl("api-versions")).split("\n"), KUBE_128_API_VERSIONS);
      const resources = table(await kubectl("api-resources"));
      assert.deepEqual(resources[0], ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]);
      const row = (name: string) => resources.find((r) => r[0] === name);
      assert.deepEqual(row("bindings"), ["bindings", "v1", "true", "Binding"]);
      assert.deepEqual(row("configmaps"), ["configmaps", "cm", "v1", "true", "ConfigMap"]);
      assert.deepEqual(row("deployments"), ["deployments", "deploy", "apps/v1", "true", "Deployment"]);
      assert.deepEqual(row("customresourcedefinitions"), [
        "customresourcedefinitions",
        "crd,crds",
        "apiextensions.k8s.io/v1",
        "false",
        "CustomResourceDefinition",
      ]);
      assert.deepEqual(row("selfsubjectreviews"), [
        "selfsubjectreviews",
        "authentication.k8s.io/v1",
        "false",
        "SelfSubjectReview",
      ]);
      // api-resources lists what `get` can show: create-only kinds are listed, subresources are not.
      assert.equal(
        resources.some((r) => r[0].includes("/")),
        false,
      );
      const wide = table(await kubectl("api-resources", "--api-group=apps", "-o", "wide"));
      // The categories come from discovery; kubectl 1.20 does not print them.
      const categories = legacy ? [] : ["CATEGORIES"];
      assert.deepEqual(wide[0], ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS", ...categories]);
      assert.deepEqual(
        wide.find((r) => r[0] === "deployments"),
        [
          "deployments",
          "deploy",
          "apps/v1",
          "true",
          "Deployment",
          legacy
            ? "[create delete deletecollection get list patch update watch]"
            : "create,delete,deletecollection,get,list,patch,update,watch",
          ...(legacy ? [] : ["all"]),
        ],
      );
      const explain = await kubectl("explain", "deployment.spec.strategy");
      if (legacy) {
        // kubectl 1.20 explains from /openapi/v2 (its protobuf form), in its older layout.
        assert.equal(
          explain,
          [
            "KIND:     Deployment",
            "VERSION:  apps/v1",
            "",
            "RESOURCE: strategy <Object>",
            "",
            "DESCRIPTION:",
            "     The deployment strategy to use to replace existing pods with new ones.",
            "",
            "     DeploymentStrategy describes how to replace existing pods with new ones.",
            "",
            "FIELDS:",
            "   rollingUpdate\t<Object>",
            "     Rolling update config params. Present only if DeploymentStrategyType =",
            "     RollingUpdate.",
            "",
            "   type\t<string>",
            '     Type of deployment. Can be "Recreate" or "RollingUpdate". Default is',
            "     RollingUpdate.",
            "",
            "     Possible enum values:",
            '     - `"Recreate"` Kill all existing pods before creating new ones.',
            '     - `"RollingUpdate"` Replace the old ReplicaSets by new one using rolling',
            "     update i.e gradually scale down the old ReplicaSets and scale up the new",
            "     one.",
          ].join("\n"),
        );
        return;
      }
      assert.match(
        explain,
        /^GROUP: {6}apps\nKIND: {7}Deployment\nVERSION: {4}v1\n\nFIELD: strategy <DeploymentStrategy>\n\nDESCRIPTION:\n {4}The deployment strategy to use to replace existing pods with new ones.\n {4}DeploymentStrategy describes how to replace existing pods with new ones.\n/,
      );
      assert.match(
        explain,
        /\nFIELDS:\n {2}rollingUpdate\t<RollingUpdateDeployment>\n {4}Rolling update config params. Present only if DeploymentStrategyType =\n {4}RollingUpdate.\n\n {2}type\t<string>\n/,
      );
      assert.match(
        explain,
        /\n {4}Type of deployment. Can be "Recreate" or "RollingUpdate". Default is\n {4}RollingUpdate./,
      );
    });

    it("create namespace; apply -f of the manifest set, the CRD (waited for) and a custom resource", async (t) => {
      if (!ready(t)) return;
      assert.equal(await kubectl("create", "namespace", "proof"), "namespace/proof created");
      const again = await outcome(["create", "namespace", "proof"]);
      assert.equal(again.code, 1, "creating it twice fails");
      assert.equal(again.stderr.trim(), 'Error from server (AlreadyExists): namespaces "proof" already exists');
      const app = file("app.yaml", appManifests("proof"));
      assert.equal(
        await kubectl("apply", "-f", app),
        [
          "deployment.apps/web created",
          "service/web created",
          "configmap/web-config created",
          "secret/web-secret created",
        ].join("\n"),
      );
      const crd = file("crd.yaml", CRD);
      assert.equal(
        await kubectl("apply", "-f", crd),
        "customresourcedefinition.apiextensions.k8s.io/widgets.example.com created",
      );
      assert.equal(
        await kubectl("wait", "--for=condition=Established", "--timeout=30s", "crd/widgets.example.com"),
        "customresourcedefinition.apiextensions.k8s.io/widgets.example.com condition met",
      );
      const cr = file("widget.yaml", widget("proof"));
      assert.equal(await kubectl("apply", "-f", cr), "widget.example.com/w1 created");
      // The same manifests again: nothing to change. The secret is configured each time, as against kube: its
      // stringData is merged into data and never stored, so kubectl's patch always has it.
      assert.equal(
        await kubectl("apply", "-f", app, "-f", crd, "-f", cr),
        [
          "deployment.apps/web unchanged",
          "service/web unchanged",
          "configmap/web-config unchanged",
          "secret/web-secret configured",
          "customresourcedefinition.apiextensions.k8s.io/widgets.example.com unchanged",
          "widget.example.com/w1 unchanged",
        ].join("\n"),
      );
      // A changed replica count is configured; the rest stays unchanged.
      assert.equal(
        await kubectl("apply", "-f", file("app3.yaml", appManifests("proof", 3))),
        [
          "deployment.apps/web configured",
          "service/web unchanged",
          "configmap/web-config unchanged",
          "secret/web-secret configured",
        ].join("\n"),
      );
      assert.equal(
        await kubectl("apply", "-f", file("widget5.yaml", widget("proof", 5))),
        "widget.example.com/w1 configured",
      );
      // The new kind is discovered.
      const resources = table(await kubectl("api-resources", "--api-group=example.com"));
      assert.deepEqual(resources, [
        ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"],
        ["widgets", "wd", "example.com/v1", "true", "Widget"],
      ]);
      assert.ok((await kubectl("api-versions")).split("\n").includes("example.com/v1"));
    });

    it("diff: exit code 1 with the changed lines, 0 when the manifest matches", async (t) => {
      if (!ready(t)) return;
      const same = await outcome(["diff", "-f", file("app3-again.yaml", appManifests("proof", 3))]);
      assert.deepEqual(same, { code: 0, stdout: "", stderr: "" });
      const changed = await outcome(["diff", "-f", file("app4.yaml", appManifests("proof", 4))]);
      assert.equal(changed.code, 1, changed.stderr);
      assert.equal(changed.stderr, "");
      assert.match(
        changed.stdout,
        /^diff -u -N \S+\/LIVE-\d+\/apps\.v1\.Deployment\.proof\.web \S+\/MERGED-\d+\/apps\.v1\.Deployment\.proof\.web\n--- /,
      );
      assert.match(changed.stdout, /\n- {2}replicas: 3\n\+ {2}replicas: 4\n/);
      // The dry run goes through the strategy: generation moves as it would.
      assert.match(changed.stdout, /\n- {2}generation: 2\n\+ {2}generation: 3\n/);
      // Only the deployment differs.
      assert.equal(changed.stdout.match(/^diff -u -N/gm)?.length, 1);
      assert.equal(await kubectl("get", "deploy", "web", "-n", "proof", "-o", "jsonpath={.spec.replicas}"), "3");
    });

    it("get: default, -o wide, -o yaml, -o jsonpath, -l, --field-selector, -A", async (t) => {
      if (!ready(t)) return;
      const n = ["-n", "proof"];
      assert.deepEqual(table(await kubectl("get", "deployments", ...n)), [
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        ["web", "0/3", "0", "0", "<age>"],
      ]);
      assert.deepEqual(table(await kubectl("get", "deployments", ...n, "-o", "wide")), [
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
        ["web", "0/3", "0", "0", "<age>", "nginx", "nginx:1.25", "app=web"],
      ]);
      const svc = table(await kubectl("get", "service", "web", ...n, "-o", "wide"));
      assert.deepEqual(svc[0], ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"]);
      assert.match(svc[1]?.join(" ") ?? "", /^web ClusterIP 10\.0\.0\.\d+ <none> 80\/TCP <age> app=web$/);
      assert.deepEqual(table(await kubectl("get", "secrets", ...n)), [
        ["NAME", "TYPE", "DATA", "AGE"],
        ["web-secret", "Opaque", "1", "<age>"],
      ]);
      assert.deepEqual(table(await kubectl("get", "widgets", ...n)), [
        ["NAME", "SIZE", "AGE"],
        ["w1", "5", "<age>"],
      ]);
      assert.match(
        await kubectl("get", "crd"),
        /^NAME {18}CREATED AT\nwidgets\.example\.com {3}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
      // Several kinds at once: one table per kind, names qualified.
      assert.deepEqual(table(await kubectl("get", "deploy,cm,wd", ...n)), [
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        ["deployment.apps/web", "0/3", "0", "0", "<age>"],
        [""],
        ["NAME", "DATA", "AGE"],
        ["configmap/web-config", "1", "<age>"],
        [""],
        ["NAME", "SIZE", "AGE"],
        ["widget.example.com/w1", "5", "<age>"],
      ]);

      const yaml = await kubectl("get", "deployment", "web", ...n, "-o", "yaml");
      for (const line of [
        /^apiVersion: apps\/v1$/m,
        /^kind: Deployment$/m,
        /^metadata:\n {2}annotations:\n {4}kubectl\.kubernetes\.io\/last-applied-configuration: \|\n/m,
        /^ {2}creationTimestamp: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/m,
        /^ {2}generation: 2$/m,
        /^ {2}name: web$/m,
        /^ {2}namespace: proof$/m,
        /^ {2}resourceVersion: "\d+"$/m,
        /^ {2}uid: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/m,
        /^spec:\n {2}progressDeadlineSeconds: 600\n {2}replicas: 3\n {2}revisionHistoryLimit: 10\n/m,
        /^ {2}strategy:\n {4}rollingUpdate:\n {6}maxSurge: 25%\n {6}maxUnavailable: 25%\n {4}type: RollingUpdate$/m,
        /^ {6}- image: nginx:1\.25\n {8}imagePullPolicy: IfNotPresent\n {8}name: nginx\n {8}ports:\n {8}- containerPort: 80\n {10}protocol: TCP\n {8}resources: \{\}\n {8}terminationMessagePath: \/dev\/termination-log\n {8}terminationMessagePolicy: File\n {6}dnsPolicy: ClusterFirst\n {6}restartPolicy: Always\n {6}schedulerName: default-scheduler\n {6}securityContext: \{\}\n {6}terminationGracePeriodSeconds: 30\n/m,
        /^status: \{\}$/m,
      ]) {
        assert.match(yaml, line);
      }
      if (legacy) {
        // kubectl 1.20 prints managedFields, here client-side apply's entry.
        assert.match(yaml, /^ {2}managedFields:\n {2}- apiVersion: apps\/v1\n {4}fieldsType: FieldsV1\n/m);
        assert.match(yaml, /^ {4}manager: kubectl-client-side-apply\n {4}operation: Update\n/m);
      } else assert.doesNotMatch(yaml, /managedFields/, "kubectl hides managedFields");
      const secret = await kubectl("get", "secret", "web-secret", ...n, "-o", "yaml");
      assert.match(secret, /^data:\n {2}password: aHVudGVyMg==\nkind: Secret\n/m);
      assert.match(secret, /^type: Opaque$/m);
      assert.doesNotMatch(secret, /^stringData/m, "stringData is write-only");

      assert.equal(
        await kubectl(
          "get",
          "deploy",
          "web",
          ...n,
          "-o",
          "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}",
        ),
        "3 nginx:1.25",
      );
      assert.match(await kubectl("get", "svc", "web", ...n, "-o", "jsonpath={.spec.clusterIP}"), /^10\.0\.0\.\d+$/);
      assert.equal(
        await kubectl(
          "get",
          "cm,secret,wd",
          ...n,
          "-o",
          'jsonpath={range .items[*]}{.kind}/{.metadata.name}{"\\n"}{end}',
        ),
        "ConfigMap/web-config\nSecret/web-secret\nWidget/w1",
      );
      assert.equal(
        await kubectl("get", "secret", "web-secret", ...n, "-o", "jsonpath={.data.password}"),
        Buffer.from("hunter2").toString("base64"),
      );
      assert.equal(await kubectl("get", "wd", "w1", ...n, "-o", "jsonpath={.spec.size}"), "5");

      // -l: the labelled objects of every kind asked for; a selector nothing matches.
      assert.equal(
        await kubectl("get", "deploy,svc,cm,secret,wd", ...n, "-l", "app=web", "-o", "name"),
        "deployment.apps/web\nservice/web\nconfigmap/web-config\nwidget.example.com/w1",
      );
      assert.deepEqual(table(await kubectl("get", "cm", ...n, "-l", "app in (web,db)")), [
        ["NAME", "DATA", "AGE"],
        ["web-config", "1", "<age>"],
      ]);
      const none = await outcome(["get", "cm", ...n, "-l", "app=nope"]);
      assert.deepEqual(none, { code: 0, stdout: "", stderr: "No resources found in proof namespace.\n" });
      // --field-selector: metadata fields, a kind's own fields, and kube's error for others.
      assert.deepEqual(table(await kubectl("get", "secrets", ...n, "--field-selector", "type=Opaque")), [
        ["NAME", "TYPE", "DATA", "AGE"],
        ["web-secret", "Opaque", "1", "<age>"],
      ]);
      assert.equal(
        await kubectl("get", "cm", ...n, "--field-selector", "metadata.name=web-config", "-o", "name"),
        "configmap/web-config",
      );
      assert.equal(
        (await outcome(["get", "cm", ...n, "--field-selector", "metadata.name!=web-config"])).stderr,
        "No resources found in proof namespace.\n",
      );
      const badField = await outcome(["get", "cm", ...n, "--field-selector", "data.color=blue"]);
      assert.equal(badField.code, 1);
      assert.equal(
        badField.stderr.trim(),
        'Error from server (BadRequest): Unable to find "/v1, Resource=configmaps" that match label selector "", field selector "data.color=blue": field label not supported: data.color',
      );
      // -A: the NAMESPACE column, every namespace.
      assert.deepEqual(table(await kubectl("get", "deployments", "-A")), [
        ["NAMESPACE", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        ["proof", "web", "0/3", "0", "0", "<age>"],
      ]);
      const services = table(await kubectl("get", "services", "-A"));
      assert.deepEqual(services[0], ["NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]);
      assert.deepEqual(services[1], ["default", "kubernetes", "ClusterIP", "10.0.0.1", "<none>", "443/TCP", "<age>"]);
      assert.match(services[2]?.join(" ") ?? "", /^proof web ClusterIP 10\.0\.0\.\d+ <none> 80\/TCP <age>$/);
      assert.equal(services.length, 3);
      assert.deepEqual(table(await kubectl("get", "namespaces")), [
        ["NAME", "STATUS", "AGE"],
        ["default", "Active", "<age>"],
        ["kube-node-lease", "Active", "<age>"],
        ["kube-public", "Active", "<age>"],
        ["kube-system", "Active", "<age>"],
        ["proof", "Active", "<age>"],
      ]);
      const missing = await outcome(["get", "deploy", "nope", ...n]);
      assert.equal(missing.code, 1);
      assert.equal(missing.stderr.trim(), 'Error from server (NotFound): deployments.apps "nope" not found');
    });

    it("get -w prints the new row when the object changes; scale", async (t) => {
      if (!ready(t)) return;
      const child = spawn(KUBECTL!, argv(["get", "deployment", "web", "-n", "proof", "-w"]), { env: env() });
      children.push(child);
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        out += d.toString();
      });
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      try {
        await eventually(async () => assert.equal(table(out).length, 2, `the first rows: ${out}`), 20_000);
        assert.deepEqual(table(out), [
          ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
          ["web", "0/3", "0", "0", "<age>"],
        ]);
        assert.equal(
          await kubectl("scale", "deployment", "web", "-n", "proof", "--replicas=4"),
          "deployment.apps/web scaled",
        );
        await eventually(async () => assert.equal(table(out).length, 3, `the watch's rows: ${out}`), 20_000);
        assert.deepEqual(table(out)[2], ["web", "0/4", "0", "0", "<age>"]);
      } finally {
        child.kill("SIGTERM");
        await exited;
      }
      assert.equal(await kubectl("get", "deploy", "web", "-n", "proof", "-o", "jsonpath={.spec.replicas}"), "4");
      // scale's precondition: --current-replicas that does not match fails with kube's conflict.
      const stale = await outcome([
        "scale",
        "deployment",
        "web",
        "-n",
        "proof",
        "--current-replicas=2",
        "--replicas=1",
      ]);
      assert.equal(stale.code, 1);
      assert.match(stale.stderr, /^error: Expected replicas to be 2, was 4\n$/);
    });

    it("edit via KUBE_EDITOR", async (t) => {
      if (!ready(t)) return;
      const editor = file("editor.sh", `#!/bin/sh\nsed -i 's/color: blue/color: green/' "$1"\n`);
      chmodSync(editor, 0o755);
      const edited = await outcome(["edit", "configmap", "web-config", "-n", "proof"], { KUBE_EDITOR: editor });
      assert.deepEqual(edited, { code: 0, stdout: "configmap/web-config edited\n", stderr: "" });
      assert.equal(await kubectl("get", "cm", "web-config", "-n", "proof", "-o", "jsonpath={.data.color}"), "green");
      // Nothing to change the second time: kubectl cancels the edit.
      const unchanged = await outcome(["edit", "configmap", "web-config", "-n", "proof"], { KUBE_EDITOR: editor });
      assert.equal(unchanged.code, 0);
      assert.match(unchanged.stdout + unchanged.stderr, /Edit cancelled, no changes made\./);
      // A custom resource (merge patch).
      const crEditor = file("editor-cr.sh", `#!/bin/sh\nsed -i 's/color: red/color: purple/' "$1"\n`);
      chmodSync(crEditor, 0o755);
      assert.equal(
        (await outcome(["edit", "widget", "w1", "-n", "proof"], { KUBE_EDITOR: crEditor })).stdout,
        "widget.example.com/w1 edited\n",
      );
      assert.equal(await kubectl("get", "wd", "w1", "-n", "proof", "-o", "jsonpath={.spec.color}"), "purple");
    });

    it("patch: json, merge and strategic", async (t) => {
      if (!ready(t)) return;
      const n = ["-n", "proof"];
      const get = (kind: string, path: string) => kubectl("get", kind, ...n, "-o", `jsonpath=${path}`);
      assert.equal(
        await kubectl(
          "patch",
          "deploy",
          "web",
          ...n,
          "--type=json",
          "-p",
          '[{"op":"replace","path":"/spec/replicas","value":2}]',
        ),
        "deployment.apps/web patched",
      );
      assert.equal(await get("deploy/web", "{.spec.replicas}"), "2");
      assert.equal(
        await kubectl("patch", "cm", "web-config", ...n, "--type=merge", "-p", '{"data":{"size":"L"}}'),
        "configmap/web-config patched",
      );
      assert.equal(await get("cm/web-config", "{.data.color} {.data.size}"), "green L");
      // Strategic: the container list merges by name, so its ports stay.
      const strategic = '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}}}';
      assert.equal(await kubectl("patch", "deploy", "web", ...n, "-p", strategic), "deployment.apps/web patched");
      assert.equal(
        await get(
          "deploy/web",
          "{.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}",
        ),
        "nginx:1.26 80",
      );
      assert.equal(
        await kubectl("patch", "deploy", "web", ...n, "--type=strategic", "-p", strategic),
        "deployment.apps/web patched (no change)",
      );
      // The same list in a merge patch replaces it: the ports are gone.
      assert.equal(
        await kubectl("patch", "deploy", "web", ...n, "--type=merge", "-p", strategic),
        "deployment.apps/web patched",
      );
      assert.equal(await get("deploy/web", "{.spec.template.spec.containers[0].ports}"), "");
      // Custom resources take json and merge patches; strategic merge is kube's 415.
      assert.equal(
        await kubectl(
          "patch",
          "wd",
          "w1",
          ...n,
          "--type=json",
          "-p",
          '[{"op":"replace","path":"/spec/size","value":6}]',
        ),
        "widget.example.com/w1 patched",
      );
      assert.equal(
        await kubectl("patch", "wd", "w1", ...n, "--type=merge", "-p", '{"spec":{"size":7}}'),
        "widget.example.com/w1 patched",
      );
      assert.equal(await get("wd/w1", "{.spec.size}"), "7");
      const refused = await outcome(["patch", "wd", "w1", ...n, "-p", '{"spec":{"size":8}}']);
      assert.equal(refused.code, 1);
      const unsupported =
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";
      assert.equal(
        refused.stderr.trim(),
        // kubectl 1.28 words the server's 415 itself; 1.20 prints it as the server's.
        legacy
          ? `Error from server (UnsupportedMediaType): ${unsupported}`
          : `error: application/strategic-merge-patch+json is not supported by example.com/v1, Kind=Widget: ${unsupported}`,
      );
      assert.equal(await get("wd/w1", "{.spec.size}"), "7");
      // kubectl cannot send another patch type: the built-in kinds' 415 lists their four.
      const other = await adminRequest(
        api!.url,
        "PATCH",
        "/apis/apps/v1/namespaces/proof/deployments/web",
        { "content-type": "application/json" },
        "{}",
      );
      assert.equal(other.code, 415);
      assert.equal(
        JSON.parse(other.body.toString()).message,
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml",
      );
      // A patch the server refuses: kube's 422 text.
      const invalid = await outcome(["patch", "deploy", "web", ...n, "--type=merge", "-p", '{"spec":{"replicas":-1}}']);
      assert.equal(invalid.code, 1);
      assert.equal(
        invalid.stderr.trim(),
        'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      );
    });

    it("label and annotate", async (t) => {
      if (!ready(t)) return;
      const n = ["-n", "proof"];
      assert.equal(await kubectl("label", "deploy", "web", ...n, "tier=front"), "deployment.apps/web labeled");
      const taken = await outcome(["label", "deploy", "web", ...n, "tier=back"]);
      assert.equal(taken.code, 1);
      assert.equal(taken.stderr.trim(), "error: 'tier' already has a value (front), and --overwrite is false");
      assert.equal(
        await kubectl("label", "deploy", "web", ...n, "tier=back", "--overwrite"),
        "deployment.apps/web labeled",
      );
      assert.deepEqual(table(await kubectl("get", "deploy", ...n, "-L", "tier", "-l", "tier=back")), [
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "TIER"],
        ["web", "0/2", "0", "0", "<age>", "back"],
      ]);
      assert.equal(
        await kubectl("label", "deploy", "web", ...n, "tier-"),
        `deployment.apps/web ${legacy ? "labeled" : "unlabeled"}`,
      );
      assert.equal(await kubectl("get", "deploy", ...n, "-l", "tier", "-o", "name"), "");
      assert.equal(await kubectl("label", "wd", "w1", ...n, "tier=front"), "widget.example.com/w1 labeled");
      assert.equal(await kubectl("get", "wd", ...n, "-l", "tier=front", "-o", "name"), "widget.example.com/w1");
      assert.equal(await kubectl("annotate", "deploy", "web", ...n, "owner=team-a"), "deployment.apps/web annotated");
      assert.equal(
        await kubectl("annotate", "cm/web-config", "secret/web-secret", ...n, "owner=team-a"),
        "configmap/web-config annotated\nsecret/web-secret annotated",
      );
      assert.equal(
        await kubectl("get", "deploy", "web", ...n, "-o", "jsonpath={.metadata.annotations.owner}"),
        "team-a",
      );
      assert.equal(await kubectl("annotate", "deploy", "web", ...n, "owner-"), "deployment.apps/web annotated");
      assert.equal(await kubectl("get", "deploy", "web", ...n, "-o", "jsonpath={.metadata.annotations.owner}"), "");
    });

    it("apply --server-side of the manifest set; conflicts with another manager, --force-conflicts", async (t) => {
      if (!ready(t)) return;
      assert.equal(await kubectl("create", "namespace", "proof-ssa"), "namespace/proof-ssa created");
      const set = [
        "-f",
        file("ssa-app.yaml", appManifests("proof-ssa")),
        "-f",
        file("ssa-crd.yaml", CRD),
        "-f",
        file("ssa-widget.yaml", widget("proof-ssa")),
      ];
      const applied = [
        "deployment.apps/web serverside-applied",
        "service/web serverside-applied",
        "configmap/web-config serverside-applied",
        "secret/web-secret serverside-applied",
        "customresourcedefinition.apiextensions.k8s.io/widgets.example.com serverside-applied",
        "widget.example.com/w1 serverside-applied",
      ].join("\n");
      assert.equal(await kubectl("apply", "--server-side", ...set), applied);
      // Applying it again changes nothing, and kubectl says so the same way.
      assert.equal(await kubectl("apply", "--server-side", ...set), applied);
      assert.deepEqual(table(await kubectl("get", "deploy,wd", "-n", "proof-ssa")), [
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        ["deployment.apps/web", "0/2", "0", "0", "<age>"],
        [""],
        ["NAME", "SIZE", "AGE"],
        ["widget.example.com/w1", "3", "<age>"],
      ]);
      // Another manager changing kubectl's field: a conflict, then taken with --force-conflicts.
      const red = file(
        "ssa-red.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: proof-ssa\ndata:\n  color: red\n",
      );
      const conflict = await outcome(["apply", "--server-side", "--field-manager=other", "-f", red]);
      assert.equal(conflict.code, 1);
      assert.equal(conflict.stdout, "");
      assert.match(conflict.stderr, /^error: Apply failed with 1 conflict: conflict with "kubectl": \.data\.color\n/);
      assert.match(conflict.stderr, /re-run the apply\n {2}command with the `--force-conflicts` flag/);
      assert.equal(await kubectl("get", "cm", "web-config", "-n", "proof-ssa", "-o", "jsonpath={.data.color}"), "blue");
      assert.equal(
        await kubectl("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", red),
        "configmap/web-config serverside-applied",
      );
      assert.equal(await kubectl("get", "cm", "web-config", "-n", "proof-ssa", "-o", "jsonpath={.data.color}"), "red");
      const shown = legacy ? [] : ["--show-managed-fields"];
      const managers = JSON.parse(
        await kubectl("get", "cm", "web-config", "-n", "proof-ssa", ...shown, "-o", "json"),
      ).metadata.managedFields.map((e: { manager: string; operation: string }) => `${e.manager}/${e.operation}`);
      assert.deepEqual(managers, ["kubectl/Apply", "other/Apply"]);
      // A conflict with an Update manager names its API version.
      assert.equal(
        await kubectl("scale", "deploy", "web", "-n", "proof-ssa", "--replicas=3"),
        "deployment.apps/web scaled",
      );
      const scaled = await outcome([
        "apply",
        "--server-side",
        "-f",
        file("ssa-web.yaml", appManifests("proof-ssa").split("---\n")[0]!),
      ]);
      assert.equal(scaled.code, 1);
      assert.match(
        scaled.stderr,
        /^error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps\/v1: \.spec\.replicas\n/,
      );
    });

    it("auth whoami (kubectl 1.27 and later; a SelfSubjectReview through @kubernetes/client-node before)", async (t) => {
      if (!ready(t)) return;
      const who = { username: "admin", uid: "1", groups: ["system:masters", "system:authenticated"] };
      if (legacy) {
        const kc = new KubeConfig();
        kc.loadFromFile(kubeconfig);
        const review = await kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({
          body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
        });
        assert.deepEqual(JSON.parse(JSON.stringify(review.status?.userInfo)), who);
        return;
      }
      assert.deepEqual(table(await kubectl("auth", "whoami")), [
        ["ATTRIBUTE", "VALUE"],
        ["Username", "admin"],
        ["UID", "1"],
        ["Groups", "[system:masters system:authenticated]"],
      ]);
      const json = JSON.parse(await kubectl("auth", "whoami", "-o", "json"));
      assert.deepEqual(json, {
        kind: "SelfSubjectReview",
        apiVersion: "authentication.k8s.io/v1",
        metadata: { creationTimestamp: null },
        status: { userInfo: who },
      });
    });

    it("delete: with --wait (the default) and --wait=false", async (t) => {
      if (!ready(t)) return;
      const n = ["-n", "proof"];
      // A finalizer holds the custom resource: --wait=false returns at once, the object stays Terminating.
      assert.equal(
        await kubectl(
          "patch",
          "wd",
          "w1",
          ...n,
          "--type=merge",
          "-p",
          '{"metadata":{"finalizers":["example.com/hold"]}}',
        ),
        "widget.example.com/w1 patched",
      );
      assert.equal(await kubectl("delete", "widget", "w1", ...n, "--wait=false"), 'widget.example.com "w1" deleted');
      assert.match(
        await kubectl("get", "wd", "w1", ...n, "-o", "jsonpath={.metadata.deletionTimestamp}"),
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
      assert.equal(
        await kubectl(
          "patch",
          "wd",
          "w1",
          ...n,
          "--type=json",
          "-p",
          '[{"op":"remove","path":"/metadata/finalizers"}]',
        ),
        "widget.example.com/w1 patched",
      );
      const gone = await outcome(["get", "wd", "w1", ...n]);
      assert.equal(gone.stderr.trim(), 'Error from server (NotFound): widgets.example.com "w1" not found');
      // With --wait kubectl returns once the object is gone.
      assert.equal(await kubectl("delete", "deployment", "web", ...n), 'deployment.apps "web" deleted');
      assert.equal(
        (await outcome(["get", "deploy", "web", ...n])).stderr.trim(),
        'Error from server (NotFound): deployments.apps "web" not found',
      );
      assert.equal(
        await kubectl("delete", "-f", file("del-app.yaml", appManifests("proof")), "--ignore-not-found"),
        ['service "web" deleted', 'configmap "web-config" deleted', 'secret "web-secret" deleted'].join("\n"),
      );
      const again = await outcome(["delete", "cm", "web-config", ...n]);
      assert.equal(again.code, 1);
      assert.equal(again.stderr.trim(), 'Error from server (NotFound): configmaps "web-config" not found');
      assert.equal((await outcome(["get", "all", ...n])).stderr, "No resources found in proof namespace.\n");
      // A namespace with content: kubectl waits while the namespace controller empties it.
      assert.equal(await kubectl("delete", "namespace", "proof-ssa"), 'namespace "proof-ssa" deleted');
      assert.equal(
        (await outcome(["get", "namespace", "proof-ssa"])).stderr.trim(),
        'Error from server (NotFound): namespaces "proof-ssa" not found',
      );
      assert.equal(
        await kubectl("delete", "crd", "widgets.example.com"),
        'customresourcedefinition.apiextensions.k8s.io "widgets.example.com" deleted',
      );
      assert.equal(await kubectl("delete", "namespace", "proof", "--wait=false"), 'namespace "proof" deleted');
      await eventually(
        async () => assert.equal((await outcome(["get", "ns", "proof"])).code, 1, "the namespace is gone"),
        30_000,
        200,
      );
    });
  });
}
