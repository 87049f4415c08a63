// Built-in kinds outside core and apps/batch: coordination Lease, scheduling
// PriorityClass, storage StorageClass, networking Ingress and NetworkPolicy,
// policy PodDisruptionBudget, rbac roles and bindings, discovery
// EndpointSlice and events.k8s.io Event — Kubernetes 1.28 rules.

import {
  type FieldError,
  FieldPath,
  forbiddenField,
  GoValue,
  goIntOrString,
  goQuote,
  invalidField,
  invalidGoField,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidIP,
  isValidPortName,
  isValidPortNum,
  nameIsPathSegment,
  notSupportedField,
  percentValue,
  requiredField,
  tooLongField,
  validateImmutableField,
  validateLabelSelector,
} from "@wharf/apimachinery";
import type { KindStrategy, KubeObject } from "../strategy.js";
import { validatePositiveIntOrPercent } from "./apps.js";
import { validateLegacyEvent } from "./core.js";
import { canonicalQuantity, canonicalResourceList } from "./quantities.js";
import { arr, child, isObj, num, type Obj, objs, same, setDefault, setDefaultStr, str, sub } from "./util.js";

function specOf(obj: KubeObject): Obj {
  return (isObj(obj.spec) ? obj.spec : {}) as Obj;
}

// ---------------------------------------------------------------- Lease

export const leaseStrategy: KindStrategy = {
  validate(obj) {
    const spec = specOf(obj);
    const errs: FieldError[] = [];
    const d = num(spec.leaseDurationSeconds);
    if (d !== undefined && d <= 0)
      errs.push(invalidField(FieldPath.of("spec", "leaseDurationSeconds"), d, "must be greater than 0"));
    const t = num(spec.leaseTransitions);
    if (t !== undefined && t < 0) {
      errs.push(invalidField(FieldPath.of("spec", "leaseTransitions"), t, "must be greater than or equal to 0"));
    }
    return errs;
  },
};

// ---------------------------------------------------------------- PriorityClass

const HIGHEST_USER_PRIORITY = 1000000000;
/** kube's two system PriorityClasses: created at start, and the only names with the `system-` prefix. */
export const SYSTEM_PRIORITY_CLASSES: Record<string, { value: number; description: string }> = {
  "system-node-critical": {
    value: 2000001000,
    description: "Used for system critical pods that must not be moved from their current node.",
  },
  "system-cluster-critical": {
    value: 2000000000,
    description:
      "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
  },
};

export const priorityClassStrategy: KindStrategy = {
  default(obj) {
    setDefault(obj, "value", 0);
    setDefault(obj, "preemptionPolicy", "PreemptLowerPriority");
  },
  validate(obj) {
    const errs: FieldError[] = [];
    const name = obj.metadata?.name ?? "";
    const value = num(obj.value) ?? 0;
    if (name.startsWith("system-")) {
      const known = SYSTEM_PRIORITY_CLASSES[name]?.value;
      let err: string | undefined;
      if (known === undefined) err = `${name} is not a known system priority class`;
      else if (known !== value) err = `value of ${name} PriorityClass must be ${known}`;
      else if (obj.globalDefault === true) err = `globalDefault of ${name} PriorityClass must be false`;
      if (err) {
        errs.push(
          forbiddenField(
            FieldPath.of("metadata", "name"),
            `priority class names with 'system-' prefix are reserved for system use only. error: ${err}`,
          ),
        );
      }
    } else if (value > HIGHEST_USER_PRIORITY) {
      errs.push(
        forbiddenField("value", `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}`),
      );
    }
    const pp = obj.preemptionPolicy;
    if (pp !== undefined && pp !== null && pp !== "PreemptLowerPriority" && pp !== "Never") {
      errs.push(notSupportedField("preemptionPolicy", pp, ["Never", "PreemptLowerPriority"]));
    }
    return errs;
  },
  validateUpdate(obj, old) {
    const errs: FieldError[] = [];
    if ((num(obj.value) ?? 0) !== (num(old.value) ?? 0))
      errs.push(forbiddenField("value", "may not be changed in an update."));
    errs.push(...validateImmutableField(obj.preemptionPolicy, old.preemptionPolicy, "preemptionPolicy"));
    return errs;
  },
};

// ---------------------------------------------------------------- StorageClass

/** CSIStorageCapacity: only its quantities, in kube's canonical text. */
export const csiStorageCapacityStrategy: KindStrategy = {
  default(obj) {
    canonicalQuantity(obj, "capacity");
    canonicalQuantity(obj, "maximumVolumeSize");
  },
};

