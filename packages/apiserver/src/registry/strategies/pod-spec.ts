// PodSpec defaulting (pkg/apis/core/v1/defaults.go: SetDefaults_PodSpec,
// _Container, _ContainerPort, _Probe, _Volume ...) and validation
// (pkg/apis/core/validation: ValidatePodSpec, ValidatePodTemplateSpec and the
// container checks), shared by Pods and every kind that embeds a pod template.
// Paths, cause types and texts follow Kubernetes 1.28.

import {
  duplicateField,
  type FieldError,
  type FieldPath,
  forbiddenField,
  inclusiveRangeError,
  intOrStringIntValue,
  invalidField,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  notSupportedField,
  type Quantity,
  requiredField,
  validateAnnotations,
  validateLabels,
  validateNonnegativeField,
} from "@wharf/apimachinery";
import {
  type AffinityValidationOptions,
  hasInvalidLabelValueInAffinitySelector,
  hasInvalidTopologySpreadConstraintLabelSelector,
  type TopologySpreadValidationOptions,
  validateAffinity,
  validateTopologySpreadConstraints,
} from "./pod-affinity.js";
import {
  validateContainerSecurityContext,
  validateEphemeralContainers,
  validateHostAliases,
  validateHostProcessAndUsers,
  validateImagePullSecrets,
  validateOS,
  validateOverhead,
  validatePodHostNetworkDeps,
  validatePodSecurityContext,
  validateReadinessGates,
  validateRuntimeClassName,
  validateSchedulingGates,
  validateSecurityAnnotations,
} from "./pod-security.js";
import { validateVolumeDevices, validateVolumeMounts, validateVolumes } from "./pod-volumes.js";
import { canonicalClaimSpec, canonicalPodSpecQuantities, quantityOf } from "./quantities.js";
import { isHugePages, isNativeResource, isOvercommitAllowed, standardContainerResources } from "./resource-names.js";
import {
  arr,
  child,
  isObj,
  num,
  type Obj,
  objs,
  setDefault,
  setDefaultStr,
  sortedKeys,
  str,
  strMap,
  sub,
} from "./util.js";

const MAX_INT32 = 2147483647;

// ---------------------------------------------------------------- defaults

/** The tag kube's parsers.ParseImageName finds: "latest" when neither a tag nor a digest is given. */
export function imageTag(image: string): string {
  const at = image.indexOf("@");
  const named = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = named.lastIndexOf("/");
  const colon = named.lastIndexOf(":");
  if (colon > lastSlash) return named.slice(colon + 1);
  return at >= 0 ? "" : "latest";
}

function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  setDefault(p, "timeoutSeconds", 1);
  setDefault(p, "periodSeconds", 10);
  setDefault(p, "successThreshold", 1);
  setDefault(p, "failureThreshold", 3);
  defaultHandler(p);
}

function defaultHandler(h: unknown): void {
  const http = sub(h, "httpGet");
  if (http) {
    setDefaultStr(http, "path", "/");
    setDefaultStr(http, "scheme", "HTTP");
  }
}

function defaultLifecycle(l: unknown): void {
  if (!isObj(l)) return;
  defaultHandler(l.postStart);
  defaultHandler(l.preStop);
}

function defaultEnv(env: unknown): void {
  for (const e of objs(env)) {
    const fieldRef = sub(sub(e, "valueFrom"), "fieldRef");
    if (fieldRef) setDefaultStr(fieldRef, "apiVersion", "v1");
  }
}

/** SetDefaults_Container and what it reaches (ports, probes, env). */
export function defaultContainer(c: Obj): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === "") {
    c.imagePullPolicy = imageTag(str(c.image)) === "latest" ? "Always" : "IfNotPresent";
  }
  setDefaultStr(c, "terminationMessagePath", "/dev/termination-log");
  setDefaultStr(c, "terminationMessagePolicy", "File");
  setDefault(c, "resources", {});
  for (const p of objs(c.ports)) setDefaultStr(p, "protocol", "TCP");
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultLifecycle(c.lifecycle);
  defaultEnv(c.env);
}

