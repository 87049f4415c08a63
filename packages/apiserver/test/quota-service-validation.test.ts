import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateResourceQuotaStatusUpdate } from "../src/registry/strategies/core-quota.js";
import type { KubeObject } from "../src/registry/strategy.js";
import { causes, create, defaulted, strategy, updated } from "./support/strategy-causes.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests read decoded JSON
type J = any;
const meta = { name: "x", namespace: "default", uid: "u-1" };

/** %#v of a resource.Quantity kept in int64 form. */
const goQ = (value: number, scale: number, s: string, format = "DecimalSI") =>
  `resource.Quantity{i:resource.int64Amount{value:${value}, scale:${scale}}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"${s}", Format:"${format}"}`;

// ---------------------------------------------------------------- LimitRange

const LR = "/LimitRange";
const limitRange = (...limits: J[]): KubeObject => ({
  apiVersion: "v1",
  kind: "LimitRange",
  metadata: meta,
  spec: { limits },
});
const item = (idx: number, field: string, key: string) => `spec.limits[${idx}].${field}[${key}]`;

describe("LimitRange defaults (SetDefaults_LimitRangeItem)", () => {
  it("fills a Container item's default from max and its defaultRequest from default, then min", () => {
    const o = defaulted(
      LR,
      limitRange(
        {
          type: "Container",
          max: { cpu: "1", memory: "1Gi" },
          min: { cpu: "100m", "ephemeral-storage": "1Gi" },
          default: { memory: "512Mi" },
        },
        { type: "Pod", max: { cpu: "2" } },
        { type: "Container" },
      ),
    );
    const [c, p, empty] = o.spec.limits;
    assert.deepEqual(c.max, { cpu: "1", memory: "1Gi" });
    assert.deepEqual(c.min, { cpu: "100m", "ephemeral-storage": "1Gi" });
    assert.deepEqual(c.default, { memory: "512Mi", cpu: "1" });
    assert.deepEqual(c.defaultRequest, { memory: "512Mi", cpu: "1", "ephemeral-storage": "1Gi" });
    assert.deepEqual(p, { type: "Pod", max: { cpu: "2" } }, "only Container items are defaulted");
    assert.deepEqual(empty, { type: "Container" }, "empty maps are not kept");
  });

  it("keeps an explicit defaultRequest", () => {
    const o = defaulted(LR, limitRange({ type: "Container", max: { cpu: "1" }, defaultRequest: { cpu: "200m" } }));
    assert.deepEqual(o.spec.limits[0].default, { cpu: "1" });
    assert.deepEqual(o.spec.limits[0].defaultRequest, { cpu: "200m" });
  });
});

