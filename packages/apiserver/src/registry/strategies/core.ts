// The smaller core/v1 kinds: Namespace, ConfigMap, Secret, ServiceAccount,
// Node, PersistentVolumeClaim, PersistentVolume, Endpoints, Event, PodTemplate
// and ReplicationController — their 1.28 defaults and validation.

import {
  type FieldError,
  FieldPath,
  forbiddenField,
  invalidField,
  isConfigMapKey,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidIP,
  isValidLabelValue,
  isValidPortNum,
  nameIsDNSLabel,
  notSupportedField,
  parseQuantity,
  requiredField,
  tooLongField,
  validateImmutableField,
  validateLabelSelector,
} from "@wharf/apimachinery";
import type { KindStrategy, KubeObject } from "../strategy.js";
import {
  defaultClaimSpec,
  defaultPodTemplate,
  podTemplateValidationOptions,
  validatePodTemplateSpec,
} from "./pod-spec.js";
import { canonicalResourceList } from "./quantities.js";
import {
  arr,
  child,
  isObj,
  num,
  type Obj,
  objs,
  same,
  setDefault,
  setDefaultStr,
  sortedKeys,
  str,
  strMap,
  sub,
} from "./util.js";

const IMMUTABLE_SET = "field is immutable when `immutable` is set";

function specOf(obj: KubeObject): Obj {
  return (isObj(obj.spec) ? obj.spec : {}) as Obj;
}

// ---------------------------------------------------------------- Namespace

/** The finalizer the namespace controller removes once a terminating namespace is empty. */
export const FINALIZER_KUBERNETES = "kubernetes";

export const namespaceStrategy: KindStrategy = {
  nameValidator: nameIsDNSLabel,
  // SetDefaults_Namespace: every named namespace carries its name as a label.
  default(obj) {
    const name = obj.metadata?.name;
    if (!name) return;
    obj.metadata!.labels = { ...(obj.metadata!.labels ?? {}), "kubernetes.io/metadata.name": name };
  },
  // A new namespace is Active and carries the `kubernetes` finalizer, after any it was given.
  prepareForCreate(obj) {
    obj.status = { phase: "Active" };
    const spec = isObj(obj.spec) ? obj.spec : {};
    const finalizers = arr(spec.finalizers);
    if (!finalizers.includes(FINALIZER_KUBERNETES)) spec.finalizers = [...finalizers, FINALIZER_KUBERNETES];
    obj.spec = spec;
  },
  validate(obj) {
    const errs: FieldError[] = [];
    arr(sub(obj, "spec")?.finalizers).forEach((f, i) => {
      const name = str(f);
      const p = FieldPath.of("spec", "finalizers").index(i);
      const msgs = isQualifiedName(name);
      if (msgs.length > 0) for (const m of msgs) errs.push(invalidField(p, name, m));
      else if (!name.includes("/") && name !== "kubernetes") {
        errs.push(invalidField(p, name, "name is neither a standard finalizer name nor is it fully qualified"));
      }
    });
    return errs;
  },
};

// ---------------------------------------------------------------- ConfigMap / Secret

const MAX_CONFIGMAP_BYTES = 1024 * 1024;

function immutableData(obj: KubeObject, old: KubeObject, fields: string[]): FieldError[] {
  const errs: FieldError[] = [];
  if (old.immutable !== true) return errs;
  if (obj.immutable !== true) errs.push(forbiddenField("immutable", IMMUTABLE_SET));
  for (const f of fields) if (!same(obj[f], old[f])) errs.push(forbiddenField(f, IMMUTABLE_SET));
  return errs;
}

export const configMapStrategy: KindStrategy = {
  validate(obj) {
    const errs: FieldError[] = [];
    const data = isObj(obj.data) ? obj.data : {};
    const binary = isObj(obj.binaryData) ? obj.binaryData : {};
    let total = 0;
    for (const key of sortedKeys(data)) {
      for (const m of isConfigMapKey(key)) errs.push(invalidField(FieldPath.of("data").key(key), key, m));
      if (Object.hasOwn(binary, key)) {
        errs.push(invalidField(FieldPath.of("data").key(key), key, "duplicate of key present in binaryData"));
      }
      total += Buffer.byteLength(str(data[key]), "utf8");
    }
    for (const key of sortedKeys(binary)) {
      for (const m of isConfigMapKey(key)) errs.push(invalidField(FieldPath.of("binaryData").key(key), key, m));
      total += Buffer.from(str(binary[key]), "base64").length;
    }
    // kube reports the whole object as field.NewPath(""), which prints as "[]".
    if (total > MAX_CONFIGMAP_BYTES) errs.push(tooLongField("[]", MAX_CONFIGMAP_BYTES));
    return errs;
  },
  validateUpdate: (obj, old) => immutableData(obj, old, ["data", "binaryData"]),
};

