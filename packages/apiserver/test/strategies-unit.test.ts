import assert from "node:assert/strict";
import { describe, it } from "node:test";

// biome-ignore lint/suspicious/noExplicitAny: the tests read decoded JSON
type J = any;

import type { KubeObject } from "../src/registry/strategy.js";
import { create, defaulted, strategy, update } from "./support/strategy-causes.js";

const meta = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  namespace: "default",
  uid: "u-1",
  ...extra,
});
const pod = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: meta("p"),
  spec,
});

describe("Pod", () => {
  it("defaults the spec, containers and what admission adds", () => {
    const o = defaulted(
      "/Pod",
      pod({
        containers: [
          { name: "c", image: "nginx", ports: [{ containerPort: 80 }] },
          { name: "d", image: "nginx:1.25" },
        ],
      }),
    );
    const spec = o.spec as J;
    assert.equal(spec.restartPolicy, "Always");
    assert.equal(spec.dnsPolicy, "ClusterFirst");
    assert.equal(spec.terminationGracePeriodSeconds, 30);
    assert.equal(spec.schedulerName, "default-scheduler");
    assert.deepEqual(spec.securityContext, {});
    assert.equal(spec.enableServiceLinks, true);
    assert.equal(spec.serviceAccountName, "default");
    assert.equal(spec.serviceAccount, "default");
    assert.equal(spec.priority, 0);
    assert.equal(spec.preemptionPolicy, "PreemptLowerPriority");
    assert.deepEqual(spec.tolerations, [
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    ]);
    assert.deepEqual(spec.containers[0], {
      name: "c",
      image: "nginx",
      ports: [{ containerPort: 80, protocol: "TCP" }],
      imagePullPolicy: "Always",
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
      resources: {},
    });
    assert.equal(spec.containers[1].imagePullPolicy, "IfNotPresent");
    assert.deepEqual(o.status, { phase: "Pending", qosClass: "BestEffort" });
  });

  it("requests default to limits; a toleration for all taints suppresses the added ones", () => {
    const o = defaulted(
      "/Pod",
      pod({
        tolerations: [{ operator: "Exists" }],
        containers: [{ name: "c", image: "x:1", resources: { limits: { cpu: "1", memory: "1Gi" } } }],
      }),
    );
    const spec = o.spec as J;
    assert.deepEqual(spec.containers[0].resources.requests, { cpu: "1", memory: "1Gi" });
    assert.deepEqual(spec.tolerations, [{ operator: "Exists" }]);
    assert.equal((o.status as J).qosClass, "Guaranteed");
  });

  it("validation errors carry kube's types, paths and texts in kube's order", () => {
    assert.deepEqual(create("/Pod", pod({})), [["FieldValueRequired", "spec.containers", "Required value"]]);
    assert.deepEqual(
      create(
        "/Pod",
        pod({
          restartPolicy: "Sometimes",
          dnsPolicy: "Maybe",
          containers: [
            {
              name: "Web",
              ports: [{ containerPort: 70000, protocol: "ICMP" }],
              env: [{ name: "1X" }],
              resources: { requests: { cpu: "2" }, limits: { cpu: "1" } },
            },
            { name: "web2", image: "a" },
            { name: "web2", image: "b" },
          ],
        }),
      ),
      [
        [
          "FieldValueInvalid",
          "spec.containers[0].name",
          "Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        ],
        ["FieldValueRequired", "spec.containers[0].image", "Required value"],
        [
          "FieldValueInvalid",
          "spec.containers[0].ports[0].containerPort",
          "Invalid value: 70000: must be between 1 and 65535, inclusive",
        ],
        [
          "FieldValueNotSupported",
          "spec.containers[0].ports[0].protocol",
          'Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
        ],
        [
          "FieldValueInvalid",
          "spec.containers[0].env[0].name",
          "Invalid value: \"1X\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
        ],
        [
          "FieldValueInvalid",
          "spec.containers[0].resources.requests",
          'Invalid value: "2": must be less than or equal to cpu limit of 1',
        ],
        ["FieldValueDuplicate", "spec.containers[2].name", 'Duplicate value: "web2"'],
        [
          "FieldValueNotSupported",
          "spec.restartPolicy",
          'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
        ],
        [
          "FieldValueNotSupported",
          "spec.dnsPolicy",
          'Unsupported value: "Maybe": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
        ],
      ],
    );
  });

  it("updates: image and additions to tolerations pass, other changes get kube's Forbidden", () => {
    const base = pod({ containers: [{ name: "c", image: "nginx:1" }] });
    const img = structuredClone(base);
    (img.spec as J).containers[0].image = "nginx:2";
    assert.deepEqual(update("/Pod", base, img), []);
    const tol = structuredClone(base);
    (tol.spec as J).tolerations = [{ key: "k", operator: "Exists", effect: "NoSchedule" }];
    assert.deepEqual(update("/Pod", base, tol), []);
    const node = structuredClone(base);
    (node.spec as J).nodeName = "n1";
    const errs = update("/Pod", base, node);
    assert.equal(errs.length, 1);
    assert.equal(errs[0]![0], "FieldValueForbidden");
    assert.equal(errs[0]![1], "spec");
    assert.ok(
      errs[0]![2].startsWith(
        "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n",
      ),
      errs[0]![2],
    );
    const more = structuredClone(base);
    (more.spec as J).containers.push({ name: "d", image: "x" });
    assert.deepEqual(update("/Pod", base, more), [
      ["FieldValueForbidden", "spec.containers", "Forbidden: pod updates may not add or remove containers"],
    ]);
  });
});

describe("Service", () => {
  const svc = (spec: Record<string, unknown>): KubeObject => ({ metadata: meta("s"), spec });
  it("defaults type, affinity, ports and traffic policy; names are DNS-1035 labels", () => {
    const o = defaulted("/Service", svc({ selector: { app: "a" }, ports: [{ port: 80 }] }));
    assert.deepEqual(o.spec, {
      selector: { app: "a" },
      ports: [{ port: 80, protocol: "TCP", targetPort: 80 }],
      sessionAffinity: "None",
      type: "ClusterIP",
      internalTrafficPolicy: "Cluster",
    });
    assert.deepEqual(strategy("/Service").nameValidator!("1abc", false).length, 1);
  });
  it("ports required, names required when several, ExternalName needs externalName", () => {
    assert.deepEqual(create("/Service", svc({})), [["FieldValueRequired", "spec.ports", "Required value"]]);
    assert.deepEqual(create("/Service", svc({ ports: [{ port: 80 }, { port: 80, name: "b" }] })), [
      ["FieldValueRequired", "spec.ports[0].name", "Required value"],
      [
        "FieldValueDuplicate",
        "spec.ports[1]",
        'Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
      ],
    ]);
    assert.deepEqual(create("/Service", svc({ type: "ExternalName" })), [
      ["FieldValueRequired", "spec.externalName", "Required value"],
    ]);
    assert.deepEqual(create("/Service", svc({ type: "Fancy", ports: [{ port: 1 }] })), [
      [
        "FieldValueNotSupported",
        "spec.type",
        'Unsupported value: "Fancy": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ],
    ]);
  });
  it("clusterIP may not change; omitting it on update keeps it", () => {
    const old = svc({ clusterIP: "10.0.0.5", ports: [{ port: 80 }] });
    assert.deepEqual(update("/Service", old, svc({ ports: [{ port: 80 }] })), []);
    assert.deepEqual(update("/Service", old, svc({ clusterIP: "10.0.0.6", ports: [{ port: 80 }] })), [
      ["FieldValueInvalid", "spec.clusterIPs[0]", 'Invalid value: []string{"10.0.0.6"}: may not change once set'],
    ]);
  });
});

const tmpl = (labels: Record<string, string> | undefined, spec: Record<string, unknown> = {}) => ({
  metadata: labels ? { labels } : {},
  spec: { containers: [{ name: "c", image: "nginx" }], ...spec },
});

describe("apps", () => {
  it("keeps letting an update through when the stored template already had selectors a new one may not have", () => {
    const withAffinity = (replicas: number) => {
      const template = tmpl({ a: "b" }) as J;
      template.spec.affinity = {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              topologyKey: "zone",
              labelSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["not a value!"] }] },
            },
          ],
        },
      };
      return { metadata: meta("d"), spec: { replicas, selector: { matchLabels: { a: "b" } }, template } };
    };
    const invalid = create("apps/Deployment", withAffinity(1));
    assert.equal(invalid.length, 1, JSON.stringify(invalid));
    assert.equal(
      invalid[0]![1],
      "spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0].values[0]",
    );
    // Stored before the check (kube's hasInvalidLabelValueInAffinitySelector): the update may keep it.
    assert.deepEqual(update("apps/Deployment", withAffinity(1), withAffinity(2)), []);
    // A pod created with it is refused; an update of one stored with it is not.
    const podOf = (d: J) => ({ apiVersion: "v1", kind: "Pod", metadata: meta("p"), spec: d.spec.template.spec });
    assert.equal(create("/Pod", podOf(withAffinity(1))).length, 1);
  });
  it("Deployment defaults, with the pod template's", () => {
    const o = defaulted("apps/Deployment", {
      metadata: meta("d"),
      spec: { selector: { matchLabels: { a: "b" } }, template: tmpl({ a: "b" }) },
    });
    const spec = o.spec as J;
    assert.equal(spec.replicas, 1);
    assert.deepEqual(spec.strategy, {
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
    });
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.equal(spec.progressDeadlineSeconds, 600);
    assert.equal(spec.template.spec.restartPolicy, "Always");
    assert.equal(spec.template.spec.containers[0].imagePullPolicy, "Always");
    assert.equal(spec.template.spec.enableServiceLinks, undefined, "only Pods get enableServiceLinks");
  });
  it("Deployment without a selector, with a mismatching one, with a bad restartPolicy", () => {
    assert.deepEqual(create("apps/Deployment", { metadata: meta("d"), spec: { template: tmpl({ app: "x" }) } }), [
      ["FieldValueRequired", "spec.selector", "Required value"],
      [
        "FieldValueInvalid",
        "spec.template.metadata.labels",
        'Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
      ],
    ]);
    assert.deepEqual(
      create("apps/Deployment", {
        metadata: meta("d"),
        spec: {
          replicas: -1,
          selector: { matchLabels: {} },
          template: tmpl({ app: "x" }, { restartPolicy: "Never" }),
          strategy: { rollingUpdate: { maxUnavailable: "x" } },
        },
      }),
      [
        ["FieldValueInvalid", "spec.replicas", "Invalid value: -1: must be greater than or equal to 0"],
        [
          "FieldValueInvalid",
          "spec.selector",
          "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
        ],
        [
          "FieldValueNotSupported",
          "spec.template.spec.restartPolicy",
          'Unsupported value: "Never": supported values: "Always"',
        ],
        [
          "FieldValueInvalid",
          "spec.strategy.rollingUpdate.maxUnavailable",
          "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"x\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        ],
      ],
    );
  });
  it("selector is immutable on update", () => {
    const old = {
      metadata: meta("d"),
      spec: { selector: { matchLabels: { a: "1" } }, template: tmpl({ a: "1", b: "2" }) },
    };
    const next = {
      metadata: meta("d"),
      spec: { selector: { matchLabels: { b: "2" } }, template: tmpl({ a: "1", b: "2" }) },
    };
    assert.deepEqual(update("apps/Deployment", old, next), [
      [
        "FieldValueInvalid",
        "spec.selector",
        'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"b":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
      ],
    ]);
  });
  it("StatefulSet, DaemonSet and ReplicaSet defaults", () => {
    const sts = defaulted("apps/StatefulSet", { metadata: meta("s"), spec: { template: tmpl({ a: "b" }) } }).spec as J;
    assert.equal(sts.replicas, 1);
    assert.equal(sts.podManagementPolicy, "OrderedReady");
    assert.deepEqual(sts.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
    assert.deepEqual(sts.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
    assert.equal(sts.revisionHistoryLimit, 10);
    const ds = defaulted("apps/DaemonSet", { metadata: meta("d"), spec: { template: tmpl({ a: "b" }) } }).spec as J;
    assert.deepEqual(ds.updateStrategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(ds.revisionHistoryLimit, 10);
    assert.equal((defaulted("apps/ReplicaSet", { metadata: meta("r"), spec: {} }).spec as J).replicas, 1);
  });
  it("StatefulSet updates outside the allowed fields are forbidden", () => {
    const old = {
      metadata: meta("s"),
      spec: { serviceName: "a", selector: { matchLabels: { a: "b" } }, template: tmpl({ a: "b" }) },
    };
    const next = {
      metadata: meta("s"),
      spec: { serviceName: "b", selector: { matchLabels: { a: "b" } }, template: tmpl({ a: "b" }) },
    };
    assert.deepEqual(update("apps/StatefulSet", old, next), [
      [
        "FieldValueForbidden",
        "spec",
        "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ],
    ]);
  });
});

describe("batch", () => {
  it("Job defaults and generated selector from the uid", () => {
    const o = defaulted("batch/Job", {
      metadata: meta("j"),
      spec: { template: tmpl(undefined, { restartPolicy: "Never" }) },
    });
    const spec = o.spec as J;
    assert.equal(spec.completions, 1);
    assert.equal(spec.parallelism, 1);
    assert.equal(spec.backoffLimit, 6);
    assert.equal(spec.completionMode, "NonIndexed");
    assert.equal(spec.suspend, false);
    assert.deepEqual(spec.selector, { matchLabels: { "batch.kubernetes.io/controller-uid": "u-1" } });
    assert.deepEqual(spec.template.metadata.labels, {
      "job-name": "j",
      "batch.kubernetes.io/job-name": "j",
      "controller-uid": "u-1",
      "batch.kubernetes.io/controller-uid": "u-1",
    });
    assert.deepEqual(
      create("batch/Job", { metadata: meta("j"), spec: { template: tmpl(undefined, { restartPolicy: "Never" }) } }),
      [],
    );
  });
  it("restartPolicy must be OnFailure or Never; template immutable", () => {
    assert.deepEqual(create("batch/Job", { metadata: meta("j"), spec: { template: tmpl(undefined) } }), [
      ["FieldValueRequired", "spec.template.spec.restartPolicy", 'Required value: valid values: "OnFailure", "Never"'],
    ]);
    const old = { metadata: meta("j"), spec: { template: tmpl(undefined, { restartPolicy: "Never" }) } };
    const next = { metadata: meta("j"), spec: { template: tmpl(undefined, { restartPolicy: "OnFailure" }) } };
    const errs = update("batch/Job", old, next);
    assert.equal(errs.length, 1);
    assert.deepEqual(errs[0]!.slice(0, 2), ["FieldValueInvalid", "spec.template"]);
    assert.ok(errs[0]![2].endsWith(": field is immutable"));
  });
  it("CronJob defaults and schedule errors as robfig/cron words them", () => {
    const cj = (schedule: string) => ({
      metadata: meta("c"),
      spec: { schedule, jobTemplate: { spec: { template: tmpl(undefined, { restartPolicy: "OnFailure" }) } } },
    });
    const spec = defaulted("batch/CronJob", cj("*/5 * * * *")).spec as J;
    assert.equal(spec.concurrencyPolicy, "Allow");
    assert.equal(spec.suspend, false);
    assert.equal(spec.successfulJobsHistoryLimit, 3);
    assert.equal(spec.failedJobsHistoryLimit, 1);
    assert.deepEqual(create("batch/CronJob", cj("*/5 * * * *")), []);
    assert.deepEqual(create("batch/CronJob", cj("@hourly")), []);
    assert.deepEqual(create("batch/CronJob", cj("* * *")), [
      ["FieldValueInvalid", "spec.schedule", 'Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]'],
    ]);
    assert.deepEqual(create("batch/CronJob", cj("61 * * * *")), [
      ["FieldValueInvalid", "spec.schedule", 'Invalid value: "61 * * * *": end of range (61) above maximum (59): 61'],
    ]);
    assert.deepEqual(create("batch/CronJob", cj("")), [["FieldValueRequired", "spec.schedule", "Required value"]]);
  });
});

describe("core kinds", () => {
  it("ConfigMap keys and immutability", () => {
    assert.deepEqual(create("/ConfigMap", { metadata: meta("c"), data: { "a b": "x" } }), [
      [
        "FieldValueInvalid",
        "data[a b]",
        "Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      ],
    ]);
    const old = { metadata: meta("c"), immutable: true, data: { a: "1" } };
    assert.deepEqual(update("/ConfigMap", old, { metadata: meta("c"), immutable: true, data: { a: "2" } }), [
      ["FieldValueForbidden", "data", "Forbidden: field is immutable when `immutable` is set"],
    ]);
  });
  it("Secret type defaults to Opaque and is immutable", () => {
    assert.equal(defaulted("/Secret", { metadata: meta("s") }).type, "Opaque");
    assert.deepEqual(
      update(
        "/Secret",
        { metadata: meta("s") },
        { metadata: meta("s"), type: "kubernetes.io/basic-auth", data: { username: "eA==" } },
      ),
      [["FieldValueInvalid", "type", 'Invalid value: "kubernetes.io/basic-auth": field is immutable']],
    );
  });
  it("Namespace names are DNS labels", () => {
    assert.deepEqual(strategy("/Namespace").nameValidator!("a.b", false), ["must not contain dots"]);
  });
  it("PersistentVolumeClaim needs access modes and a storage request", () => {
    assert.deepEqual(create("/PersistentVolumeClaim", { metadata: meta("c"), spec: {} }), [
      ["FieldValueRequired", "spec.accessModes", "Required value: at least 1 access mode is required"],
      ["FieldValueRequired", "spec.resources[storage]", "Required value"],
    ]);
  });
  it("ClusterRole: an aggregationRule needs a selector, in kube's words", () => {
    const role = { metadata: { name: "agg" }, aggregationRule: { clusterRoleSelectors: [] } };
    assert.deepEqual(create("rbac.authorization.k8s.io/ClusterRole", role), [
      [
        "FieldValueRequired",
        "aggregationRule.clusterRoleSelectors",
        "Required value: at least one clusterRoleSelector required if aggregationRule is non-nil",
      ],
    ]);
  });
  it("Event: involvedObject.namespace must match", () => {
    assert.deepEqual(create("/Event", { metadata: meta("e"), involvedObject: { namespace: "other" } }), [
      ["FieldValueInvalid", "involvedObject.namespace", 'Invalid value: "other": does not match event.namespace'],
    ]);
  });
});

describe("other groups", () => {
  it("PriorityClass: reserved system- prefix, value immutable", () => {
    assert.deepEqual(create("scheduling.k8s.io/PriorityClass", { metadata: { name: "system-mine" }, value: 5 }), [
      [
        "FieldValueForbidden",
        "metadata.name",
        "Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class",
      ],
    ]);
    assert.deepEqual(
      create("scheduling.k8s.io/PriorityClass", { metadata: { name: "system-node-critical" }, value: 2000001000 }),
      [],
    );
    assert.deepEqual(
      update(
        "scheduling.k8s.io/PriorityClass",
        { metadata: { name: "p" }, value: 1 },
        { metadata: { name: "p" }, value: 2 },
      ),
      [["FieldValueForbidden", "value", "Forbidden: may not be changed in an update."]],
    );
  });
  it("StorageClass defaults, provisioner required, parameters immutable", () => {
    const o = defaulted("storage.k8s.io/StorageClass", { metadata: { name: "s" }, provisioner: "x.io/p" });
    assert.equal(o.reclaimPolicy, "Delete");
    assert.equal(o.volumeBindingMode, "Immediate");
    assert.deepEqual(create("storage.k8s.io/StorageClass", { metadata: { name: "s" } }), [
      ["FieldValueRequired", "provisioner", "Required value"],
    ]);
    assert.deepEqual(
      update(
        "storage.k8s.io/StorageClass",
        { metadata: { name: "s" }, provisioner: "p" },
        { metadata: { name: "s" }, provisioner: "p", parameters: { a: "b" } },
      ),
      [["FieldValueForbidden", "parameters", "Forbidden: updates to parameters are forbidden."]],
    );
  });
  it("PodDisruptionBudget: minAvailable and maxUnavailable exclude each other", () => {
    const errs = create("policy/PodDisruptionBudget", {
      metadata: meta("p"),
      spec: { minAvailable: 1, maxUnavailable: 1 },
    });
    assert.deepEqual(
      errs.map((e) => e.slice(0, 2)),
      [["FieldValueInvalid", "spec"]],
    );
    assert.ok(errs[0]![2].endsWith(": minAvailable and maxUnavailable cannot be both set"));
  });
  it("RBAC: roleRef required and immutable", () => {
    assert.deepEqual(create("rbac.authorization.k8s.io/RoleBinding", { metadata: meta("b") }), [
      [
        "FieldValueNotSupported",
        "roleRef.apiGroup",
        'Unsupported value: "": supported values: "rbac.authorization.k8s.io"',
      ],
      ["FieldValueNotSupported", "roleRef.kind", 'Unsupported value: "": supported values: "Role", "ClusterRole"'],
      ["FieldValueRequired", "roleRef.name", "Required value"],
    ]);
    const ref = (name: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name });
    assert.deepEqual(
      update(
        "rbac.authorization.k8s.io/RoleBinding",
        { metadata: meta("b"), roleRef: ref("a") },
        { metadata: meta("b"), roleRef: ref("b") },
      ),
      [
        [
          "FieldValueInvalid",
          "roleRef",
          'Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"b"}: cannot change roleRef',
        ],
      ],
    );
  });
  it("EndpointSlice addressType required; Lease durations positive", () => {
    assert.deepEqual(create("discovery.k8s.io/EndpointSlice", { metadata: meta("e") }), [
      ["FieldValueRequired", "addressType", "Required value"],
    ]);
    assert.deepEqual(create("coordination.k8s.io/Lease", { metadata: meta("l"), spec: { leaseDurationSeconds: 0 } }), [
      ["FieldValueInvalid", "spec.leaseDurationSeconds", "Invalid value: 0: must be greater than 0"],
    ]);
  });
});
