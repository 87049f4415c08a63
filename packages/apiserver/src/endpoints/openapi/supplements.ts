import { type SourceField, type SourceType, sourceType, type TypeNode } from "./types-source.js";

// What the type packages leave out and this server serves: the
// apiregistration.k8s.io types (the aggregator's, not shipped by
// kubernetes-types), the `x-kubernetes-*` fields of a CRD's JSONSchemaProps,
// the exempt priority levels flowcontrol v1beta2 gained in 1.28, and the
// fields kubernetes-types 1.29 lost because their descriptions contain `*/`
// (a webhook rule's resources and scope, a rules review's verbs and
// resources). The descriptions here are this project's own wording.

const str: TypeNode = { kind: "string" };
const int: TypeNode = { kind: "number" };
const bool: TypeNode = { kind: "boolean" };
const ref = (name: string): TypeNode => ({ kind: "ref", name });
const list = (of: TypeNode): TypeNode => ({ kind: "array", of });
const field = (name: string, type: TypeNode, description: string, required = false): SourceField => ({
  name,
  type,
  description,
  required,
});

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
const AGG = "io.k8s.kube-aggregator.pkg.apis.apiregistration.v1";
const API_VERSION = field(
  "apiVersion",
  str,
  "The versioned schema of this representation of an object (group/version); clients send it and servers answer with it.",
);
const KIND = field("kind", str, "The REST resource this object represents, in CamelCase. Cannot be updated.");

const aggregatorTypes: SourceType[] = [
  {
    name: `${AGG}.APIService`,
    description:
      "APIService registers a group version with the API aggregation layer: requests for it are served by this server or proxied to the named service.",
    fields: [
      API_VERSION,
      KIND,
      field("metadata", ref(`${META}.ObjectMeta`), "Standard object metadata."),
      field("spec", ref(`${AGG}.APIServiceSpec`), "Where and with which priorities the group version is served."),
      field("status", ref(`${AGG}.APIServiceStatus`), "The observed availability of the group version."),
    ],
  },
  {
    name: `${AGG}.APIServiceList`,
    description: "APIServiceList is a list of APIService objects.",
    fields: [
      API_VERSION,
      field("items", list(ref(`${AGG}.APIService`)), "The APIServices.", true),
      KIND,
      field("metadata", ref(`${META}.ListMeta`), "Standard list metadata."),
    ],
  },
  {
    name: `${AGG}.APIServiceSpec`,
    description:
      "APIServiceSpec names the group version a server provides and how to reach it. Only https is supported, though a TLS check can be switched off.",
    fields: [
      field(
        "caBundle",
        str,
        "PEM bundle of certificate authorities used to verify the serving certificate of the service (base64 in JSON).",
      ),
      field("group", str, "The API group this APIService registers."),
      field(
        "groupPriorityMinimum",
        int,
        "The lowest priority of this group among all groups: clients prefer groups with a higher value. Ties are ordered by name.",
        true,
      ),
      field(
        "insecureSkipTLSVerify",
        bool,
        "Skips verifying the service's serving certificate. Discouraged; set caBundle instead.",
      ),
      field(
        "service",
        ref(`${AGG}.ServiceReference`),
        "The service that serves this group version; empty when the API server itself serves it.",
      ),
      field("version", str, "The API version this APIService registers (v1, v2beta1…)."),
      field(
        "versionPriority",
        int,
        "The order of this version within its group: higher comes first. Equal priorities sort by Kubernetes version order.",
        true,
      ),
    ],
  },
  {
    name: `${AGG}.ServiceReference`,
    description: "ServiceReference points to a Service by namespace and name.",
    fields: [
      field("name", str, "The name of the service."),
      field("namespace", str, "The namespace of the service."),
      field("port", int, "The port the service listens on; 443 when unset. Must be a valid port (1-65535)."),
    ],
  },
  {
    name: `${AGG}.APIServiceStatus`,
    description: "APIServiceStatus reports the observed state of an APIService.",
    fields: [field("conditions", list(ref(`${AGG}.APIServiceCondition`)), "The current conditions of the APIService.")],
  },
  {
    name: `${AGG}.APIServiceCondition`,
    description: "APIServiceCondition describes one aspect of an APIService's state.",
    fields: [
      field("lastTransitionTime", ref(`${META}.Time`), "When the condition last changed its status."),
      field("message", str, "A human-readable explanation of the last transition."),
      field("reason", str, "A one-word CamelCase reason for the last transition."),
      field("status", str, "Whether the condition holds: True, False or Unknown.", true),
      field("type", str, "The kind of condition (Available).", true),
    ],
  },
];

