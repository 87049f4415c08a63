// Pod affinity, anti-affinity, node affinity and topology spread validation, as
// kube-apiserver 1.28 answers it: each cause's type, field path and message.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldPath } from "@wharf/apimachinery";
import {
  hasInvalidLabelValueInAffinitySelector,
  hasInvalidTopologySpreadConstraintLabelSelector,
  validateAffinity,
  validateTopologySpreadConstraints,
} from "../src/registry/strategies/pod-affinity.js";
import type { KubeObject } from "../src/registry/strategy.js";
import { causes, create } from "./support/strategy-causes.js";

const pod = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "default", uid: "u-1", labels: { app: "web" } },
  spec: { containers: [{ name: "c", image: "nginx" }], ...spec },
});

const affinityPod = (affinity: Record<string, unknown>) => create("/Pod", pod({ affinity }));
const spreadPod = (topologySpreadConstraints: unknown[]) => create("/Pod", pod({ topologySpreadConstraints }));

// Kube's texts for the name checks (k8s.io/apimachinery/pkg/util/validation).
const QNAME =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const QNAME_EMPTY = "name part must be non-empty";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const DNS_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const NA = "spec.affinity.nodeAffinity";
const REQ = `${NA}.requiredDuringSchedulingIgnoredDuringExecution`;
const PREF = `${NA}.preferredDuringSchedulingIgnoredDuringExecution`;
const PA = "spec.affinity.podAffinity";
const PAA = "spec.affinity.podAntiAffinity";
const TSC = "spec.topologySpreadConstraints";

const goodTerm = {
  labelSelector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["fe"] }] },
  namespaceSelector: { matchExpressions: [{ key: "team", operator: "Exists" }] },
  namespaces: ["default", "kube-system"],
  topologyKey: "kubernetes.io/hostname",
};

const fullAffinity = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [
        {
          matchExpressions: [
            { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
            { key: "gpu", operator: "DoesNotExist" },
            { key: "cores", operator: "Gt", values: ["4"] },
            { key: "mem", operator: "Lt", values: ["64"] },
            { key: "zone", operator: "NotIn", values: ["a", "b"] },
            { key: "example.com/ssd", operator: "Exists" },
          ],
          matchFields: [{ key: "metadata.name", operator: "NotIn", values: ["node-1.example.com"] }],
        },
        { matchFields: [{ key: "metadata.name", operator: "In", values: ["node-2"] }] },
      ],
    },
    preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 1, preference: { matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] } },
      { weight: 100, preference: {} },
    ],
  },
  podAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [goodTerm],
    preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 50, podAffinityTerm: { topologyKey: "topology.kubernetes.io/zone" } },
    ],
  },
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "zone", labelSelector: {} }],
    preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: goodTerm }],
  },
};

const fullSpread = [
  {
    maxSkew: 1,
    topologyKey: "topology.kubernetes.io/zone",
    whenUnsatisfiable: "DoNotSchedule",
    labelSelector: { matchLabels: { app: "web" } },
    minDomains: 3,
    nodeAffinityPolicy: "Honor",
    nodeTaintsPolicy: "Ignore",
    matchLabelKeys: ["pod-template-hash"],
  },
  {
    maxSkew: 2,
    topologyKey: "topology.kubernetes.io/zone",
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["web"] }] },
    nodeAffinityPolicy: "Ignore",
    nodeTaintsPolicy: "Honor",
  },
  { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule" },
];