/** RuntimeClass: only its pod overhead's quantities, in kube's canonical text. */
export const runtimeClassStrategy: KindStrategy = {
  default(obj) {
    canonicalResourceList(sub(obj, "overhead"), "podFixed");
  },
};

export const storageClassStrategy: KindStrategy = {
  default(obj) {
    setDefaultStr(obj, "reclaimPolicy", "Delete");
    setDefaultStr(obj, "volumeBindingMode", "Immediate");
  },
  validate(obj) {
    const errs: FieldError[] = [];
    const provisioner = str(obj.provisioner);
    if (provisioner === "") errs.push(requiredField("provisioner"));
    else
      for (const m of isQualifiedName(provisioner.toLowerCase()))
        errs.push(invalidField("provisioner", provisioner, m));
    const params = isObj(obj.parameters) ? obj.parameters : {};
    const keys = Object.keys(params);
    if (keys.length > 512) errs.push(tooLongField("parameters", 512));
    let total = 0;
    for (const k of keys) {
      if (k === "") errs.push(invalidField("parameters", k, "field can not be empty."));
      total += k.length + str(params[k]).length;
    }
    if (total > 256 * 1024) errs.push(tooLongField("parameters", 256 * 1024));
    const rp = str(obj.reclaimPolicy);
    if (rp !== "" && rp !== "Delete" && rp !== "Retain")
      errs.push(notSupportedField("reclaimPolicy", rp, ["Delete", "Retain"]));
    const vbm = obj.volumeBindingMode;
    if (vbm === undefined || vbm === null || vbm === "") errs.push(requiredField("volumeBindingMode"));
    else if (vbm !== "Immediate" && vbm !== "WaitForFirstConsumer") {
      errs.push(notSupportedField("volumeBindingMode", vbm, ["Immediate", "WaitForFirstConsumer"]));
    }
    return errs;
  },
  validateUpdate(obj, old) {
    const errs: FieldError[] = [];
    if (!same(obj.parameters, old.parameters))
      errs.push(forbiddenField("parameters", "updates to parameters are forbidden."));
    if (str(obj.provisioner) !== str(old.provisioner))
      errs.push(forbiddenField("provisioner", "updates to provisioner are forbidden."));
    if (str(obj.reclaimPolicy) !== str(old.reclaimPolicy)) {
      errs.push(forbiddenField("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
    }
    errs.push(...validateImmutableField(obj.volumeBindingMode, old.volumeBindingMode, "volumeBindingMode"));
    return errs;
  },
};

// ---------------------------------------------------------------- Ingress

const pathTypes = ["Exact", "ImplementationSpecific", "Prefix"];

function validateIngressBackend(b: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const service = sub(b, "service");
  const resource = sub(b, "resource");
  if (service && resource) return [invalidField(path, "", "cannot set both resource and service backends")];
  if (resource) {
    if (str(resource.kind) === "") errs.push(requiredField(path.child("resource", "kind")));
    if (str(resource.name) === "") errs.push(requiredField(path.child("resource", "name")));
    return errs;
  }
  if (!service) return [invalidField(path, "", "resource or service backend is required")];
  const sp = path.child("service");
  const name = str(service.name);
  if (name === "") errs.push(requiredField(sp.child("name")));
  const port = sub(service, "port") ?? {};
  const pp = sp.child("port");
  const hasName = str(port.name) !== "";
  const hasNumber = (num(port.number) ?? 0) !== 0;
  if (hasName && hasNumber) errs.push(invalidField(pp, "", "cannot set both port name & port number"));
  else if (hasName)
    for (const m of isValidPortName(str(port.name))) errs.push(invalidField(pp.child("name"), port.name, m));
  else if (hasNumber)
    for (const m of isValidPortNum(num(port.number)!)) errs.push(invalidField(pp.child("number"), port.number, m));
  else errs.push(requiredField(pp, "port name or number is required"));
  return errs;
}

export const ingressStrategy: KindStrategy = {
  validate(obj) {
    const spec = specOf(obj);
    const path = FieldPath.of("spec");
    const errs: FieldError[] = [];
    const rules = objs(spec.rules);
    const backend = sub(spec, "defaultBackend");
    if (rules.length === 0 && !backend) {
      errs.push(invalidField(path.child("rules"), rules, "either `defaultBackend` or `rules` must be specified"));
    }
    if (backend) errs.push(...validateIngressBackend(backend, path.child("defaultBackend")));
    rules.forEach((r, i) => {
      const rp = path.child("rules").index(i);
      const host = str(r.host);
      if (host !== "") {
        if (isValidIP(host).length === 0)
          errs.push(invalidField(rp.child("host"), host, "must be a DNS name, not an IP address"));
        const h = host.startsWith("*.") ? host.slice(2) : host;
        for (const m of isDNS1123Subdomain(h)) errs.push(invalidField(rp.child("host"), host, m));
      }
      const http = sub(r, "http");
      if (!http) return;
      const paths = objs(http.paths);
      if (paths.length === 0) errs.push(requiredField(rp.child("http", "paths")));
      paths.forEach((p, j) => {
        const pp = rp.child("http", "paths").index(j);
        const pt = p.pathType;
        const value = str(p.path);
        if (pt === undefined || pt === null || pt === "")
          errs.push(requiredField(pp.child("pathType"), "pathType must be specified"));
        else if (!pathTypes.includes(str(pt))) errs.push(notSupportedField(pp.child("pathType"), pt, pathTypes));
        else if (pt !== "ImplementationSpecific" && !value.startsWith("/")) {
          errs.push(invalidField(pp.child("path"), value, "must be an absolute path"));
        }
        errs.push(...validateIngressBackend(sub(p, "backend") ?? {}, pp.child("backend")));
      });
    });
    return errs;
  },
};

// ---------------------------------------------------------------- NetworkPolicy

export const networkPolicyStrategy: KindStrategy = {
  default(obj) {
    const spec = child(obj, "spec");
    for (const dir of ["ingress", "egress"]) {
      for (const rule of objs(spec[dir])) for (const p of objs(rule.ports)) setDefaultStr(p, "protocol", "TCP");
    }
    if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
      spec.policyTypes = arr(spec.egress).length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
    }
  },
  validate(obj) {
    const spec = specOf(obj);
    const path = FieldPath.of("spec");
    const errs: FieldError[] = [...validateLabelSelector(sub(spec, "podSelector"), path.child("podSelector"))];
    for (const dir of ["ingress", "egress"]) {
      objs(spec[dir]).forEach((rule, i) => {
        objs(rule.ports).forEach((p, j) => {
          const pp = path.child(dir).index(i).child("ports").index(j);
          const protocol = str(p.protocol);
          if (protocol !== "" && !["SCTP", "TCP", "UDP"].includes(protocol)) {
            errs.push(notSupportedField(pp.child("protocol"), protocol, ["SCTP", "TCP", "UDP"]));
          }
        });
      });
    }
    const types = arr(spec.policyTypes);
    types.forEach((t, i) => {
      if (t !== "Ingress" && t !== "Egress")
        errs.push(notSupportedField(path.child("policyTypes").index(i), t, ["Egress", "Ingress"]));
    });
    if (types.length > 2)
      errs.push(invalidField(path.child("policyTypes"), types, "may not specify more than two policyTypes"));
    return errs;
  },
};

// ---------------------------------------------------------------- PodDisruptionBudget

function notMoreThan100(v: unknown, path: FieldPath): FieldError[] {
  const p = percentValue(v);
  return p !== undefined && p > 100 ? [invalidGoField(path, goIntOrString(v), "must not be greater than 100%")] : [];
}

export const podDisruptionBudgetStrategy: KindStrategy = {
  default(obj) {
    if (!isObj(obj.status))
      obj.status = { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 };
  },
  validate(obj) {
    const spec = specOf(obj);
    const path = FieldPath.of("spec");
    const errs: FieldError[] = [];
    const min = spec.minAvailable;
    const max = spec.maxUnavailable;
    const has = (v: unknown) => v !== undefined && v !== null;
    if (has(min) && has(max)) errs.push(invalidField(path, spec, "minAvailable and maxUnavailable cannot be both set"));
    if (has(min)) {
      errs.push(...validatePositiveIntOrPercent(min, path.child("minAvailable")));
      errs.push(...notMoreThan100(min, path.child("minAvailable")));
    }
    if (has(max)) {
      errs.push(...validatePositiveIntOrPercent(max, path.child("maxUnavailable")));
      errs.push(...notMoreThan100(max, path.child("maxUnavailable")));
    }
    errs.push(...validateLabelSelector(sub(spec, "selector"), path.child("selector")));
    const policy = spec.unhealthyPodEvictionPolicy;
    if (has(policy) && policy !== "AlwaysAllow" && policy !== "IfHealthyBudget") {
      errs.push(
        notSupportedField(path.child("unhealthyPodEvictionPolicy"), policy, ["AlwaysAllow", "IfHealthyBudget"]),
      );
    }
    return errs;
  },
};

// ---------------------------------------------------------------- RBAC

const RBAC_GROUP = "rbac.authorization.k8s.io";

function validatePolicyRules(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  objs(obj.rules).forEach((r, i) => {
    const p = FieldPath.of("rules").index(i);
    if (arr(r.verbs).length === 0) errs.push(requiredField(p.child("verbs"), "verbs must contain at least one value"));
    const urls = arr(r.nonResourceURLs);
    if (urls.length > 0) {
      if (namespaced)
        errs.push(invalidField(p.child("nonResourceURLs"), urls, "namespaced rules cannot apply to non-resource URLs"));
      if (arr(r.apiGroups).length > 0 || arr(r.resources).length > 0 || arr(r.resourceNames).length > 0) {
        errs.push(
          invalidField(
            p.child("nonResourceURLs"),
            urls,
            "rules cannot apply to both regular resources and non-resource URLs",
          ),
        );
      }
      return;
    }
    if (arr(r.apiGroups).length === 0)
      errs.push(requiredField(p.child("apiGroups"), "resource rules must supply at least one api group"));
    if (arr(r.resources).length === 0)
      errs.push(requiredField(p.child("resources"), "resource rules must supply at least one resource"));
  });
  return errs;
}

function validateAggregationRule(obj: KubeObject): FieldError[] {
  const rule = sub(obj, "aggregationRule");
  if (!rule) return [];
  const errs: FieldError[] = [];
  const selectors = objs(rule.clusterRoleSelectors);
  if (selectors.length === 0) {
    errs.push(
      requiredField(
        FieldPath.of("aggregationRule", "clusterRoleSelectors"),
        "at least one clusterRoleSelector required if aggregationRule is non-nil",
      ),
    );
  }
  selectors.forEach((s, i) => {
    errs.push(...validateLabelSelector(s, FieldPath.of("aggregationRule", "clusterRoleSelectors").index(i)));
  });
  // No check on `rules`: kube accepts them beside aggregationRule, where its aggregation controller writes them.
  return errs;
}

function goRoleRef(ref: Obj): GoValue {
  return new GoValue(
    `rbac.RoleRef{APIGroup:${goQuote(str(ref.apiGroup))}, Kind:${goQuote(str(ref.kind))}, Name:${goQuote(str(ref.name))}}`,
  );
}

function validateBinding(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = sub(obj, "roleRef") ?? {};
  const refPath = FieldPath.of("roleRef");
  if (str(ref.apiGroup) !== RBAC_GROUP)
    errs.push(notSupportedField(refPath.child("apiGroup"), str(ref.apiGroup), [RBAC_GROUP]));
  const kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
  if (!kinds.includes(str(ref.kind))) errs.push(notSupportedField(refPath.child("kind"), str(ref.kind), kinds));
  const name = str(ref.name);
  if (name === "") errs.push(requiredField(refPath.child("name")));
  else for (const m of nameIsPathSegment(name, false)) errs.push(invalidField(refPath.child("name"), name, m));
  objs(obj.subjects).forEach((s, i) => {
    const p = FieldPath.of("subjects").index(i);
    const sname = str(s.name);
    if (sname === "") errs.push(requiredField(p.child("name")));
    const kind = str(s.kind);
    const group = str(s.apiGroup);
    if (kind === "ServiceAccount") {
      if (sname !== "") for (const m of isDNS1123Subdomain(sname)) errs.push(invalidField(p.child("name"), sname, m));
      if (group !== "") errs.push(notSupportedField(p.child("apiGroup"), group, [""]));
      if (!namespaced && str(s.namespace) === "") errs.push(requiredField(p.child("namespace")));
    } else if (kind === "User" || kind === "Group") {
      if (group !== RBAC_GROUP) errs.push(notSupportedField(p.child("apiGroup"), group, [RBAC_GROUP]));
    } else {
      errs.push(notSupportedField(p.child("kind"), kind, ["ServiceAccount", "User", "Group"]));
    }
  });
  return errs;
}

function defaultSubjects(obj: KubeObject): void {
  for (const s of objs(obj.subjects)) {
    if (str(s.apiGroup) === "" && (s.kind === "User" || s.kind === "Group")) s.apiGroup = RBAC_GROUP;
  }
}

function roleRefImmutable(obj: KubeObject, old: KubeObject): FieldError[] {
  if (same(obj.roleRef, old.roleRef)) return [];
  return [invalidGoField("roleRef", goRoleRef(sub(obj, "roleRef") ?? {}), "cannot change roleRef")];
}

export const roleStrategy: KindStrategy = {
  nameValidator: nameIsPathSegment,
  validate: (o) => validatePolicyRules(o, true),
};
export const clusterRoleStrategy: KindStrategy = {
  nameValidator: nameIsPathSegment,
  validate: (o) => [...validatePolicyRules(o, false), ...validateAggregationRule(o)],
};
export const roleBindingStrategy: KindStrategy = {
  nameValidator: nameIsPathSegment,
  default: defaultSubjects,
  validate: (o) => validateBinding(o, true),
  validateUpdate: roleRefImmutable,
};
export const clusterRoleBindingStrategy: KindStrategy = {
  nameValidator: nameIsPathSegment,
  default: defaultSubjects,
  validate: (o) => validateBinding(o, false),
  validateUpdate: roleRefImmutable,
};

// ---------------------------------------------------------------- EndpointSlice

const addressTypes = ["FQDN", "IPv4", "IPv6"];

export const endpointSliceStrategy: KindStrategy = {
  default(obj) {
    for (const p of objs(obj.ports)) {
      setDefault(p, "name", "");
      setDefaultStr(p, "protocol", "TCP");
    }
  },
  validate(obj) {
    const errs: FieldError[] = [];
    const type = str(obj.addressType);
    if (type === "") errs.push(requiredField("addressType"));
    else if (!addressTypes.includes(type)) errs.push(notSupportedField("addressType", type, addressTypes));
    objs(obj.endpoints).forEach((e, i) => {
      const p = FieldPath.of("endpoints").index(i);
      const addresses = arr(e.addresses).map(str);
      if (addresses.length === 0) errs.push(requiredField(p.child("addresses"), "must contain at least 1 address"));
      else if (addresses.length > 100)
        errs.push(invalidField(p.child("addresses"), addresses.length, "must have at most 100 addresses"));
      addresses.forEach((a, j) => {
        const ap = p.child("addresses").index(j);
        if (type === "IPv4" && isValidIP(a).length === 0 && a.includes(":"))
          errs.push(invalidField(ap, a, "must be a valid IPv4 address"));
        else if (type === "IPv4" || type === "IPv6") for (const m of isValidIP(a)) errs.push(invalidField(ap, a, m));
        else if (type === "FQDN") for (const m of isDNS1123Subdomain(a)) errs.push(invalidField(ap, a, m));
      });
    });
    objs(obj.ports).forEach((pt, i) => {
      const p = FieldPath.of("ports").index(i);
      const protocol = str(pt.protocol);
      if (!["SCTP", "TCP", "UDP"].includes(protocol))
        errs.push(notSupportedField(p.child("protocol"), protocol, ["SCTP", "TCP", "UDP"]));
      const port = num(pt.port);
      if (port !== undefined && (port < 0 || port > 65535))
        errs.push(invalidField(p.child("port"), port, "must be between 0 and 65535, inclusive"));
    });
    return errs;
  },
  validateUpdate: (obj, old) => validateImmutableField(obj.addressType, old.addressType, "addressType"),
};

// ---------------------------------------------------------------- events.k8s.io Event

export const eventsV1Strategy: KindStrategy = {
  validate(obj) {
    const errs = validateLegacyEvent(obj, "reportingController");
    if (obj.eventTime === undefined || obj.eventTime === null || obj.eventTime === "")
      errs.push(requiredField("eventTime"));
    const type = str(obj.type);
    if (type !== "Normal" && type !== "Warning") errs.push(invalidField("type", "", `has invalid value: ${type}`));
    if (obj.deprecatedFirstTimestamp) errs.push(invalidField("deprecatedFirstTimestamp", "", "needs to be unset"));
    if (obj.deprecatedLastTimestamp) errs.push(invalidField("deprecatedLastTimestamp", "", "needs to be unset"));
    if (num(obj.deprecatedCount)) errs.push(invalidField("deprecatedCount", "", "needs to be unset"));
    const src = sub(obj, "deprecatedSource");
    if (src && (str(src.component) !== "" || str(src.host) !== ""))
      errs.push(invalidField("deprecatedSource", "", "needs to be unset"));
    return errs;
  },
};