const JSON_SCHEMA_PROPS = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps";
const jsonSchemaExtensions: SourceField[] = [
  field(
    "x-kubernetes-embedded-resource",
    bool,
    "Marks an object that holds a whole Kubernetes object: apiVersion, kind and metadata are validated and defaulted like a top-level object's.",
  ),
  field(
    "x-kubernetes-int-or-string",
    bool,
    "Accepts an integer or a string at this node, as IntOrString fields do (the schema may then only constrain through anyOf/allOf).",
  ),
  field(
    "x-kubernetes-list-map-keys",
    list(str),
    "For a list of type map: the fields of the items that together identify an item.",
  ),
  field(
    "x-kubernetes-list-type",
    str,
    "How a list merges under server-side apply: atomic (replaced whole), set (unique scalars, merged) or map (items keyed by x-kubernetes-list-map-keys).",
  ),
  field(
    "x-kubernetes-map-type",
    str,
    "How an object merges under server-side apply: granular (field by field, the default) or atomic (replaced whole).",
  ),
  field(
    "x-kubernetes-preserve-unknown-fields",
    bool,
    "Keeps fields the schema does not name instead of pruning them; applies to this node and, unless overridden, below it.",
  ),
  field(
    "x-kubernetes-validations",
    list(ref("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule")),
    "CEL validation rules checked against values at this node.",
  ),
];

const FC2 = "io.k8s.api.flowcontrol.v1beta2";

/** Types this server serves that the type packages do not declare. */
export function supplementType(name: string): SourceType | undefined {
  if (name.startsWith(`${AGG}.`)) return aggregatorTypes.find((t) => t.name === name);
  if (name === `${FC2}.ExemptPriorityLevelConfiguration`) {
    // The same shape as v1beta3's.
    const v3 = sourceType("io.k8s.api.flowcontrol.v1beta3.ExemptPriorityLevelConfiguration");
    return v3 && { ...v3, name };
  }
  return undefined;
}

const LOST_FIELDS: Record<string, SourceField[]> = {
  "io.k8s.api.admissionregistration.v1.RuleWithOperations": [
    field(
      "resources",
      list(str),
      "The resources the rule matches: 'pods', 'pods/log' for a subresource, '*' for every resource (not subresources), 'pods/*' for every subresource of pods, '*/scale' for every scale subresource, '*/*' for everything. Required.",
    ),
    field(
      "scope",
      str,
      'Which resources match by scope: "Cluster" (cluster-scoped only; namespaces are), "Namespaced", or "*" (either, the default). Subresources take their parent\'s scope.',
    ),
  ],
  "io.k8s.api.authorization.v1.ResourceRule": [
    field("resources", list(str), 'The resources the rule covers; "*" is all of them, "*/foo" subresource foo of all.'),
    field("verbs", list(str), 'The API verbs the rule allows (get, list, watch, create…); "*" is all.', true),
  ],
};

/** Fields a declared type lacks. */
export function supplementFields(name: string): SourceField[] {
  if (name === JSON_SCHEMA_PROPS) return jsonSchemaExtensions;
  if (LOST_FIELDS[name]) return LOST_FIELDS[name];
  if (name === `${FC2}.PriorityLevelConfigurationSpec`) {
    const v3 = sourceType("io.k8s.api.flowcontrol.v1beta3.PriorityLevelConfigurationSpec");
    const exempt = v3?.fields?.find((f) => f.name === "exempt");
    return exempt ? [{ ...exempt, type: ref(`${FC2}.ExemptPriorityLevelConfiguration`) }] : [];
  }
  return [];
}