const volumeSources = [
  "hostPath",
  "emptyDir",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "secret",
  "nfs",
  "iscsi",
  "glusterfs",
  "persistentVolumeClaim",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "downwardAPI",
  "fc",
  "azureFile",
  "configMap",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "projected",
  "portworxVolume",
  "scaleIO",
  "storageos",
  "csi",
  "ephemeral",
];

/** SetDefaults_Volume and the per-source defaults (mode 0644, hostPath type ""...). */
function defaultVolume(v: Obj): void {
  if (!volumeSources.some((s) => v[s] !== undefined && v[s] !== null)) v.emptyDir = {};
  const secret = sub(v, "secret");
  if (secret) setDefault(secret, "defaultMode", 0o644);
  const cm = sub(v, "configMap");
  if (cm) setDefault(cm, "defaultMode", 0o644);
  const dapi = sub(v, "downwardAPI");
  if (dapi) {
    setDefault(dapi, "defaultMode", 0o644);
    for (const item of objs(dapi.items)) {
      const fr = sub(item, "fieldRef");
      if (fr) setDefaultStr(fr, "apiVersion", "v1");
    }
  }
  const projected = sub(v, "projected");
  if (projected) {
    setDefault(projected, "defaultMode", 0o644);
    for (const src of objs(projected.sources)) {
      const sat = sub(src, "serviceAccountToken");
      if (sat) setDefault(sat, "expirationSeconds", 3600);
      for (const item of objs(sub(src, "downwardAPI")?.items)) {
        const fr = sub(item, "fieldRef");
        if (fr) setDefaultStr(fr, "apiVersion", "v1");
      }
    }
  }
  const hostPath = sub(v, "hostPath");
  if (hostPath) setDefault(hostPath, "type", "");
  const iscsi = sub(v, "iscsi");
  if (iscsi) setDefaultStr(iscsi, "iscsiInterface", "default");
  const rbd = sub(v, "rbd");
  if (rbd) {
    setDefaultStr(rbd, "pool", "rbd");
    setDefaultStr(rbd, "user", "admin");
    setDefaultStr(rbd, "keyring", "/etc/ceph/keyring");
  }
  const azureDisk = sub(v, "azureDisk");
  if (azureDisk) {
    setDefaultStr(azureDisk, "cachingMode", "ReadWrite");
    setDefaultStr(azureDisk, "fsType", "ext4");
    setDefault(azureDisk, "readOnly", false);
    setDefaultStr(azureDisk, "kind", "Shared");
  }
  const scaleIO = sub(v, "scaleIO");
  if (scaleIO) {
    setDefaultStr(scaleIO, "storageMode", "ThinProvisioned");
    setDefaultStr(scaleIO, "fsType", "xfs");
  }
  const claimTemplate = sub(sub(v, "ephemeral"), "volumeClaimTemplate");
  if (claimTemplate) {
    defaultEmbeddedMetadata(claimTemplate);
    defaultClaimSpec(child(claimTemplate, "spec"));
  }
}

/** SetDefaults_PodSpec plus the container and volume defaults it implies. */
export function defaultPodSpec(spec: Obj): void {
  setDefaultStr(spec, "dnsPolicy", "ClusterFirst");
  setDefaultStr(spec, "restartPolicy", "Always");
  setDefault(spec, "securityContext", {});
  setDefault(spec, "terminationGracePeriodSeconds", 30);
  setDefaultStr(spec, "schedulerName", "default-scheduler");
  for (const c of objs(spec.containers)) defaultContainer(c);
  for (const c of objs(spec.initContainers)) defaultContainer(c);
  for (const c of objs(spec.ephemeralContainers)) defaultContainer(c);
  for (const v of objs(spec.volumes)) defaultVolume(v);
  canonicalPodSpecQuantities(spec);
  dropDisabledFields(spec);
}

/**
 * defaultHostNetworkPorts, for Pods only in 1.28 (DefaultHostNetworkHostPortsInPodTemplates is off): with the
 * host's network, the host port is the container port.
 */
export function defaultHostNetworkPorts(spec: Obj): void {
  if (spec.hostNetwork !== true) return;
  for (const c of [...objs(spec.containers), ...objs(spec.initContainers)]) {
    for (const p of objs(c.ports)) if (!p.hostPort) p.hostPort = p.containerPort;
  }
}