describe("LimitRange validation (ValidateLimitRange)", () => {
  it("accepts valid items", () => {
    assert.deepEqual(
      create(
        LR,
        limitRange(
          {
            type: "Container",
            min: { cpu: "100m", memory: "64Mi" },
            max: { cpu: "2", memory: "1Gi", "example.com/gpu": "2" },
            default: { cpu: "500m" },
            defaultRequest: { cpu: "200m" },
            maxLimitRequestRatio: { cpu: "10" },
          },
          { type: "Pod", max: { cpu: "4", "hugepages-2Mi": "1Gi" } },
          { type: "PersistentVolumeClaim", min: { storage: "1Gi" } },
          { type: "example.com/custom", max: { "example.com/thing": "3", storage: "1" } },
        ),
      ),
      [],
    );
  });

  it("checks the type and refuses duplicates", () => {
    assert.deepEqual(create(LR, limitRange({ type: "Foo" })), [
      [
        "FieldValueInvalid",
        "spec.limits[0].type",
        'Invalid value: "Foo": must be a standard limit type or fully qualified',
      ],
    ]);
    assert.deepEqual(create(LR, limitRange({ type: "Pod" }, { type: "Pod" })), [
      ["FieldValueDuplicate", "spec.limits[1].type", 'Duplicate value: "Pod"'],
    ]);
  });

  it("checks resource names by type", () => {
    assert.deepEqual(create(LR, limitRange({ type: "Pod", max: { foo: "1" } })), [
      [
        "FieldValueInvalid",
        item(0, "max", "foo"),
        'Invalid value: "foo": must be a standard resource type or fully qualified',
      ],
      ["FieldValueInvalid", item(0, "max", "foo"), 'Invalid value: "foo": must be a standard resource for containers'],
    ]);
    assert.deepEqual(create(LR, limitRange({ type: "Pod", min: { storage: "1" } })), [
      [
        "FieldValueInvalid",
        item(0, "min", "storage"),
        'Invalid value: "storage": must be a standard resource for containers',
      ],
    ]);
    assert.deepEqual(create(LR, limitRange({ type: "Pod", max: { "requests.example.com/gpu": "1" } })), [
      [
        "FieldValueInvalid",
        item(0, "max", "requests.example.com/gpu"),
        'Invalid value: "requests.example.com/gpu": doesn\'t follow extended resource name standard',
      ],
    ]);
    assert.deepEqual(create(LR, limitRange({ type: "PersistentVolumeClaim", max: { storage: "2Gi", foo: "1" } })), [
      [
        "FieldValueInvalid",
        item(0, "max", "foo"),
        'Invalid value: "foo": must be a standard resource type or fully qualified',
      ],
    ]);
  });

  it("forbids defaults on Pod items and wants storage bounds on PersistentVolumeClaim items", () => {
    assert.deepEqual(create(LR, limitRange({ type: "Pod", default: { cpu: "1" }, defaultRequest: { cpu: "1" } })), [
      ["FieldValueForbidden", "spec.limits[0].default", "Forbidden: may not be specified when `type` is 'Pod'"],
      ["FieldValueForbidden", "spec.limits[0].defaultRequest", "Forbidden: may not be specified when `type` is 'Pod'"],
    ]);
    assert.deepEqual(create(LR, limitRange({ type: "PersistentVolumeClaim", max: { "requests.storage": "1Gi" } })), [
      [
        "FieldValueRequired",
        "spec.limits[0].limits",
        "Required value: either minimum or maximum storage value is required, but neither was provided",
      ],
    ]);
  });

  it("compares min, max, default and defaultRequest", () => {
    assert.deepEqual(create(LR, limitRange({ type: "Pod", min: { cpu: "200m" }, max: { cpu: "100m" } })), [
      [
        "FieldValueInvalid",
        item(0, "min", "cpu"),
        `Invalid value: ${goQ(200, -3, "200m")}: min value 200m is greater than max value 100m`,
      ],
    ]);
    // max fills default and defaultRequest, so the min is above all three.
    assert.deepEqual(create(LR, limitRange({ type: "Container", min: { cpu: "200m" }, max: { cpu: "100m" } })), [
      [
        "FieldValueInvalid",
        item(0, "min", "cpu"),
        `Invalid value: ${goQ(200, -3, "200m")}: min value 200m is greater than max value 100m`,
      ],
      [
        "FieldValueInvalid",
        item(0, "defaultRequest", "cpu"),
        `Invalid value: ${goQ(100, -3, "100m")}: min value 200m is greater than default request value 100m`,
      ],
      [
        "FieldValueInvalid",
        item(0, "default", "cpu"),
        `Invalid value: ${goQ(200, -3, "200m")}: min value 200m is greater than default value 100m`,
      ],
    ]);
    assert.deepEqual(
      create(LR, limitRange({ type: "Container", max: { memory: "1Gi" }, default: { memory: "2Gi" } })),
      [
        [
          "FieldValueInvalid",
          item(0, "defaultRequest", "memory"),
          `Invalid value: ${goQ(2147483648, 0, "2Gi", "BinarySI")}: default request value 2Gi is greater than max value 1Gi`,
        ],
        [
          "FieldValueInvalid",
          item(0, "default", "memory"),
          `Invalid value: ${goQ(1073741824, 0, "1Gi", "BinarySI")}: default value 2Gi is greater than max value 1Gi`,
        ],
      ],
    );
    assert.deepEqual(
      create(LR, limitRange({ type: "Container", default: { cpu: "500m" }, defaultRequest: { cpu: "1" } })),
      [
        [
          "FieldValueInvalid",
          item(0, "defaultRequest", "cpu"),
          `Invalid value: ${goQ(1, 0, "1")}: default request value 1 is greater than default limit value 500m`,
        ],
      ],
    );
  });

  it("prints the canonical form of a quantity sent otherwise", () => {
    // "0.3" parses to 3e-1 without a cached string; the message's String() call caches "300m".
    assert.deepEqual(create(LR, limitRange({ type: "Pod", min: { cpu: "0.3" }, max: { cpu: "0.2" } })), [
      [
        "FieldValueInvalid",
        item(0, "min", "cpu"),
        `Invalid value: ${goQ(3, -1, "300m")}: min value 300m is greater than max value 200m`,
      ],
    ]);
  });

  it("checks maxLimitRequestRatio", () => {
    assert.deepEqual(create(LR, limitRange({ type: "Pod", maxLimitRequestRatio: { cpu: "500m" } })), [
      [
        "FieldValueInvalid",
        item(0, "maxLimitRequestRatio", "cpu"),
        `Invalid value: ${goQ(500, -3, "500m")}: ratio 500m is less than 1`,
      ],
    ]);
    assert.deepEqual(
      create(
        LR,
        limitRange({ type: "Pod", min: { cpu: "100m" }, max: { cpu: "200m" }, maxLimitRequestRatio: { cpu: "3" } }),
      ),
      [
        [
          "FieldValueInvalid",
          item(0, "maxLimitRequestRatio", "cpu"),
          `Invalid value: ${goQ(3, 0, "3")}: ratio 3 is greater than max/min = 2.000000`,
        ],
      ],
    );
    assert.deepEqual(
      create(
        LR,
        limitRange({ type: "Pod", min: { cpu: "100m" }, max: { cpu: "200m" }, maxLimitRequestRatio: { cpu: "2" } }),
      ),
      [],
    );
  });

  it("wants default and defaultRequest equal for resources that cannot be overcommitted", () => {
    assert.deepEqual(
      create(
        LR,
        limitRange({
          type: "Container",
          default: { "hugepages-2Mi": "4Mi" },
          defaultRequest: { "hugepages-2Mi": "2Mi" },
        }),
      ),
      [
        [
          "FieldValueInvalid",
          item(0, "defaultRequest", "hugepages-2Mi"),
          `Invalid value: ${goQ(2097152, 0, "2Mi", "BinarySI")}: default value 4Mi must equal to defaultRequest value 2Mi in hugepages-2Mi`,
        ],
      ],
    );
  });

  it("validates the same way on update", () => {
    const old = limitRange({ type: "Pod", max: { cpu: "1" } });
    assert.deepEqual(updated(LR, old, limitRange({ type: "Pod", max: { cpu: "2" } })).causes, []);
    assert.deepEqual(updated(LR, old, limitRange({ type: "Bar" })).causes, [
      [
        "FieldValueInvalid",
        "spec.limits[0].type",
        'Invalid value: "Bar": must be a standard limit type or fully qualified',
      ],
    ]);
  });
});