const secretRequiredKeys: Record<string, string[]> = {
  "kubernetes.io/dockercfg": [".dockercfg"],
  "kubernetes.io/dockerconfigjson": [".dockerconfigjson"],
  "kubernetes.io/ssh-auth": ["ssh-privatekey"],
  "kubernetes.io/tls": ["tls.key", "tls.crt"],
};

export const secretStrategy: KindStrategy = {
  default(obj) {
    // stringData is write-only: decoding v1 into kube's internal Secret writes each of its values over data's
    // (as the value's UTF-8 bytes), and the internal type has no stringData to keep.
    if (isObj(obj.stringData) && Object.keys(obj.stringData).length > 0) {
      const data: Record<string, unknown> = isObj(obj.data) ? { ...obj.data } : {};
      for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(str(v), "utf8").toString("base64");
      obj.data = data;
    }
    delete obj.stringData;
    setDefaultStr(obj, "type", "Opaque");
  },
  validate(obj) {
    const errs: FieldError[] = [];
    const dataPath = FieldPath.of("data");
    const data = isObj(obj.data) ? obj.data : {};
    let total = 0;
    for (const key of sortedKeys(data)) {
      for (const m of isConfigMapKey(key)) errs.push(invalidField(dataPath.key(key), key, m));
      total += Buffer.from(str(data[key]), "base64").length;
    }
    if (total > MAX_CONFIGMAP_BYTES) errs.push(tooLongField(dataPath, MAX_CONFIGMAP_BYTES));
    const type = str(obj.type);
    if (type === "kubernetes.io/service-account-token") {
      const ann = strMap(obj.metadata?.annotations) ?? {};
      if (str(ann["kubernetes.io/service-account.name"]) === "") {
        errs.push(requiredField(FieldPath.of("metadata", "annotations").key("kubernetes.io/service-account.name")));
      }
    } else if (type === "kubernetes.io/basic-auth") {
      if (!Object.hasOwn(data, "username") && !Object.hasOwn(data, "password")) {
        errs.push(requiredField(dataPath.key("username")));
        errs.push(requiredField(dataPath.key("password")));
      }
    } else {
      for (const key of secretRequiredKeys[type] ?? [])
        if (!Object.hasOwn(data, key)) errs.push(requiredField(dataPath.key(key)));
    }
    return errs;
  },
  validateUpdate(obj, old) {
    const errs = validateImmutableField(obj.type, old.type, "type");
    errs.push(...immutableData(obj, old, ["data"]));
    return errs;
  },
};

// ---------------------------------------------------------------- ServiceAccount

export const serviceAccountStrategy: KindStrategy = {};

// ---------------------------------------------------------------- Node

const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

export const nodeStrategy: KindStrategy = {
  default(obj) {
    const status = child(obj, "status");
    canonicalResourceList(status, "capacity");
    canonicalResourceList(status, "allocatable");
    if (!isObj(status.allocatable) && isObj(status.capacity)) status.allocatable = { ...status.capacity };
    setDefault(child(obj, "spec"), "podCIDRs", undefined);
    const spec = child(obj, "spec");
    if (str(spec.podCIDR) !== "" && arr(spec.podCIDRs).length === 0) spec.podCIDRs = [spec.podCIDR];
    if (spec.podCIDRs === undefined) delete spec.podCIDRs;
  },
  validate(obj) {
    const errs: FieldError[] = [];
    const path = FieldPath.of("spec", "taints");
    const seen = new Set<string>();
    objs(specOf(obj).taints).forEach((t, i) => {
      const p = path.index(i);
      const key = str(t.key);
      for (const m of isQualifiedName(key)) errs.push(invalidField(p.child("key"), key, m));
      const value = str(t.value);
      if (value !== "") for (const m of isValidLabelValue(value)) errs.push(invalidField(p.child("value"), value, m));
      const effect = str(t.effect);
      if (effect === "") errs.push(requiredField(p.child("effect")));
      else if (!taintEffects.includes(effect)) errs.push(notSupportedField(p.child("effect"), effect, taintEffects));
      const id = `${key}:${effect}`;
      if (seen.has(id)) {
        errs.push(invalidField(p, t, "taints must be unique by key and effect pair"));
      }
      seen.add(id);
    });
    return errs;
  },
};

// ---------------------------------------------------------------- PersistentVolumeClaim / PersistentVolume

const accessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
const volumeModes = ["Block", "Filesystem"];

function validateAccessModes(spec: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const modes = arr(spec.accessModes);
  if (modes.length === 0) errs.push(requiredField(path.child("accessModes"), "at least 1 access mode is required"));
  for (const m of modes) {
    if (!accessModes.includes(str(m))) errs.push(notSupportedField(path.child("accessModes"), m, accessModes));
  }
  if (modes.includes("ReadWriteOncePod") && modes.length > 1) {
    errs.push(forbiddenField(path.child("accessModes"), "may not use ReadWriteOncePod with other access modes"));
  }
  return errs;
}

function positiveQuantity(v: unknown, path: FieldPath): FieldError[] {
  try {
    const q = parseQuantity(typeof v === "number" ? String(v) : str(v));
    return q.sign() <= 0 ? [invalidField(path, q.toString(), "must be greater than zero")] : [];
  } catch (e) {
    return [invalidField(path, v, (e as Error).message)];
  }
}

function pvcSpecDiff(old: Obj, next: Obj): string {
  const lines = ["  core.PersistentVolumeClaimSpec{"];
  for (const k of [...new Set([...Object.keys(old), ...Object.keys(next)])].sort()) {
    if (same(old[k], next[k])) continue;
    if (old[k] !== undefined) lines.push(`- \t${k}: ${JSON.stringify(old[k])},`);
    if (next[k] !== undefined) lines.push(`+ \t${k}: ${JSON.stringify(next[k])},`);
  }
  lines.push("  }");
  return lines.join("\n");
}

export const persistentVolumeClaimStrategy: KindStrategy = {
  default(obj) {
    defaultClaimSpec(child(obj, "spec"));
    const status = child(obj, "status");
    setDefaultStr(status, "phase", "Pending");
    canonicalResourceList(status, "capacity");
    canonicalResourceList(status, "allocatedResources");
  },
  validate(obj) {
    const spec = specOf(obj);
    const path = FieldPath.of("spec");
    const errs = validateAccessModes(spec, path);
    const selector = sub(spec, "selector");
    if (selector) errs.push(...validateLabelSelector(selector, path.child("selector")));
    const requests = strMap(sub(sub(spec, "resources"), "requests")) ?? {};
    const storagePath = path.child("resources").key("storage");
    if (!Object.hasOwn(requests, "storage")) errs.push(requiredField(storagePath));
    else errs.push(...positiveQuantity(requests.storage, storagePath));
    const mode = spec.volumeMode;
    if (mode !== undefined && mode !== null && !volumeModes.includes(str(mode))) {
      errs.push(notSupportedField(path.child("volumeMode"), mode, volumeModes));
    }
    const scn = spec.storageClassName;
    if (typeof scn === "string" && scn !== "") {
      for (const m of isDNS1123Subdomain(scn)) errs.push(invalidField(path.child("storageClassName"), scn, m));
    }
    return errs;
  },
  validateUpdate(obj, old) {
    const errs: FieldError[] = [];
    const next = structuredClone(specOf(obj));
    const prev = structuredClone(specOf(old));
    if (str(prev.volumeName) === "") next.volumeName = prev.volumeName;
    const bound = str(sub(old, "status")?.phase) === "Bound";
    if (bound) {
      const nr = child(child(next, "resources"), "requests");
      const or = strMap(sub(sub(prev, "resources"), "requests")) ?? {};
      nr.storage = or.storage;
    }
    if (!same(next, prev)) {
      errs.push(
        forbiddenField(
          "spec",
          `spec is immutable after creation except resources.requests for bound claims\n${pvcSpecDiff(prev, next)}`,
        ),
      );
    }
    if (bound) {
      const ns = strMap(sub(sub(specOf(obj), "resources"), "requests"))?.storage;
      const os = strMap(sub(sub(specOf(old), "resources"), "requests"))?.storage;
      try {
        if (ns !== undefined && os !== undefined && parseQuantity(String(ns)).cmp(parseQuantity(String(os))) < 0) {
          errs.push(
            forbiddenField(
              FieldPath.of("spec", "resources", "requests", "storage"),
              "field can not be less than previous value",
            ),
          );
        }
      } catch {
        // Bad quantities were reported by validate().
      }
    }
    return errs;
  },
};

const pvSources = [
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "hostPath",
  "glusterfs",
  "nfs",
  "rbd",
  "quobyte",
  "cephfs",
  "iscsi",
  "cinder",
  "fc",
  "flocker",
  "flexVolume",
  "azureFile",
  "vsphereVolume",
  "azureDisk",
  "photonPersistentDisk",
  "portworxVolume",
  "scaleIO",
  "local",
  "storageos",
  "csi",
];