/**
 * kube's dropDisabledFields for the fields of 1.28's alpha features, which are off: they are dropped before
 * validation, not refused (init containers' restartPolicy, procMount, hostUsers, resizePolicy).
 */
function dropDisabledFields(spec: Obj): void {
  delete spec.hostUsers;
  for (const c of objs(spec.initContainers)) delete c.restartPolicy;
  for (const c of [...objs(spec.containers), ...objs(spec.initContainers), ...objs(spec.ephemeralContainers)]) {
    delete c.resizePolicy;
    const sc = sub(c, "securityContext");
    if (sc) delete sc.procMount;
  }
}

/**
 * An embedded ObjectMeta (pod and job templates, claim templates) as Go
 * writes it: always present, its unset creationTimestamp as null.
 */
export function defaultEmbeddedMetadata(o: Obj): void {
  const meta = child(o, "metadata");
  if (meta.creationTimestamp === undefined) meta.creationTimestamp = null;
}

/** SetDefaults_PersistentVolumeClaimSpec: a claim (or claim template) is a Filesystem volume unless it says Block. */
export function defaultClaimSpec(spec: Obj): void {
  setDefaultStr(spec, "volumeMode", "Filesystem");
  canonicalClaimSpec(spec);
}

/** The defaults of a PodTemplateSpec: metadata as Go writes it, spec defaulted. */
export function defaultPodTemplate(template: Obj): void {
  defaultEmbeddedMetadata(template);
  defaultPodSpec(child(template, "spec"));
}

// ---------------------------------------------------------------- validation

const supportedPortProtocols = ["SCTP", "TCP", "UDP"];

function validateContainerPorts(ports: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  objs(ports).forEach((p, i) => {
    const ip = path.index(i);
    const name = str(p.name);
    if (name !== "") {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const m of msgs) errs.push(invalidField(ip.child("name"), name, m));
      else if (names.has(name)) errs.push(duplicateField(ip.child("name"), name));
      else names.add(name);
    }
    const containerPort = num(p.containerPort) ?? 0;
    if (containerPort === 0) errs.push(requiredField(ip.child("containerPort")));
    else
      for (const m of isValidPortNum(containerPort))
        errs.push(invalidField(ip.child("containerPort"), containerPort, m));
    const hostPort = num(p.hostPort) ?? 0;
    if (hostPort !== 0)
      for (const m of isValidPortNum(hostPort)) errs.push(invalidField(ip.child("hostPort"), hostPort, m));
    const protocol = str(p.protocol);
    if (protocol === "") errs.push(requiredField(ip.child("protocol")));
    else if (!supportedPortProtocols.includes(protocol))
      errs.push(notSupportedField(ip.child("protocol"), protocol, supportedPortProtocols));
  });
  return errs;
}

function validateKeySelector(ref: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(ref.name);
  for (const m of isDNS1123Subdomain(name)) errs.push(invalidField(path.child("name"), name, m));
  const key = str(ref.key);
  if (key === "") errs.push(requiredField(path.child("key")));
  else for (const m of isConfigMapKey(key)) errs.push(invalidField(path.child("key"), key, m));
  return errs;
}

const envFieldPaths = [
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.serviceAccountName",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
];