// ---------------------------------------------------------------- ResourceQuota

const RQ = "/ResourceQuota";
const quota = (spec: J, status?: J): KubeObject => ({
  apiVersion: "v1",
  kind: "ResourceQuota",
  metadata: meta,
  spec,
  ...(status ? { status } : {}),
});
const SCOPE_EXISTS =
  "must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity";

describe("ResourceQuota (ValidateResourceQuota)", () => {
  it("clears status on create and accepts standard, count/ and extended resources", () => {
    const o = defaulted(RQ, quota({ hard: { pods: "10" } }, { hard: { pods: "10" }, used: { pods: "3" } }));
    assert.deepEqual(o.status, {});
    assert.deepEqual(
      create(
        RQ,
        quota({
          hard: {
            pods: "10",
            "requests.cpu": "4",
            "limits.memory": "8Gi",
            "count/deployments.apps": "3",
            "requests.example.com/gpu": "2",
            "hugepages-2Mi": "1Gi",
            "requests.hugepages-1Gi": "2Gi",
            "services.loadbalancers": 2,
          },
        }),
      ),
      [],
    );
  });

  it("checks hard resource names", () => {
    assert.deepEqual(create(RQ, quota({ hard: { foo: "1", storage: "1Gi" } })), [
      [
        "FieldValueInvalid",
        "spec.hard[foo]",
        'Invalid value: "foo": must be a standard resource type or fully qualified',
      ],
      ["FieldValueInvalid", "spec.hard[foo]", 'Invalid value: "foo": must be a standard resource for quota'],
      ["FieldValueInvalid", "spec.hard[storage]", 'Invalid value: "storage": must be a standard resource for quota'],
    ]);
  });

  it("wants non-negative values, and integers for counted resources", () => {
    assert.deepEqual(create(RQ, quota({ hard: { cpu: "-1", pods: "1.5", "example.com/foo": "500m" } })), [
      ["FieldValueInvalid", "spec.hard[cpu]", 'Invalid value: "-1": must be greater than or equal to 0'],
      ["FieldValueInvalid", "spec.hard[example.com/foo]", `Invalid value: ${goQ(500, -3, "500m")}: must be an integer`],
      ["FieldValueInvalid", "spec.hard[pods]", `Invalid value: ${goQ(15, -1, "")}: must be an integer`],
    ]);
  });

  it("checks scopes", () => {
    assert.deepEqual(create(RQ, quota({ hard: { pods: "1" }, scopes: ["Foo"] })), [
      ["FieldValueInvalid", "spec.scopes", 'Invalid value: []core.ResourceQuotaScope{"Foo"}: unsupported scope'],
    ]);
    assert.deepEqual(create(RQ, quota({ hard: { cpu: "1", pods: "1" }, scopes: ["BestEffort"] })), [
      [
        "FieldValueInvalid",
        "spec.scopes",
        'Invalid value: []core.ResourceQuotaScope{"BestEffort"}: unsupported scope applied to resource',
      ],
    ]);
    assert.deepEqual(create(RQ, quota({ hard: { services: "1" }, scopes: ["Terminating"] })), [
      [
        "FieldValueInvalid",
        "spec.scopes",
        'Invalid value: []core.ResourceQuotaScope{"Terminating"}: unsupported scope applied to resource',
      ],
    ]);
    // Names outside the standard quota set are not checked against scopes.
    assert.deepEqual(
      create(RQ, quota({ hard: { pods: "1", "requests.cpu": "1", "count/jobs.batch": "1" }, scopes: ["Terminating"] })),
      [],
    );
    assert.deepEqual(
      create(
        RQ,
        quota({ hard: { pods: "1" }, scopes: ["Terminating", "NotTerminating", "BestEffort", "NotBestEffort"] }),
      ),
      [
        [
          "FieldValueInvalid",
          "spec.scopes",
          'Invalid value: []core.ResourceQuotaScope{"Terminating", "NotTerminating", "BestEffort", "NotBestEffort"}: conflicting scopes',
        ],
        [
          "FieldValueInvalid",
          "spec.scopes",
          'Invalid value: []core.ResourceQuotaScope{"Terminating", "NotTerminating", "BestEffort", "NotBestEffort"}: conflicting scopes',
        ],
      ],
    );
  });

  it("checks the scope selector", () => {
    const sel = (...matchExpressions: J[]) => ({ hard: { pods: "1", cpu: "1" }, scopeSelector: { matchExpressions } });
    const path = "spec.scopeSelector.matchExpressions";
    assert.deepEqual(create(RQ, quota(sel({ scopeName: "PriorityClass", operator: "In", values: ["high"] }))), []);
    assert.deepEqual(create(RQ, quota(sel({ scopeName: "CrossNamespacePodAffinity", operator: "Exists" }))), []);
    assert.deepEqual(create(RQ, quota(sel({ scopeName: "Foo", operator: "Exists" }))), [
      ["FieldValueInvalid", `${path}.scopeName`, 'Invalid value: "Foo": unsupported scope'],
    ]);
    assert.deepEqual(create(RQ, quota(sel({ scopeName: "BestEffort", operator: "In", values: ["x"] }))), [
      [
        "FieldValueInvalid",
        path,
        'Invalid value: core.ScopeSelector{MatchExpressions:[]core.ScopedResourceSelectorRequirement{core.ScopedResourceSelectorRequirement{ScopeName:"BestEffort", Operator:"In", Values:[]string{"x"}}}}: unsupported scope applied to resource',
      ],
      ["FieldValueInvalid", `${path}.operator`, `Invalid value: "In": ${SCOPE_EXISTS}`],
    ]);
    assert.deepEqual(create(RQ, quota(sel({ scopeName: "PriorityClass", operator: "NotIn", values: [] }))), [
      [
        "FieldValueRequired",
        `${path}.values`,
        "Required value: must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
      ],
    ]);
    assert.deepEqual(create(RQ, quota(sel({ scopeName: "PriorityClass", operator: "DoesNotExist", values: ["a"] }))), [
      [
        "FieldValueInvalid",
        `${path}.values`,
        "Invalid value: []string{\"a\"}: must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector",
      ],
    ]);
    assert.deepEqual(create(RQ, quota(sel({ scopeName: "PriorityClass", operator: "Gt" }))), [
      ["FieldValueInvalid", `${path}.operator`, 'Invalid value: "Gt": not a valid selector operator'],
    ]);
    assert.deepEqual(
      create(
        RQ,
        quota({
          hard: { pods: "1" },
          scopeSelector: {
            matchExpressions: [
              { scopeName: "Terminating", operator: "Exists" },
              { scopeName: "NotTerminating", operator: "Exists" },
            ],
          },
        }),
      ),
      [["FieldValueInvalid", path, "Invalid value: []core.ResourceQuotaScope(nil): conflicting scopes"]],
    );
  });

  it("keeps scopes fixed on update", () => {
    const old = quota({ hard: { pods: "1" }, scopes: ["Terminating"] });
    assert.deepEqual(updated(RQ, old, quota({ hard: { pods: "2" }, scopes: ["Terminating"] })).causes, []);
    assert.deepEqual(updated(RQ, old, quota({ hard: { pods: "2" }, scopes: ["NotTerminating"] })).causes, [
      [
        "FieldValueInvalid",
        "spec.scopes",
        'Invalid value: []core.ResourceQuotaScope{"NotTerminating"}: field is immutable',
      ],
    ]);
    assert.deepEqual(updated(RQ, old, quota({ hard: { pods: "2" } })).causes, [
      ["FieldValueInvalid", "spec.scopes", "Invalid value: []core.ResourceQuotaScope(nil): field is immutable"],
    ]);
    // The main resource's update checks the spec only: status is the stored one.
    assert.deepEqual(
      updated(RQ, old, quota({ hard: { pods: "2" }, scopes: ["Terminating"] }, { used: { pods: "-1" } })).causes,
      [],
    );
    assert.deepEqual(updated(RQ, old, quota({ hard: { pods: "-2" }, scopes: ["Terminating"] })).causes, [
      ["FieldValueInvalid", "spec.hard[pods]", 'Invalid value: "-2": must be greater than or equal to 0'],
    ]);
  });

  it("validates a status update (ValidateResourceQuotaStatusUpdate)", () => {
    const old: J = { ...quota({ hard: { pods: "1" } }), metadata: { ...meta, resourceVersion: "5" } };
    const next: J = { ...structuredClone(old), status: { hard: { pods: "1" }, used: { pods: "1" } } };
    assert.deepEqual(causes(validateResourceQuotaStatusUpdate(next, old)), []);
    next.metadata.resourceVersion = "";
    next.status.used = { pods: "-1", bogus: "1" };
    assert.deepEqual(causes(validateResourceQuotaStatusUpdate(next, old)), [
      ["FieldValueRequired", "resourceVersion", "Required value"],
      [
        "FieldValueInvalid",
        "status.used[bogus]",
        'Invalid value: "bogus": must be a standard resource type or fully qualified',
      ],
      ["FieldValueInvalid", "status.used[bogus]", 'Invalid value: "bogus": must be a standard resource for quota'],
      ["FieldValueInvalid", "status.used[pods]", 'Invalid value: "-1": must be greater than or equal to 0'],
    ]);
  });
});