export const persistentVolumeStrategy: KindStrategy = {
  default(obj) {
    const spec = child(obj, "spec");
    setDefaultStr(spec, "persistentVolumeReclaimPolicy", "Retain");
    setDefaultStr(spec, "volumeMode", "Filesystem");
    canonicalResourceList(spec, "capacity");
    setDefaultStr(child(obj, "status"), "phase", "Pending");
  },
  validate(obj) {
    const spec = specOf(obj);
    const path = FieldPath.of("spec");
    const errs = validateAccessModes(spec, path);
    const capacity = strMap(spec.capacity) ?? {};
    if (Object.keys(capacity).length === 0) errs.push(requiredField(path.child("capacity")));
    else if (!Object.hasOwn(capacity, "storage") || Object.keys(capacity).length > 1) {
      errs.push(notSupportedField(path.child("capacity"), capacity, ["storage"]));
    }
    for (const k of sortedKeys(capacity)) errs.push(...positiveQuantity(capacity[k], path.child("capacity").key(k)));
    const policy = str(spec.persistentVolumeReclaimPolicy);
    if (policy !== "" && !["Delete", "Recycle", "Retain"].includes(policy)) {
      errs.push(
        notSupportedField(path.child("persistentVolumeReclaimPolicy"), policy, ["Delete", "Recycle", "Retain"]),
      );
    }
    let count = 0;
    for (const s of pvSources) {
      if (spec[s] === undefined || spec[s] === null) continue;
      if (count > 0) errs.push(forbiddenField(path.child(s), "may not specify more than 1 volume type"));
      count++;
    }
    if (count === 0) errs.push(requiredField(path, "must specify a volume type"));
    return errs;
  },
  validateUpdate(obj, old) {
    const errs: FieldError[] = [];
    const next = specOf(obj);
    const prev = specOf(old);
    // Sources are immutable once set, except for CSI secrets refs kube allows to be added.
    for (const s of pvSources) {
      if (prev[s] !== undefined && !same(next[s], prev[s])) {
        errs.push(forbiddenField("spec.persistentvolumesource", "spec.persistentvolumesource is forbidden."));
        break;
      }
    }
    errs.push(...validateImmutableField(next.volumeMode, prev.volumeMode, FieldPath.of("volumeMode")));
    return errs;
  },
};

// ---------------------------------------------------------------- Endpoints

const protocols = ["SCTP", "TCP", "UDP"];

export const endpointsStrategy: KindStrategy = {
  default(obj) {
    for (const s of objs(obj.subsets)) for (const p of objs(s.ports)) setDefaultStr(p, "protocol", "TCP");
  },
  validate(obj) {
    const errs: FieldError[] = [];
    objs(obj.subsets).forEach((s, i) => {
      const sp = FieldPath.of("subsets").index(i);
      if (arr(s.addresses).length === 0 && arr(s.notReadyAddresses).length === 0) {
        errs.push(requiredField(sp, "must specify `addresses` or `notReadyAddresses`"));
      }
      for (const field of ["addresses", "notReadyAddresses"]) {
        objs(s[field]).forEach((a, j) => {
          const ip = str(a.ip);
          for (const m of isValidIP(ip)) errs.push(invalidField(sp.child(field).index(j).child("ip"), ip, m));
        });
      }
      const ports = objs(s.ports);
      ports.forEach((p, j) => {
        const pp = sp.child("ports").index(j);
        const name = str(p.name);
        if (ports.length > 1 && name === "") errs.push(requiredField(pp.child("name")));
        const port = num(p.port) ?? 0;
        for (const m of isValidPortNum(port)) errs.push(invalidField(pp.child("port"), port, m));
        const protocol = str(p.protocol);
        if (protocol === "") errs.push(requiredField(pp.child("protocol")));
        else if (!protocols.includes(protocol)) errs.push(notSupportedField(pp.child("protocol"), protocol, protocols));
      });
    });
    return errs;
  },
};

// ---------------------------------------------------------------- Event (core/v1)