describe("pod affinity validation (1.28)", () => {
  it("a pod with full node/pod affinity, anti-affinity and spread constraints passes", () => {
    assert.deepEqual(create("/Pod", pod({ affinity: fullAffinity, topologySpreadConstraints: fullSpread })), []);
    // An empty affinity, empty sub-affinities and null parts are all fine.
    assert.deepEqual(affinityPod({}), []);
    assert.deepEqual(
      affinityPod({
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: null },
        podAffinity: {},
        podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [] },
      }),
      [],
    );
  });

  it("required node affinity needs at least one node selector term", () => {
    const message = "Required value: must have at least one node selector term";
    assert.deepEqual(affinityPod({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } }), [
      ["FieldValueRequired", `${REQ}.nodeSelectorTerms`, message],
    ]);
    assert.deepEqual(
      affinityPod({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }),
      [["FieldValueRequired", `${REQ}.nodeSelectorTerms`, message]],
    );
  });

  it("node selector requirements: operator, value counts and key", () => {
    const got = affinityPod({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: "a", operator: "In" },
                { key: "b", operator: "NotIn", values: [] },
                { key: "c", operator: "Exists", values: ["x"] },
                { key: "d", operator: "DoesNotExist", values: ["x"] },
                { key: "e", operator: "Gt", values: ["1", "2"] },
                { key: "f", operator: "Lt" },
                { key: "g", operator: "Equals", values: ["x"] },
                { key: "bad key", operator: "Exists" },
                { operator: "Exists" },
              ],
            },
          ],
        },
      },
    });
    const p = `${REQ}.nodeSelectorTerms[0].matchExpressions`;
    assert.deepEqual(got, [
      ["FieldValueRequired", `${p}[0].values`, "Required value: must be specified when `operator` is 'In' or 'NotIn'"],
      ["FieldValueRequired", `${p}[1].values`, "Required value: must be specified when `operator` is 'In' or 'NotIn'"],
      [
        "FieldValueForbidden",
        `${p}[2].values`,
        "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      ],
      [
        "FieldValueForbidden",
        `${p}[3].values`,
        "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      ],
      [
        "FieldValueRequired",
        `${p}[4].values`,
        "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
      ],
      [
        "FieldValueRequired",
        `${p}[5].values`,
        "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
      ],
      ["FieldValueInvalid", `${p}[6].operator`, 'Invalid value: "Equals": not a valid selector operator'],
      ["FieldValueInvalid", `${p}[7].key`, `Invalid value: "bad key": ${QNAME}`],
      ["FieldValueInvalid", `${p}[8].key`, `Invalid value: "": ${QNAME_EMPTY}`],
      ["FieldValueInvalid", `${p}[8].key`, `Invalid value: "": ${QNAME}`],
    ]);
  });

  it("1.28 checks neither the label syntax of node selector values nor that Gt/Lt values are integers", () => {
    assert.deepEqual(
      affinityPod({
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: "a", operator: "In", values: ["not a label value!"] },
                  { key: "b", operator: "Gt", values: ["abc"] },
                ],
              },
            ],
          },
        },
      }),
      [],
    );
  });

  it("node field selectors: only metadata.name, only In/NotIn with one node name", () => {
    const got = affinityPod({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchFields: [
                { key: "metadata.namespace", operator: "In", values: ["x"] },
                { key: "metadata.name", operator: "Exists" },
                { key: "metadata.name", operator: "In", values: ["a", "b"] },
                { key: "metadata.name", operator: "NotIn", values: ["Node_1"] },
                { key: "spec.x", operator: "Gt", values: ["1", "2"] },
              ],
            },
          ],
        },
      },
    });
    const p = `${REQ}.nodeSelectorTerms[0].matchFields`;
    assert.deepEqual(got, [
      ["FieldValueInvalid", `${p}[0].key`, 'Invalid value: "metadata.namespace": not a valid field selector key'],
      ["FieldValueInvalid", `${p}[1].operator`, 'Invalid value: "Exists": not a valid selector operator'],
      [
        "FieldValueRequired",
        `${p}[2].values`,
        "Required value: must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
      ],
      ["FieldValueInvalid", `${p}[3].values[0]`, `Invalid value: "Node_1": ${DNS_SUBDOMAIN}`],
      ["FieldValueInvalid", `${p}[4].operator`, 'Invalid value: "Gt": not a valid selector operator'],
      ["FieldValueInvalid", `${p}[4].key`, 'Invalid value: "spec.x": not a valid field selector key'],
    ]);
  });

  it("preferred node affinity: weight 1-100, then the preference term; terms in order", () => {
    const got = affinityPod({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "a", operator: "In" }] }, {}],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 0, preference: { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] } },
          { weight: 101, preference: { matchFields: [{ key: "metadata.name", operator: "In" }] } },
          { preference: {} },
          { weight: 100, preference: {} },
        ],
      },
    });
    assert.deepEqual(got, [
      [
        "FieldValueRequired",
        `${REQ}.nodeSelectorTerms[0].matchExpressions[0].values`,
        "Required value: must be specified when `operator` is 'In' or 'NotIn'",
      ],
      ["FieldValueInvalid", `${PREF}[0].weight`, "Invalid value: 0: must be in the range 1-100"],
      [
        "FieldValueForbidden",
        `${PREF}[0].preference.matchExpressions[0].values`,
        "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      ],
      ["FieldValueInvalid", `${PREF}[1].weight`, "Invalid value: 101: must be in the range 1-100"],
      [
        "FieldValueRequired",
        `${PREF}[1].preference.matchFields[0].values`,
        "Required value: must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
      ],
      ["FieldValueInvalid", `${PREF}[2].weight`, "Invalid value: 0: must be in the range 1-100"],
    ]);
  });

  it("pod affinity terms: selectors, namespaces (reported on 'namespace'), topologyKey", () => {
    const got = affinityPod({
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: {
              matchLabels: { "bad key": "ok", good: "bad value!" },
              matchExpressions: [
                { key: "a", operator: "In" },
                { key: "b", operator: "Exists", values: ["x"] },
                { key: "c", operator: "Gt", values: ["1"] },
                { key: "d/e/f", operator: "In", values: ["-bad"] },
              ],
            },
            namespaceSelector: { matchExpressions: [{ key: "team", operator: "NotIn" }] },
            namespaces: ["ok", "Bad_NS"],
            topologyKey: "",
          },
          { topologyKey: "not/a/key" },
          { topologyKey: "-zone" },
        ],
      },
    });
    const p = `${PA}.requiredDuringSchedulingIgnoredDuringExecution`;
    const ls = `${p}[0].labelSelector`;
    assert.deepEqual(got, [
      ["FieldValueInvalid", `${ls}.matchLabels`, `Invalid value: "bad key": ${QNAME}`],
      ["FieldValueInvalid", `${ls}.matchLabels`, `Invalid value: "bad value!": ${LABEL_VALUE}`],
      [
        "FieldValueRequired",
        `${ls}.matchExpressions[0].values`,
        "Required value: must be specified when `operator` is 'In' or 'NotIn'",
      ],
      [
        "FieldValueForbidden",
        `${ls}.matchExpressions[1].values`,
        "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      ],
      ["FieldValueInvalid", `${ls}.matchExpressions[2].operator`, 'Invalid value: "Gt": not a valid selector operator'],
      [
        "FieldValueInvalid",
        `${ls}.matchExpressions[3].key`,
        `Invalid value: "d/e/f": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      ],
      ["FieldValueInvalid", `${ls}.matchExpressions[3].values[0]`, `Invalid value: "-bad": ${LABEL_VALUE}`],
      [
        "FieldValueRequired",
        `${p}[0].namespaceSelector.matchExpressions[0].values`,
        "Required value: must be specified when `operator` is 'In' or 'NotIn'",
      ],
      ["FieldValueInvalid", `${p}[0].namespace`, `Invalid value: "Bad_NS": ${DNS_LABEL}`],
      ["FieldValueRequired", `${p}[0].topologyKey`, "Required value: can not be empty"],
      ["FieldValueInvalid", `${p}[0].topologyKey`, `Invalid value: "": ${QNAME_EMPTY}`],
      ["FieldValueInvalid", `${p}[0].topologyKey`, `Invalid value: "": ${QNAME}`],
      [
        "FieldValueInvalid",
        `${p}[1].topologyKey`,
        `Invalid value: "not/a/key": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      ],
      ["FieldValueInvalid", `${p}[2].topologyKey`, `Invalid value: "-zone": ${QNAME}`],
    ]);
  });

  it("weighted pod (anti-)affinity terms: weight 1-100, errors under podAffinityTerm; affinity before anti-affinity", () => {
    const got = affinityPod({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "zone", namespaces: ["a.b"] }],
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 0, podAffinityTerm: { topologyKey: "zone" } },
          { weight: 101, podAffinityTerm: { topologyKey: "" } },
          { weight: 5 },
        ],
      },
      podAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: -1, podAffinityTerm: { topologyKey: "zone", labelSelector: { matchLabels: { a: "-" } } } },
        ],
      },
    });
    const ap = `${PAA}.preferredDuringSchedulingIgnoredDuringExecution`;
    assert.deepEqual(got, [
      [
        "FieldValueInvalid",
        `${PA}.preferredDuringSchedulingIgnoredDuringExecution[0].weight`,
        "Invalid value: -1: must be in the range 1-100",
      ],
      [
        "FieldValueInvalid",
        `${PA}.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchLabels`,
        `Invalid value: "-": ${LABEL_VALUE}`,
      ],
      [
        "FieldValueInvalid",
        `${PAA}.requiredDuringSchedulingIgnoredDuringExecution[0].namespace`,
        'Invalid value: "a.b": must not contain dots',
      ],
      ["FieldValueInvalid", `${ap}[0].weight`, "Invalid value: 0: must be in the range 1-100"],
      ["FieldValueInvalid", `${ap}[1].weight`, "Invalid value: 101: must be in the range 1-100"],
      ["FieldValueRequired", `${ap}[1].podAffinityTerm.topologyKey`, "Required value: can not be empty"],
      ["FieldValueInvalid", `${ap}[1].podAffinityTerm.topologyKey`, `Invalid value: "": ${QNAME_EMPTY}`],
      ["FieldValueInvalid", `${ap}[1].podAffinityTerm.topologyKey`, `Invalid value: "": ${QNAME}`],
      ["FieldValueRequired", `${ap}[2].podAffinityTerm.topologyKey`, "Required value: can not be empty"],
      ["FieldValueInvalid", `${ap}[2].podAffinityTerm.topologyKey`, `Invalid value: "": ${QNAME_EMPTY}`],
      ["FieldValueInvalid", `${ap}[2].podAffinityTerm.topologyKey`, `Invalid value: "": ${QNAME}`],
    ]);
  });

  it("matchLabelKeys/mismatchLabelKeys of pod affinity terms are not 1.28 fields and are not checked", () => {
    assert.deepEqual(
      affinityPod({
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { topologyKey: "zone", matchLabelKeys: ["bad key!"], mismatchLabelKeys: ["bad key!"] },
          ],
        },
      }),
      [],
    );
  });

  it("allowInvalidLabelValueInSelector skips only the label values of matchExpressions", () => {
    const affinity = {
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            topologyKey: "zone",
            labelSelector: { matchExpressions: [{ key: "a", operator: "In", values: ["bad value!"] }] },
            namespaceSelector: { matchExpressions: [{ key: "b", operator: "In", values: ["-"] }] },
          },
        ],
      },
    };
    const path = fieldPath("spec", "affinity");
    const p = `${PA}.requiredDuringSchedulingIgnoredDuringExecution[0]`;
    assert.deepEqual(causes(validateAffinity(affinity, path)), [
      [
        "FieldValueInvalid",
        `${p}.labelSelector.matchExpressions[0].values[0]`,
        `Invalid value: "bad value!": ${LABEL_VALUE}`,
      ],
      [
        "FieldValueInvalid",
        `${p}.namespaceSelector.matchExpressions[0].values[0]`,
        `Invalid value: "-": ${LABEL_VALUE}`,
      ],
    ]);
    assert.deepEqual(causes(validateAffinity(affinity, path, { allowInvalidLabelValueInSelector: true })), []);
    assert.equal(hasInvalidLabelValueInAffinitySelector({ affinity }), true);
    assert.equal(hasInvalidLabelValueInAffinitySelector({ affinity: fullAffinity }), false);
    assert.equal(
      hasInvalidLabelValueInAffinitySelector({
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 1, podAffinityTerm: { labelSelector: { matchLabels: { "a b": "c" } } } },
            ],
          },
        },
      }),
      true,
    );
  });
});