function validateEnv(env: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  objs(env).forEach((ev, i) => {
    const ip = path.index(i);
    const name = str(ev.name);
    if (name === "") errs.push(requiredField(ip.child("name")));
    else for (const m of isEnvVarName(name)) errs.push(invalidField(ip.child("name"), name, m));
    const from = sub(ev, "valueFrom");
    if (!from) return;
    const fp = ip.child("valueFrom");
    let sources = 0;
    const fieldRef = sub(from, "fieldRef");
    if (fieldRef) {
      sources++;
      const fieldPath = str(fieldRef.fieldPath);
      if (str(fieldRef.apiVersion) === "") errs.push(requiredField(fp.child("fieldRef", "apiVersion")));
      else if (fieldPath === "") errs.push(requiredField(fp.child("fieldRef", "fieldPath")));
      else if (
        !envFieldPaths.includes(fieldPath) &&
        !/^metadata\.(labels|annotations)\['[^']+'\]$/.test(fieldPath) &&
        fieldPath !== "metadata.labels" &&
        fieldPath !== "metadata.annotations"
      ) {
        errs.push(
          notSupportedField(fp.child("fieldRef", "fieldPath"), fieldPath, [
            "metadata.annotations",
            "metadata.labels",
            ...envFieldPaths,
          ]),
        );
      }
    }
    if (sub(from, "resourceFieldRef")) sources++;
    const cm = sub(from, "configMapKeyRef");
    if (cm) {
      sources++;
      errs.push(...validateKeySelector(cm, fp.child("configMapKeyRef")));
    }
    const secret = sub(from, "secretKeyRef");
    if (secret) {
      sources++;
      errs.push(...validateKeySelector(secret, fp.child("secretKeyRef")));
    }
    if (sources === 0) {
      errs.push(
        invalidField(
          fp,
          "",
          "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
        ),
      );
    } else if (str(ev.value) !== "") {
      errs.push(invalidField(fp, "", "may not be specified when `value` is not empty"));
    } else if (sources > 1) {
      errs.push(invalidField(fp, "", "may not have more than one field specified at a time"));
    }
  });
  return errs;
}

function validateEnvFrom(envFrom: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  objs(envFrom).forEach((ev, i) => {
    const ip = path.index(i);
    const prefix = str(ev.prefix);
    if (prefix !== "") for (const m of isEnvVarName(prefix)) errs.push(invalidField(ip.child("prefix"), prefix, m));
    let sources = 0;
    for (const kind of ["configMapRef", "secretRef"]) {
      const ref = sub(ev, kind);
      if (!ref) continue;
      sources++;
      const name = str(ref.name);
      if (name === "") errs.push(requiredField(ip.child(kind, "name")));
      else for (const m of isDNS1123Subdomain(name)) errs.push(invalidField(ip.child(kind, "name"), name, m));
    }
    if (sources === 0) errs.push(invalidField(ip, "", "must specify one of: `configMapRef` or `secretRef`"));
    else if (sources > 1) errs.push(invalidField(ip, "", "may not have more than one field specified at a time"));
  });
  return errs;
}

const pullPolicies = ["Always", "IfNotPresent", "Never"];

function validatePullPolicy(policy: string, path: FieldPath): FieldError[] {
  if (pullPolicies.includes(policy)) return [];
  if (policy === "") return [requiredField(path)];
  return [notSupportedField(path, policy, pullPolicies)];
}

function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const q = isQualifiedName(name);
  if (q.length > 0) return q.map((m) => invalidField(path, name, m));
  if (!name.includes("/")) {
    if (!standardContainerResources.has(name) && !isHugePages(name)) {
      return [invalidField(path, name, "must be a standard resource for containers")];
    }
  } else if (!isNativeResource(name)) {
    const [prefix] = name.split("/");
    if (prefix === "requests" || name.startsWith("requests.")) {
      return [invalidField(path, name, "doesn't follow extended resource name standard")];
    }
  }
  return [];
}

function validateResourceQuantity(name: string, q: Quantity, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (q.sign() < 0) errs.push(invalidField(path, q.toString(), "must be greater than or equal to 0"));
  // Extended resources are counted in whole units.
  if (!isNativeResource(name)) {
    if (q.milliValue() % 1000n !== 0n) errs.push(invalidField(path, q.toString(), "must be an integer"));
  }
  return errs;
}