/** legacyValidateEvent for a v1 request. */
export function validateLegacyEvent(obj: KubeObject, reportingField: string): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = obj.metadata?.namespace ?? "";
  const involved = sub(obj, reportingField === "reportingComponent" ? "involvedObject" : "regarding") ?? {};
  const involvedNs = str(involved.namespace);
  const eventTime = obj.eventTime;
  const involvedPath = FieldPath.of("involvedObject", "namespace");
  if (eventTime === undefined || eventTime === null || eventTime === "") {
    if (involvedNs === "") {
      if (namespace !== "" && namespace !== "default")
        errs.push(invalidField(involvedPath, involvedNs, "does not match event.namespace"));
    } else if (namespace !== involvedNs) {
      errs.push(invalidField(involvedPath, involvedNs, "does not match event.namespace"));
    }
  } else {
    if (involvedNs === "" && namespace !== "default" && namespace !== "kube-system") {
      errs.push(invalidField(involvedPath, involvedNs, "does not match event.namespace"));
    }
    const controller = str(obj.reportingController ?? obj.reportingComponent);
    if (controller === "") errs.push(requiredField(reportingField));
    for (const m of isQualifiedName(controller)) errs.push(invalidField(reportingField, controller, m));
    const instance = str(obj.reportingInstance);
    if (instance === "") errs.push(requiredField("reportingInstance"));
    if (instance.length > 128) errs.push(invalidField("reportingInstance", "", "can have at most 128 characters"));
    const action = str(obj.action);
    if (action === "") errs.push(requiredField("action"));
    if (action.length > 128) errs.push(invalidField("action", "", "can have at most 128 characters"));
    const reason = str(obj.reason);
    if (reason === "") errs.push(requiredField("reason"));
    if (reason.length > 128) errs.push(invalidField("reason", "", "can have at most 128 characters"));
    const message = str(obj.message ?? obj.note);
    if (message.length > 1024) errs.push(invalidField("message", "", "can have at most 1024 characters"));
  }
  for (const m of isDNS1123Subdomain(namespace)) errs.push(invalidField("namespace", namespace, m));
  return errs;
}

export const eventStrategy: KindStrategy = {
  default(obj) {
    // The v1 conversion fills reportingController from reportingComponent and back.
    if (obj.reportingComponent === undefined) obj.reportingComponent = "";
    if (obj.reportingInstance === undefined) obj.reportingInstance = "";
    if (obj.eventTime === undefined) obj.eventTime = null;
    if (!isObj(obj.involvedObject)) obj.involvedObject = {};
  },
  validate: (obj) => validateLegacyEvent(obj, "reportingComponent"),
};

// ---------------------------------------------------------------- PodTemplate / ReplicationController

export const podTemplateStrategy: KindStrategy = {
  default(obj) {
    defaultPodTemplate(child(obj, "template"));
  },
  validate(obj, old) {
    const opts = podTemplateValidationOptions(old?.template);
    return validatePodTemplateSpec(sub(obj, "template"), FieldPath.of("template"), opts);
  },
};

export const replicationControllerStrategy: KindStrategy = {
  default(obj) {
    const spec = child(obj, "spec");
    const template = sub(spec, "template");
    const tLabels = strMap(sub(template, "metadata")?.labels);
    if (tLabels && (!isObj(spec.selector) || Object.keys(spec.selector).length === 0)) spec.selector = { ...tLabels };
    const meta = obj.metadata ?? {};
    if (tLabels && Object.keys(meta.labels ?? {}).length === 0) meta.labels = { ...tLabels };
    setDefault(spec, "replicas", 1);
    if (template) defaultPodTemplate(template);
  },
  validate(obj, old) {
    const spec = specOf(obj);
    const path = FieldPath.of("spec");
    const errs: FieldError[] = [];
    const replicas = num(spec.replicas) ?? 0;
    if (replicas < 0) errs.push(invalidField(path.child("replicas"), replicas, "must be greater than or equal to 0"));
    const minReady = num(spec.minReadySeconds) ?? 0;
    if (minReady < 0)
      errs.push(invalidField(path.child("minReadySeconds"), minReady, "must be greater than or equal to 0"));
    const selector = strMap(spec.selector) ?? {};
    if (Object.keys(selector).length === 0) errs.push(requiredField(path.child("selector")));
    const template = sub(spec, "template");
    if (!template) errs.push(requiredField(path.child("template")));
    else {
      const labels = strMap(sub(template, "metadata")?.labels) ?? {};
      if (Object.keys(selector).length > 0 && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
        errs.push(
          invalidField(
            path.child("template", "metadata", "labels"),
            labels,
            "`selector` does not match template `labels`",
          ),
        );
      }
      const opts = podTemplateValidationOptions(sub(old?.spec, "template"));
      errs.push(...validatePodTemplateSpec(template, path.child("template"), opts));
      const rp = str(sub(template, "spec")?.restartPolicy);
      if (rp !== "Always")
        errs.push(notSupportedField(path.child("template", "spec", "restartPolicy"), rp, ["Always"]));
    }
    return errs;
  },
};