describe("topology spread constraint validation (1.28)", () => {
  it("maxSkew, topologyKey and whenUnsatisfiable", () => {
    assert.deepEqual(
      spreadPod([
        { maxSkew: 0, topologyKey: "", whenUnsatisfiable: "Maybe" },
        { maxSkew: -2, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule" },
        {},
      ]),
      [
        ["FieldValueInvalid", `${TSC}[0].maxSkew`, "Invalid value: 0: must be greater than zero"],
        ["FieldValueRequired", `${TSC}[0].topologyKey`, "Required value: can not be empty"],
        [
          "FieldValueNotSupported",
          `${TSC}[0].whenUnsatisfiable`,
          'Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
        ],
        ["FieldValueInvalid", `${TSC}[1].maxSkew`, "Invalid value: -2: must be greater than zero"],
        ["FieldValueInvalid", `${TSC}[2].maxSkew`, "Invalid value: 0: must be greater than zero"],
        ["FieldValueRequired", `${TSC}[2].topologyKey`, "Required value: can not be empty"],
        [
          "FieldValueNotSupported",
          `${TSC}[2].whenUnsatisfiable`,
          'Unsupported value: "": supported values: "DoNotSchedule", "ScheduleAnyway"',
        ],
      ],
    );
  });

  it("a repeated {topologyKey, whenUnsatisfiable} pair is a Duplicate on each earlier constraint", () => {
    const c = (topologyKey: string, whenUnsatisfiable: string) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable });
    assert.deepEqual(
      spreadPod([
        c("zone", "DoNotSchedule"),
        c("zone", "ScheduleAnyway"),
        c("zone", "DoNotSchedule"),
        c("host", "DoNotSchedule"),
        c("zone", "DoNotSchedule"),
      ]),
      [
        [
          "FieldValueDuplicate",
          `${TSC}[0].{topologyKey, whenUnsatisfiable}`,
          'Duplicate value: "{zone, DoNotSchedule}"',
        ],
        [
          "FieldValueDuplicate",
          `${TSC}[2].{topologyKey, whenUnsatisfiable}`,
          'Duplicate value: "{zone, DoNotSchedule}"',
        ],
      ],
    );
  });

  it("minDomains: greater than zero, only with DoNotSchedule", () => {
    assert.deepEqual(
      spreadPod([
        { maxSkew: 1, topologyKey: "a", whenUnsatisfiable: "DoNotSchedule", minDomains: 0 },
        { maxSkew: 1, topologyKey: "b", whenUnsatisfiable: "ScheduleAnyway", minDomains: 2 },
        { maxSkew: 1, topologyKey: "c", whenUnsatisfiable: "ScheduleAnyway", minDomains: -1 },
        { maxSkew: 1, topologyKey: "d", whenUnsatisfiable: "DoNotSchedule", minDomains: 1 },
        { maxSkew: 1, topologyKey: "e", whenUnsatisfiable: "ScheduleAnyway", minDomains: null },
      ]),
      [
        ["FieldValueInvalid", `${TSC}[0].minDomains`, "Invalid value: 0: must be greater than zero"],
        [
          "FieldValueInvalid",
          `${TSC}[1].minDomains`,
          "Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway",
        ],
        ["FieldValueInvalid", `${TSC}[2].minDomains`, "Invalid value: -1: must be greater than zero"],
        [
          "FieldValueInvalid",
          `${TSC}[2].minDomains`,
          "Invalid value: -1: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway",
        ],
      ],
    );
  });

  it("nodeAffinityPolicy and nodeTaintsPolicy: Honor or Ignore", () => {
    assert.deepEqual(
      spreadPod([
        {
          maxSkew: 1,
          topologyKey: "zone",
          whenUnsatisfiable: "DoNotSchedule",
          nodeAffinityPolicy: "Always",
          nodeTaintsPolicy: "",
        },
      ]),
      [
        [
          "FieldValueNotSupported",
          `${TSC}[0].nodeAffinityPolicy`,
          'Unsupported value: "Always": supported values: "Honor", "Ignore"',
        ],
        [
          "FieldValueNotSupported",
          `${TSC}[0].nodeTaintsPolicy`,
          'Unsupported value: "": supported values: "Honor", "Ignore"',
        ],
      ],
    );
  });

  it("matchLabelKeys: need a labelSelector, must be label names not already in it", () => {
    const base = { maxSkew: 1, whenUnsatisfiable: "DoNotSchedule" };
    assert.deepEqual(
      spreadPod([
        { ...base, topologyKey: "a", matchLabelKeys: ["pod-template-hash", "bad key"] },
        {
          ...base,
          topologyKey: "b",
          labelSelector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "Exists" }] },
          matchLabelKeys: ["app", "tier", "other", ""],
        },
        { ...base, topologyKey: "c", labelSelector: {}, matchLabelKeys: [] },
      ]),
      [
        [
          "FieldValueForbidden",
          `${TSC}[0].matchLabelKeys`,
          "Forbidden: must not be specified when labelSelector is not set",
        ],
        ["FieldValueInvalid", `${TSC}[0].matchLabelKeys[1]`, `Invalid value: "bad key": ${QNAME}`],
        [
          "FieldValueInvalid",
          `${TSC}[1].matchLabelKeys[0]`,
          'Invalid value: "app": exists in both matchLabelKeys and labelSelector',
        ],
        [
          "FieldValueInvalid",
          `${TSC}[1].matchLabelKeys[1]`,
          'Invalid value: "tier": exists in both matchLabelKeys and labelSelector',
        ],
        ["FieldValueInvalid", `${TSC}[1].matchLabelKeys[3]`, `Invalid value: "": ${QNAME_EMPTY}`],
        ["FieldValueInvalid", `${TSC}[1].matchLabelKeys[3]`, `Invalid value: "": ${QNAME}`],
      ],
    );
  });

  it("labelSelector is validated strictly on create, in kube's order within a constraint", () => {
    assert.deepEqual(
      spreadPod([
        {
          maxSkew: 0,
          topologyKey: "zone",
          whenUnsatisfiable: "ScheduleAnyway",
          minDomains: 1,
          nodeTaintsPolicy: "x",
          matchLabelKeys: ["k"],
          labelSelector: {
            matchLabels: { app: "{bar}" },
            matchExpressions: [{ key: "os=linux", operator: "In", values: [""] }],
          },
        },
      ]),
      [
        ["FieldValueInvalid", `${TSC}[0].maxSkew`, "Invalid value: 0: must be greater than zero"],
        [
          "FieldValueInvalid",
          `${TSC}[0].minDomains`,
          "Invalid value: 1: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway",
        ],
        [
          "FieldValueNotSupported",
          `${TSC}[0].nodeTaintsPolicy`,
          'Unsupported value: "x": supported values: "Honor", "Ignore"',
        ],
        ["FieldValueInvalid", `${TSC}[0].labelSelector.matchLabels`, `Invalid value: "{bar}": ${LABEL_VALUE}`],
        ["FieldValueInvalid", `${TSC}[0].labelSelector.matchExpressions[0].key`, `Invalid value: "os=linux": ${QNAME}`],
      ],
    );
  });

  it("allowInvalidTopologySpreadConstraintLabelSelector skips the labelSelector check", () => {
    const constraints = [
      {
        maxSkew: 1,
        topologyKey: "zone",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: { matchLabels: { a: "-" } },
      },
    ];
    const path = fieldPath("spec", "topologySpreadConstraints");
    assert.deepEqual(causes(validateTopologySpreadConstraints(constraints, path)), [
      ["FieldValueInvalid", `${TSC}[0].labelSelector.matchLabels`, `Invalid value: "-": ${LABEL_VALUE}`],
    ]);
    assert.deepEqual(
      causes(
        validateTopologySpreadConstraints(constraints, path, {
          allowInvalidTopologySpreadConstraintLabelSelector: true,
        }),
      ),
      [],
    );
    assert.equal(hasInvalidTopologySpreadConstraintLabelSelector({ topologySpreadConstraints: constraints }), true);
    assert.equal(hasInvalidTopologySpreadConstraintLabelSelector({ topologySpreadConstraints: fullSpread }), false);
  });
});

describe("pod templates", () => {
  const deployment = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d", namespace: "default", uid: "u-2" },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "c", image: "nginx" }], ...spec },
      },
    },
  });

  it("a Deployment's template with full affinity and spread constraints passes", () => {
    assert.deepEqual(
      create("apps/Deployment", deployment({ affinity: fullAffinity, topologySpreadConstraints: fullSpread })),
      [],
    );
  });

  it("a Deployment reports affinity and spread errors under spec.template.spec, affinity first", () => {
    assert.deepEqual(
      create(
        "apps/Deployment",
        deployment({
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "Later" }],
          affinity: {
            nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 200, podAffinityTerm: { topologyKey: "zone" } },
              ],
            },
          },
        }),
      ),
      [
        [
          "FieldValueRequired",
          "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms",
          "Required value: must have at least one node selector term",
        ],
        [
          "FieldValueInvalid",
          "spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
          "Invalid value: 200: must be in the range 1-100",
        ],
        [
          "FieldValueNotSupported",
          "spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable",
          'Unsupported value: "Later": supported values: "DoNotSchedule", "ScheduleAnyway"',
        ],
      ],
    );
  });
});