/** ValidateResourceRequirements for a container. */
export function validateResourceRequirements(resources: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = path.child("limits");
  const reqPath = path.child("requests");
  const limits = strMap(sub(resources, "limits")) ?? {};
  const requests = strMap(sub(resources, "requests")) ?? {};
  const parsedLimits = new Map<string, Quantity>();
  for (const name of sortedKeys(limits)) {
    const p = limPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityOf(limits[name], p, errs);
    if (!q) continue;
    parsedLimits.set(name, q);
    errs.push(...validateResourceQuantity(name, q, p));
  }
  for (const name of sortedKeys(requests)) {
    const p = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityOf(requests[name], p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantity(name, q, p));
    const limit = parsedLimits.get(name);
    if (limit) {
      if (q.cmp(limit) !== 0 && !isOvercommitAllowed(name)) {
        errs.push(invalidField(reqPath, q.toString(), `must be equal to ${name} limit of ${limit.toString()}`));
      } else if (q.cmp(limit) > 0) {
        errs.push(
          invalidField(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${limit.toString()}`),
        );
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(requiredField(limPath, "Limit must be set for non overcommitable resources"));
    }
  }
  return errs;
}

function validatePortNumOrName(port: unknown, path: FieldPath): FieldError[] {
  if (typeof port === "number") return isValidPortNum(port).map((m) => invalidField(path, port, m));
  if (typeof port === "string") {
    if (port === "") return [requiredField(path)];
    return isValidPortName(port).map((m) => invalidField(path, port, m));
  }
  return [requiredField(path)];
}

function validateHandler(h: Obj, path: FieldPath, kinds: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  let handlers = 0;
  for (const kind of kinds) {
    const v = sub(h, kind);
    if (!v) continue;
    if (handlers > 0) {
      errs.push(forbiddenField(path.child(kind), "may not specify more than 1 handler type"));
      continue;
    }
    handlers++;
    if (kind === "exec") {
      if (arr(v.command).length === 0) errs.push(requiredField(path.child("exec", "command")));
    } else if (kind === "httpGet") {
      const hp = path.child("httpGet");
      if (str(v.path) === "") errs.push(requiredField(hp.child("path")));
      errs.push(...validatePortNumOrName(v.port, hp.child("port")));
      const scheme = str(v.scheme);
      if (scheme !== "HTTP" && scheme !== "HTTPS")
        errs.push(notSupportedField(hp.child("scheme"), scheme, ["HTTP", "HTTPS"]));
    } else if (kind === "tcpSocket") {
      errs.push(...validatePortNumOrName(v.port, path.child("tcpSocket", "port")));
    } else if (kind === "grpc") {
      const port = num(v.port) ?? 0;
      for (const m of isValidPortNum(port)) errs.push(invalidField(path.child("grpc", "port"), port, m));
    } else if (kind === "sleep") {
      // Not served by 1.28; left to the schema.
    }
  }
  if (handlers === 0) errs.push(requiredField(path, "must specify a handler type"));
  return errs;
}

function validateProbe(probe: unknown, path: FieldPath, liveness: boolean): FieldError[] {
  if (!isObj(probe)) return [];
  const errs: FieldError[] = validateHandler(probe, path, ["exec", "httpGet", "tcpSocket", "grpc"]);
  for (const f of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"]) {
    errs.push(...validateNonnegativeField(num(probe[f]) ?? 0, path.child(f)));
  }
  const tgps = num(probe.terminationGracePeriodSeconds);
  if (tgps !== undefined && tgps <= 0) {
    errs.push(invalidField(path.child("terminationGracePeriodSeconds"), tgps, "must be greater than 0"));
  }
  if (liveness && (num(probe.successThreshold) ?? 1) !== 1) {
    errs.push(invalidField(path.child("successThreshold"), probe.successThreshold, "must be 1"));
  }
  return errs;
}

function validateLifecycle(l: unknown, path: FieldPath): FieldError[] {
  if (!isObj(l)) return [];
  const errs: FieldError[] = [];
  for (const hook of ["postStart", "preStop"]) {
    const h = sub(l, hook);
    if (h) errs.push(...validateHandler(h, path.child(hook), ["exec", "httpGet", "tcpSocket"]));
  }
  return errs;
}

const terminationMessagePolicies = ["File", "FallbackToLogsOnError"];

/** validateContainerCommon: what every kind of container must satisfy. */
export function validateContainerCommon(c: Obj, volumes: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (name === "") errs.push(requiredField(path.child("name")));
  else for (const m of isDNS1123Label(name)) errs.push(invalidField(path.child("name"), name, m));
  if (str(c.image) === "") errs.push(requiredField(path.child("image")));
  const tmp = str(c.terminationMessagePolicy);
  if (tmp === "") errs.push(requiredField(path.child("terminationMessagePolicy")));
  else if (!terminationMessagePolicies.includes(tmp))
    errs.push(notSupportedField(path.child("terminationMessagePolicy"), tmp, terminationMessagePolicies));
  errs.push(...validateContainerPorts(c.ports, path.child("ports")));
  errs.push(...validateEnv(c.env, path.child("env")));
  errs.push(...validateEnvFrom(c.envFrom, path.child("envFrom")));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, path.child("volumeMounts"), c));
  errs.push(...validateVolumeDevices(c.volumeDevices, c.volumeMounts, volumes, path.child("volumeDevices")));
  errs.push(...validatePullPolicy(str(c.imagePullPolicy), path.child("imagePullPolicy")));
  errs.push(...validateResourceRequirements(c.resources, path.child("resources")));
  errs.push(...validateContainerSecurityContext(c.securityContext, path.child("securityContext")));
  return errs;
}

/** AccumulateUniqueHostPorts: the same host IP, protocol and port twice. */
function checkHostPortConflicts(containers: Obj[], path: FieldPath, seen = new Set<string>()): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    objs(c.ports).forEach((p, pi) => {
      const port = num(p.hostPort) ?? 0;
      if (port === 0) return;
      const key = `${str(p.hostIP)}/${str(p.protocol)}/${port}`;
      if (seen.has(key)) errs.push(duplicateField(path.index(ci).child("ports").index(pi).child("hostPort"), key));
      else seen.add(key);
    });
  });
  return errs;
}

function validateContainers(containers: unknown, volumes: Set<string>, path: FieldPath): FieldError[] {
  const list = objs(containers);
  if (list.length === 0) return [requiredField(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((c, i) => {
    const ip = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, ip));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicateField(ip.child("name"), name));
    else names.add(name);
    errs.push(...validateLifecycle(c.lifecycle, ip.child("lifecycle")));
    errs.push(...validateProbe(c.livenessProbe, ip.child("livenessProbe"), true));
    errs.push(...validateProbe(c.readinessProbe, ip.child("readinessProbe"), false));
    errs.push(...validateProbe(c.startupProbe, ip.child("startupProbe"), true));
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
      errs.push(forbiddenField(ip.child("restartPolicy"), "may not be set for non-init containers"));
    }
  });
  errs.push(...checkHostPortConflicts(list, path));
  return errs;
}

function validateInitContainers(
  containers: unknown,
  regular: unknown,
  volumes: Set<string>,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(objs(regular).map((c) => str(c.name)));
  objs(containers).forEach((c, i) => {
    const ip = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, ip));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicateField(ip.child("name"), name));
    else if (name !== "") names.add(name);
    errs.push(...checkHostPortConflicts([c], path));
    if (c.lifecycle) errs.push(forbiddenField(ip.child("lifecycle"), "may not be set for init containers"));
    if (c.livenessProbe) errs.push(forbiddenField(ip.child("livenessProbe"), "may not be set for init containers"));
    if (c.readinessProbe) errs.push(forbiddenField(ip.child("readinessProbe"), "may not be set for init containers"));
    if (c.startupProbe) errs.push(forbiddenField(ip.child("startupProbe"), "may not be set for init containers"));
  });
  return errs;
}

const restartPolicies = ["Always", "OnFailure", "Never"];
const dnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/** ValidateTolerations. */
export function validateTolerations(tolerations: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  objs(tolerations).forEach((t, i) => {
    const ip = path.index(i);
    const key = str(t.key);
    const operator = str(t.operator);
    if (key !== "") for (const m of isQualifiedName(key)) errs.push(invalidField(ip.child("key"), key, m));
    if (key === "" && operator !== "Exists") {
      errs.push(
        invalidField(
          ip.child("operator"),
          operator,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    const effect = str(t.effect);
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== "NoExecute") {
      errs.push(invalidField(ip.child("effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (operator) {
      case "Equal":
      case "": {
        const msgs = isValidLabelValue(str(t.value));
        if (msgs.length > 0) errs.push(invalidField(ip.child("operator"), str(t.value), msgs.join(";")));
        break;
      }
      case "Exists":
        if (str(t.value) !== "")
          errs.push(invalidField(ip.child("operator"), t, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupportedField(ip.child("operator"), operator, ["Equal", "Exists"]));
    }
    if (effect !== "" && !taintEffects.includes(effect))
      errs.push(notSupportedField(ip.child("effect"), effect, taintEffects));
  });
  return errs;
}

function validateDNSConfig(spec: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const policy = str(spec.dnsPolicy);
  const config = sub(spec, "dnsConfig");
  if (policy === "None" && !config) {
    errs.push(requiredField(path, "must provide `dnsConfig` when `dnsPolicy` is None"));
    return errs;
  }
  if (!config) return errs;
  const nameservers = arr(config.nameservers);
  if (policy === "None" && nameservers.length === 0) {
    errs.push(
      requiredField(path.child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None"),
    );
  }
  if (nameservers.length > 3) {
    errs.push(invalidField(path.child("nameservers"), nameservers, "must not have more than 3 nameservers"));
  }
  return errs;
}

/** The parts of kube's PodValidationOptions that depend on what was stored. */
export interface PodValidationOptions extends AffinityValidationOptions, TopologySpreadValidationOptions {}

/**
 * kube's validation options for an update of a pod spec stored as `oldSpec` (none on create): selectors stored
 * before a stricter check may stay, so such an object can still be updated.
 */
export function podValidationOptions(oldSpec: unknown): PodValidationOptions {
  if (!isObj(oldSpec)) return {};
  return {
    allowInvalidLabelValueInSelector: hasInvalidLabelValueInAffinitySelector(oldSpec),
    allowInvalidTopologySpreadConstraintLabelSelector: hasInvalidTopologySpreadConstraintLabelSelector(oldSpec),
  };
}

/** The options for an update of a pod template stored as `oldTemplate`. */
export const podTemplateValidationOptions = (oldTemplate: unknown): PodValidationOptions =>
  podValidationOptions(sub(oldTemplate, "spec"));

/** ValidatePodSpec, in kube's order. */
export function validatePodSpec(
  spec: Obj,
  path: FieldPath,
  opts: PodValidationOptions = {},
  /** A pod's own name (templates have none): its ephemeral volumes' claim names are checked with it. */
  podName?: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const { errs: volErrs, names } = validateVolumes(spec.volumes, path.child("volumes"), podName);
  errs.push(...volErrs);
  errs.push(...validateContainers(spec.containers, names, path.child("containers")));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, names, path.child("initContainers")));
  errs.push(...validateEphemeralContainers(spec, names, path.child("ephemeralContainers")));
  errs.push(...validatePodHostNetworkDeps(spec, path));
  const restartPolicy = str(spec.restartPolicy);
  if (restartPolicy === "") errs.push(requiredField(path.child("restartPolicy")));
  else if (!restartPolicies.includes(restartPolicy))
    errs.push(notSupportedField(path.child("restartPolicy"), restartPolicy, restartPolicies));
  const dnsPolicy = str(spec.dnsPolicy);
  if (dnsPolicy === "") errs.push(requiredField(path.child("dnsPolicy")));
  else if (!dnsPolicies.includes(dnsPolicy))
    errs.push(notSupportedField(path.child("dnsPolicy"), dnsPolicy, dnsPolicies));
  errs.push(...validateLabels(strMap(spec.nodeSelector), path.child("nodeSelector")));
  errs.push(...validatePodSecurityContext(spec, path));
  errs.push(...validateImagePullSecrets(spec.imagePullSecrets, path.child("imagePullSecrets")));
  errs.push(...validateAffinity(spec.affinity, path.child("affinity"), opts));
  errs.push(...validateDNSConfig(spec, path.child("dnsConfig")));
  errs.push(...validateReadinessGates(spec.readinessGates, path.child("readinessGates")));
  errs.push(...validateSchedulingGates(spec.schedulingGates, path.child("schedulingGates")));
  errs.push(
    ...validateTopologySpreadConstraints(spec.topologySpreadConstraints, path.child("topologySpreadConstraints"), opts),
  );
  errs.push(...validateHostProcessAndUsers(spec, path));
  const sa = str(spec.serviceAccountName);
  if (sa !== "")
    for (const m of isDNS1123Subdomain(sa)) errs.push(invalidField(path.child("serviceAccountName"), sa, m));
  const nodeName = str(spec.nodeName);
  if (nodeName !== "")
    for (const m of isDNS1123Subdomain(nodeName)) errs.push(invalidField(path.child("nodeName"), nodeName, m));
  const ads = num(spec.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > MAX_INT32)) {
    errs.push(invalidField(path.child("activeDeadlineSeconds"), ads, inclusiveRangeError(1, MAX_INT32)));
  }
  const hostname = str(spec.hostname);
  if (hostname !== "")
    for (const m of isDNS1123Label(hostname)) errs.push(invalidField(path.child("hostname"), hostname, m));
  const subdomain = str(spec.subdomain);
  if (subdomain !== "")
    for (const m of isDNS1123Label(subdomain)) errs.push(invalidField(path.child("subdomain"), subdomain, m));
  if (arr(spec.tolerations).length > 0) errs.push(...validateTolerations(spec.tolerations, path.child("tolerations")));
  if (arr(spec.hostAliases).length > 0) errs.push(...validateHostAliases(spec.hostAliases, path.child("hostAliases")));
  const pcn = str(spec.priorityClassName);
  if (pcn !== "")
    for (const m of isDNS1123Subdomain(pcn)) errs.push(invalidField(path.child("priorityClassName"), pcn, m));
  if (spec.runtimeClassName !== undefined && spec.runtimeClassName !== null) {
    errs.push(...validateRuntimeClassName(spec.runtimeClassName, path.child("runtimeClassName")));
  }
  const pp = spec.preemptionPolicy;
  if (pp !== undefined && pp !== null && pp !== "PreemptLowerPriority" && pp !== "Never") {
    errs.push(notSupportedField(path.child("preemptionPolicy"), pp, ["Never", "PreemptLowerPriority"]));
  }
  if (spec.overhead !== undefined && spec.overhead !== null) {
    errs.push(...validateOverhead(spec.overhead, path.child("overhead")));
  }
  if (spec.os !== undefined && spec.os !== null) errs.push(...validateOS(spec, path.child("os")));
  return errs;
}

/** ValidatePodSpecificAnnotations (the deletion-cost annotation; mirror pods need a node). */
export function validatePodSpecificAnnotations(annotations: unknown, spec: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const a = strMap(annotations);
  if (!a) return errs;
  if (Object.hasOwn(a, "kubernetes.io/config.mirror") && str(spec.nodeName) === "") {
    errs.push(
      invalidField(
        path.key("kubernetes.io/config.mirror"),
        a["kubernetes.io/config.mirror"],
        "must set spec.nodeName if mirror pod annotation is set",
      ),
    );
  }
  const cost = a["controller.kubernetes.io/pod-deletion-cost"];
  if (cost !== undefined) {
    const ok = /^[+-]?\d+$/.test(cost.trim()) && cost.trim() === cost;
    const n = ok ? Number(cost) : Number.NaN;
    if (!ok || n < -2147483648 || n > MAX_INT32) {
      errs.push(invalidField(path.key("controller.kubernetes.io/pod-deletion-cost"), cost, "must be a 32bit integer"));
    }
  }
  errs.push(...validateSecurityAnnotations(a, spec, path));
  return errs;
}

/** ValidatePodTemplateSpec: note kube's paths "<template>.labels", not ".metadata.labels". */
export function validatePodTemplateSpec(
  template: Obj | undefined,
  path: FieldPath,
  opts: PodValidationOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  const t = template ?? {};
  const meta = sub(t, "metadata") ?? {};
  const spec = sub(t, "spec") ?? {};
  errs.push(...validateLabels(strMap(meta.labels), path.child("labels")));
  errs.push(...validateAnnotations(strMap(meta.annotations), path.child("annotations")));
  errs.push(...validatePodSpecificAnnotations(meta.annotations, spec, path.child("annotations")));
  errs.push(...validatePodSpec(spec, path.child("spec"), opts));
  if (arr(spec.ephemeralContainers).length > 0) {
    errs.push(
      forbiddenField(path.child("spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"),
    );
  }
  return errs;
}

/** intstr ports of probes and services read as kube reads them. */
export function portValue(v: unknown): number {
  return intOrStringIntValue(v);
}