// ---------------------------------------------------------------- Service load-balancer fields

const SVC = "/Service";
const RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges";
const svc = (spec: J, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { ...meta, ...(annotations ? { annotations } : {}) },
  spec: { ports: [{ port: 80 }], ...spec },
});
const LB_ONLY = "Forbidden: may only be used when `type` is 'LoadBalancer'";

describe("Service load-balancer fields (ValidateService)", () => {
  it("accepts a LoadBalancer using them all, and defaults the external policy only for node ports and load balancers", () => {
    assert.deepEqual(
      create(
        SVC,
        svc({
          type: "LoadBalancer",
          externalTrafficPolicy: "Local",
          healthCheckNodePort: 30123,
          loadBalancerSourceRanges: ["10.0.0.0/8", " 192.168.0.0/16", "2001:db8::/32"],
          loadBalancerClass: "example.com/lb",
          loadBalancerIP: "10.1.2.3",
          allocateLoadBalancerNodePorts: false,
        }),
      ),
      [],
    );
    const ext = defaulted(SVC, svc({ externalIPs: ["192.0.2.10"] }));
    assert.equal(ext.spec.externalTrafficPolicy, undefined);
    assert.equal(defaulted(SVC, svc({ type: "NodePort" })).spec.externalTrafficPolicy, "Cluster");
    assert.deepEqual(create(SVC, svc({ externalIPs: ["192.0.2.10"] })), []);
  });

  it("checks loadBalancerSourceRanges and its annotation", () => {
    assert.deepEqual(create(SVC, svc({ loadBalancerSourceRanges: ["10.0.0.0/8"] })), [
      ["FieldValueForbidden", "spec.LoadBalancerSourceRanges", LB_ONLY],
    ]);
    assert.deepEqual(
      create(SVC, svc({ type: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.0/8", "10.0.0.1", "1.2.3.4/33"] })),
      [
        [
          "FieldValueInvalid",
          "spec.LoadBalancerSourceRanges",
          'Invalid value: "[10.0.0.0/8 10.0.0.1 1.2.3.4/33]": must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 ',
        ],
      ],
    );
    const annPath = `metadata.annotations[${RANGES_ANNOTATION}]`;
    assert.deepEqual(
      create(SVC, svc({ type: "LoadBalancer" }, { [RANGES_ANNOTATION]: "10.0.0.0/8, 192.168.0.0/16" })),
      [],
    );
    assert.deepEqual(create(SVC, svc({ type: "LoadBalancer" }, { [RANGES_ANNOTATION]: "" })), []);
    assert.deepEqual(create(SVC, svc({ type: "LoadBalancer" }, { [RANGES_ANNOTATION]: "10.0.0.0/8,bad" })), [
      [
        "FieldValueInvalid",
        annPath,
        'Invalid value: "10.0.0.0/8,bad": must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 ',
      ],
    ]);
    assert.deepEqual(create(SVC, svc({}, { [RANGES_ANNOTATION]: "10.0.0.0/8" })), [
      ["FieldValueForbidden", annPath, LB_ONLY],
    ]);
    // The field wins over the annotation.
    assert.deepEqual(
      create(
        SVC,
        svc({ type: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.0/8"] }, { [RANGES_ANNOTATION]: "bad" }),
      ),
      [],
    );
  });

  it("keeps allocateLoadBalancerNodePorts and loadBalancerClass to LoadBalancers", () => {
    assert.deepEqual(create(SVC, svc({ type: "NodePort", allocateLoadBalancerNodePorts: true })), [
      ["FieldValueForbidden", "spec.allocateLoadBalancerNodePorts", LB_ONLY],
    ]);
    // Defaulting always fills it on a LoadBalancer; kube's path for the missing value lacks "spec.".
    const lb = defaulted(SVC, svc({ type: "LoadBalancer" }));
    delete lb.spec.allocateLoadBalancerNodePorts;
    assert.deepEqual(causes(strategy(SVC).validate!(lb)), [
      ["FieldValueRequired", "allocateLoadBalancerNodePorts", "Required value"],
    ]);
    assert.deepEqual(create(SVC, svc({ loadBalancerClass: "example.com/lb" })), [
      ["FieldValueForbidden", "spec.loadBalancerClass", LB_ONLY],
    ]);
    assert.deepEqual(create(SVC, svc({ type: "LoadBalancer", loadBalancerClass: "bad class" })), [
      [
        "FieldValueInvalid",
        "spec.loadBalancerClass",
        "Invalid value: \"bad class\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
    ]);
  });

  it("checks externalTrafficPolicy and healthCheckNodePort against the type", () => {
    assert.deepEqual(create(SVC, svc({ externalTrafficPolicy: "Local" })), [
      [
        "FieldValueInvalid",
        "spec.externalTrafficPolicy",
        "Invalid value: \"Local\": may only be set when `type` is 'NodePort' or 'LoadBalancer'",
      ],
    ]);
    assert.deepEqual(create(SVC, svc({ type: "NodePort", externalTrafficPolicy: "Foo" })), [
      [
        "FieldValueNotSupported",
        "spec.externalTrafficPolicy",
        'Unsupported value: "Foo": supported values: "Cluster", "Local"',
      ],
    ]);
    const np = defaulted(SVC, svc({ type: "NodePort" }));
    np.spec.externalTrafficPolicy = "";
    assert.deepEqual(causes(strategy(SVC).validate!(np)), [
      ["FieldValueRequired", "spec.externalTrafficPolicy", "Required value"],
    ]);
    assert.deepEqual(create(SVC, svc({ type: "NodePort", healthCheckNodePort: 30000 })), [
      [
        "FieldValueInvalid",
        "spec.healthCheckNodePort",
        "Invalid value: 30000: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ],
    ]);
    assert.deepEqual(
      create(SVC, svc({ type: "LoadBalancer", externalTrafficPolicy: "Local", healthCheckNodePort: 70000 })),
      [
        [
          "FieldValueInvalid",
          "spec.healthCheckNodePort",
          "Invalid value: 70000: must be between 1 and 65535, inclusive",
        ],
      ],
    );
  });

  it("checks internalTrafficPolicy and the ClientIP timeout", () => {
    assert.deepEqual(create(SVC, svc({ internalTrafficPolicy: "Foo" })), [
      [
        "FieldValueNotSupported",
        "spec.internalTrafficPolicy",
        'Unsupported value: "Foo": supported values: "Cluster", "Local"',
      ],
    ]);
    assert.deepEqual(
      create(SVC, svc({ sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } } })),
      [
        [
          "FieldValueInvalid",
          "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
          "Invalid value: 86401: must be greater than 0 and less than 86400",
        ],
      ],
    );
  });

  it("refuses special external IPs (ValidateNonSpecialIP)", () => {
    const cases: [string, string][] = [
      ["0.0.0.0", "may not be unspecified (0.0.0.0)"],
      ["::", "may not be unspecified (::)"],
      ["127.0.0.2", "may not be in the loopback range (127.0.0.0/8, ::1/128)"],
      ["::1", "may not be in the loopback range (127.0.0.0/8, ::1/128)"],
      ["::ffff:127.0.0.1", "may not be in the loopback range (127.0.0.0/8, ::1/128)"],
      ["169.254.169.254", "may not be in the link-local range (169.254.0.0/16, fe80::/10)"],
      ["fe80::1", "may not be in the link-local range (169.254.0.0/16, fe80::/10)"],
      ["224.0.0.251", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"],
      ["ff02::fb", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"],
    ];
    for (const [ip, msg] of cases) {
      assert.deepEqual(create(SVC, svc({ externalIPs: [ip] })), [
        ["FieldValueInvalid", "spec.externalIPs[0]", `Invalid value: "${ip}": ${msg}`],
      ]);
    }
    assert.deepEqual(create(SVC, svc({ externalIPs: ["224.0.1.1", "2001:db8::1", "fe00::1"] })), []);
  });
});

describe("Service load-balancer fields on update (ValidateServiceUpdate)", () => {
  const lb = (spec: J = {}) => svc({ type: "LoadBalancer", ...spec });

  it("keeps loadBalancerClass while the service stays a LoadBalancer", () => {
    const old = lb({ loadBalancerClass: "example.com/a" });
    assert.deepEqual(updated(SVC, old, lb({ loadBalancerClass: "example.com/a" })).causes, []);
    assert.deepEqual(updated(SVC, old, lb({ loadBalancerClass: "example.com/b" })).causes, [
      ["FieldValueInvalid", "spec.loadBalancerClass", 'Invalid value: "example.com/b": may not change once set'],
    ]);
    assert.deepEqual(updated(SVC, old, lb()).causes, [
      ["FieldValueInvalid", "spec.loadBalancerClass", "Invalid value: null: may not change once set"],
    ]);
    // The update's own checks come first, as ValidateServiceUpdate reports them before ValidateService's.
    assert.deepEqual(updated(SVC, old, lb({ loadBalancerClass: "bad class", externalTrafficPolicy: "Foo" })).causes, [
      ["FieldValueInvalid", "spec.loadBalancerClass", 'Invalid value: "bad class": may not change once set'],
      [
        "FieldValueInvalid",
        "spec.loadBalancerClass",
        "Invalid value: \"bad class\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
      [
        "FieldValueNotSupported",
        "spec.externalTrafficPolicy",
        'Unsupported value: "Foo": supported values: "Cluster", "Local"',
      ],
    ]);
    assert.deepEqual(updated(SVC, lb(), lb({ loadBalancerClass: "example.com/b" })).causes, [
      ["FieldValueInvalid", "spec.loadBalancerClass", 'Invalid value: "example.com/b": may not change once set'],
    ]);
    // Leaving LoadBalancer drops the unchanged class; a ClusterIP service may then take one when it becomes a LoadBalancer.
    const down = updated(SVC, old, svc({ loadBalancerClass: "example.com/a" }));
    assert.deepEqual(down.causes, []);
    assert.equal(down.obj.spec.loadBalancerClass, undefined);
    assert.deepEqual(updated(SVC, svc({}), lb({ loadBalancerClass: "example.com/b" })).causes, []);
  });

  it("keeps the health check port, carrying it over when the update leaves it out", () => {
    const old = lb({ externalTrafficPolicy: "Local", healthCheckNodePort: 30100 });
    const same = updated(SVC, old, lb({ externalTrafficPolicy: "Local" }));
    assert.deepEqual(same.causes, []);
    assert.equal(same.obj.spec.healthCheckNodePort, 30100);
    assert.deepEqual(updated(SVC, old, lb({ externalTrafficPolicy: "Local", healthCheckNodePort: 30200 })).causes, [
      ["FieldValueForbidden", "spec.healthCheckNodePort", "Forbidden: field is immutable"],
    ]);
    const toCluster = updated(SVC, old, lb({ externalTrafficPolicy: "Cluster", healthCheckNodePort: 30100 }));
    assert.deepEqual(toCluster.causes, [], "an unchanged port is dropped when no longer needed");
    assert.equal(toCluster.obj.spec.healthCheckNodePort, undefined);
  });

  it("drops an unchanged externalTrafficPolicy when the type stops taking one", () => {
    const old = svc({ type: "NodePort", externalTrafficPolicy: "Local" });
    const down = updated(
      SVC,
      old,
      svc({ type: "ClusterIP", externalTrafficPolicy: "Local", externalIPs: ["192.0.2.1"] }),
    );
    assert.deepEqual(down.causes, []);
    assert.equal(down.obj.spec.externalTrafficPolicy, undefined);
    assert.deepEqual(updated(SVC, old, svc({ type: "ClusterIP", externalTrafficPolicy: "Cluster" })).causes, [
      [
        "FieldValueInvalid",
        "spec.externalTrafficPolicy",
        "Invalid value: \"Cluster\": may only be set when `type` is 'NodePort' or 'LoadBalancer'",
      ],
    ]);
  });
});
