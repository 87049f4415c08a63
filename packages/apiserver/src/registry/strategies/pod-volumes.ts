// Volumes, volume mounts and volume devices of a PodSpec (pkg/apis/core/validation:
// ValidateVolumes, validateVolumeSource and each source's validate<Source>VolumeSource,
// ValidatePersistentVolumeClaimTemplate, ValidateVolumeMounts, ValidateVolumeDevices),
// after Kubernetes 1.28: paths, cause types, texts and order as kube-apiserver has them,
// including kube's odd paths (e.g. "gcePersistentDisk" checked under "persistentDisk",
// mount subPath errors on the list's path, downward API items on the source's path).

import {
  duplicateField,
  type FieldError,
  type FieldPath,
  forbiddenField,
  GoValue,
  goQuote,
  goStringSlice,
  inclusiveRangeError,
  invalidField,
  invalidGoField,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  type LabelSelectorSpec,
  notFoundField,
  notSupportedField,
  requiredField,
  tooLongField,
  validateAnnotations,
  validateLabelSelector,
  validateLabels,
} from "@wharf/apimachinery";
import { quantityOf } from "./quantities.js";
import { arr, isObj, num, type Obj, objs, str, strMap, sub } from "./util.js";

/**
 * The names of the volumes that passed validation (what kube's ValidateVolumes
 * returns as its map), with their sources: volume devices need to know which
 * ones are backed by a claim.
 */
export class VolumeSet extends Set<string> {
  readonly sources = new Map<string, Obj>();
}

const fileModeErrorMsg = "must be a number between 0 and 0777 (octal), both inclusive";
const pdPartitionErrorMsg = inclusiveRangeError(1, 255);
const moreThanOneType = "may not specify more than 1 volume type";

function has(o: Obj, key: string): boolean {
  return o[key] !== undefined && o[key] !== null;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

// ---------------------------------------------------------------- paths

/** validatePathNoBacksteps: one error however many ".." elements. */
function validatePathNoBacksteps(p: string, path: FieldPath): FieldError[] {
  return p.split("/").includes("..") ? [invalidField(path, p, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative, without "..". */
export function validateLocalDescendingPath(p: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith("/")) errs.push(invalidField(path, p, "must be a relative path"));
  errs.push(...validatePathNoBacksteps(p, path));
  return errs;
}

/** validateLocalNonReservedPath: also not starting with ".." (unless "../" was reported already). */
function validateLocalNonReservedPath(p: string, path: FieldPath): FieldError[] {
  const errs = validateLocalDescendingPath(p, path);
  if (p.startsWith("..") && !p.startsWith("../")) errs.push(invalidField(path, p, "must not start with '..'"));
  return errs;
}

function validateFileMode(mode: unknown, path: FieldPath): FieldError[] {
  const m = num(mode);
  return m !== undefined && (m > 0o777 || m < 0) ? [invalidField(path, m, fileModeErrorMsg)] : [];
}

/** validateKeyToPath (secret, configMap and their projections). */
function validateKeyToPath(kp: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (str(kp.key) === "") errs.push(requiredField(path.child("key")));
  const p = str(kp.path);
  if (p === "") errs.push(requiredField(path.child("path")));
  errs.push(...validateLocalNonReservedPath(p, path.child("path")));
  errs.push(...validateFileMode(kp.mode, path.child("mode")));
  return errs;
}

// ---------------------------------------------------------------- downward API

const volumeFieldPaths = [
  "metadata.annotations",
  "metadata.labels",
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
];

/** The labels podshelper.ConvertDownwardAPIFieldLabel accepts for v1 pods. */
const convertibleFieldLabels = [
  "metadata.annotations",
  "metadata.labels",
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.restartPolicy",
  "spec.serviceAccountName",
  "spec.schedulerName",
  "status.phase",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
];

/** fieldpath.SplitMaybeSubscriptedPath: "metadata.labels['a']" is ("metadata.labels", "a"). */
function splitSubscript(fieldPath: string): { path: string; subscript: string } | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const s = fieldPath.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return { path: s.slice(0, at), subscript: s.slice(at + 2) };
}

/** ConvertDownwardAPIFieldLabel: the internal label, or kube's error text. */
function convertFieldLabel(version: string, label: string): { label: string } | { error: string } {
  if (version !== "v1") return { error: `unsupported pod version: ${version}` };
  const split = splitSubscript(label);
  if (split) {
    if (split.path === "metadata.annotations" || split.path === "metadata.labels") return { label };
    return { error: `field label does not support subscript: ${label}` };
  }
  if (convertibleFieldLabels.includes(label)) return { label };
  if (label === "spec.host") return { label: "spec.nodeName" };
  return { error: `field label not supported: ${label}` };
}

/** validateObjectFieldSelector with the field paths a volume may project. */
function validateObjectFieldSelector(fs: Obj, expressions: string[], path: FieldPath): FieldError[] {
  const apiVersion = str(fs.apiVersion);
  if (apiVersion === "") return [requiredField(path.child("apiVersion"))];
  const fieldPath = str(fs.fieldPath);
  if (fieldPath === "") return [requiredField(path.child("fieldPath"))];
  const converted = convertFieldLabel(apiVersion, fieldPath);
  if ("error" in converted) {
    return [invalidField(path.child("fieldPath"), fieldPath, `error converting fieldPath: ${converted.error}`)];
  }
  const errs: FieldError[] = [];
  const split = splitSubscript(converted.label);
  if (split) {
    if (split.path === "metadata.annotations") {
      const key = split.subscript.toLowerCase();
      for (const m of isQualifiedName(key)) errs.push(invalidField(path, key, m));
    } else if (split.path === "metadata.labels") {
      for (const m of isQualifiedName(split.subscript)) errs.push(invalidField(path, split.subscript, m));
    } else {
      errs.push(invalidField(path, split.path, "does not support subscript"));
    }
  } else if (!expressions.includes(converted.label)) {
    errs.push(notSupportedField(path.child("fieldPath"), converted.label, expressions));
  }
  return errs;
}

const resourceFieldPaths = [
  "limits.cpu",
  "limits.ephemeral-storage",
  "limits.memory",
  "requests.cpu",
  "requests.ephemeral-storage",
  "requests.memory",
];
const hugePagesPrefixes = ["requests.hugepages-", "limits.hugepages-"];
const cpuDivisors = ["1m", "1"];
const byteDivisors = ["1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"];
const byteDivisorsText = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei";

/** validateContainerResourceDivisor. */
function validateResourceDivisor(resource: string, divisor: unknown, path: FieldPath): FieldError[] {
  if (divisor === undefined || divisor === null) return [];
  const errs: FieldError[] = [];
  const q = quantityOf(divisor, path.child("divisor"), errs);
  if (!q || q.sign() === 0) return errs;
  const d = q.toString();
  const bad = (what: string, values: string) =>
    invalidField(path.child("divisor"), resource, `only divisor's values ${values} are supported with the ${what}`);
  switch (resource) {
    case "limits.cpu":
    case "requests.cpu":
      if (!cpuDivisors.includes(d)) errs.push(bad("cpu resource", "1m and 1"));
      break;
    case "limits.memory":
    case "requests.memory":
      if (!byteDivisors.includes(d)) errs.push(bad("memory resource", byteDivisorsText));
      break;
    case "limits.ephemeral-storage":
    case "requests.ephemeral-storage":
      if (!byteDivisors.includes(d)) errs.push(bad("local ephemeral storage resource", byteDivisorsText));
      break;
  }
  if (hugePagesPrefixes.some((p) => resource.startsWith(p)) && !byteDivisors.includes(d)) {
    errs.push(bad("hugepages resource", byteDivisorsText));
  }
  return errs;
}

/** validateContainerResourceFieldSelector for a volume: the container must be named. */
function validateResourceFieldSelector(fs: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const resource = str(fs.resource);
  if (str(fs.containerName) === "") errs.push(requiredField(path.child("containerName")));
  else if (resource === "") errs.push(requiredField(path.child("resource")));
  else if (!resourceFieldPaths.includes(resource) && !hugePagesPrefixes.some((p) => resource.startsWith(p))) {
    errs.push(notSupportedField(path.child("resource"), resource, resourceFieldPaths));
  }
  errs.push(...validateResourceDivisor(resource, fs.divisor, path));
  return errs;
}

/** validateDownwardAPIVolumeFile; kube reports every item on the source's path, not the item's. */
function validateDownwardAPIVolumeFile(file: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const p = str(file.path);
  if (p === "") errs.push(requiredField(path.child("path")));
  errs.push(...validateLocalNonReservedPath(p, path.child("path")));
  const fieldRef = sub(file, "fieldRef");
  const resourceFieldRef = sub(file, "resourceFieldRef");
  if (fieldRef) {
    errs.push(...validateObjectFieldSelector(fieldRef, volumeFieldPaths, path.child("fieldRef")));
    if (resourceFieldRef) {
      errs.push(invalidField(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"));
    }
  } else if (resourceFieldRef) {
    errs.push(...validateResourceFieldSelector(resourceFieldRef, path.child("resourceFieldRef")));
  } else {
    errs.push(requiredField(path, "one of fieldRef and resourceFieldRef is required"));
  }
  errs.push(...validateFileMode(file.mode, path.child("mode")));
  return errs;
}

// ---------------------------------------------------------------- sources

const hostPathTypes = [
  "",
  "BlockDevice",
  "CharDevice",
  "Directory",
  "DirectoryOrCreate",
  "File",
  "FileOrCreate",
  "Socket",
];

function validateHostPath(src: Obj, path: FieldPath): FieldError[] {
  const p = str(src.path);
  if (p === "") return [requiredField(path.child("path"))];
  const errs = validatePathNoBacksteps(p, path.child("path"));
  if (has(src, "type") && !hostPathTypes.includes(str(src.type))) {
    errs.push(notSupportedField(path.child("type"), src.type, hostPathTypes));
  }
  return errs;
}

function validateGitRepo(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (str(src.repository) === "") errs.push(requiredField(path.child("repository")));
  errs.push(...validateLocalDescendingPath(str(src.directory), path.child("directory")));
  return errs;
}

function validatePartitionedDisk(src: Obj, idField: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (str(src[idField]) === "") errs.push(requiredField(path.child(idField)));
  const partition = num(src.partition) ?? 0;
  if (partition < 0 || partition > 255)
    errs.push(invalidField(path.child("partition"), partition, pdPartitionErrorMsg));
  return errs;
}

function validateSecretSource(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (str(src.secretName) === "") errs.push(requiredField(path.child("secretName")));
  errs.push(...validateFileMode(src.defaultMode, path.child("defaultMode")));
  objs(src.items).forEach((kp, i) => {
    errs.push(...validateKeyToPath(kp, path.child("items").index(i)));
  });
  return errs;
}

function validateConfigMapSource(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (str(src.name) === "") errs.push(requiredField(path.child("name")));
  errs.push(...validateFileMode(src.defaultMode, path.child("defaultMode")));
  objs(src.items).forEach((kp, i) => {
    errs.push(...validateKeyToPath(kp, path.child("items").index(i)));
  });
  return errs;
}

function validateNFS(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (str(src.server) === "") errs.push(requiredField(path.child("server")));
  const p = str(src.path);
  if (p === "") errs.push(requiredField(path.child("path")));
  if (!p.startsWith("/")) errs.push(invalidField(path.child("path"), p, "must be an absolute path"));
  return errs;
}

const iqnRe = /iqn\.\d{4}-\d{2}\.([A-Za-z0-9\-.]+)(:[^,;*&$|\s]+)$/;
const euiRe = /^eui.[A-Za-z0-9]{16}$/;
const naaRe = /^naa.[A-Za-z0-9]{32}$/;

/** The format error of an iSCSI name (iqn, eui or naa), if any. */
function iscsiNameFormatError(name: string): boolean {
  if (name.startsWith("iqn")) return !iqnRe.test(name);
  if (name.startsWith("eui")) return !euiRe.test(name);
  if (name.startsWith("naa")) return !naaRe.test(name);
  return false;
}

function hasISCSIPrefix(name: string): boolean {
  return name.startsWith("iqn") || name.startsWith("eui") || name.startsWith("naa");
}

function validateISCSI(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (str(src.targetPortal) === "") errs.push(requiredField(path.child("targetPortal")));
  const iqn = str(src.iqn);
  if (iqn === "") errs.push(requiredField(path.child("iqn")));
  else if (!hasISCSIPrefix(iqn)) {
    errs.push(invalidField(path.child("iqn"), iqn, "must be valid format starting with iqn, eui, or naa"));
  } else if (iscsiNameFormatError(iqn)) errs.push(invalidField(path.child("iqn"), iqn, "must be valid format"));
  const lun = num(src.lun) ?? 0;
  if (lun < 0 || lun > 255) errs.push(invalidField(path.child("lun"), lun, inclusiveRangeError(0, 255)));
  if ((src.chapAuthDiscovery === true || src.chapAuthSession === true) && !has(src, "secretRef")) {
    errs.push(requiredField(path.child("secretRef")));
  }
  if (has(src, "initiatorName")) {
    // Kube spells this path in lower case.
    const initiator = str(src.initiatorName);
    if (!hasISCSIPrefix(initiator)) {
      errs.push(
        invalidField(path.child("initiatorname"), initiator, "must be valid format starting with iqn, eui, or naa"),
      );
    }
    if (iscsiNameFormatError(initiator)) {
      errs.push(invalidField(path.child("initiatorname"), initiator, "must be valid format"));
    }
  }
  return errs;
}

function validateGlusterfs(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (str(src.endpoints) === "") errs.push(requiredField(path.child("endpoints")));
  if (str(src.path) === "") errs.push(requiredField(path.child("path")));
  return errs;
}

function validateFlocker(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(src.datasetName);
  const uuid = str(src.datasetUUID);
  if (name === "" && uuid === "") errs.push(requiredField(path, "one of datasetName and datasetUUID is required"));
  if (name !== "" && uuid !== "") {
    errs.push(invalidField(path, "resource", "datasetName and datasetUUID can not be specified simultaneously"));
  }
  if (name.includes("/")) errs.push(invalidField(path.child("datasetName"), name, "must not contain '/'"));
  return errs;
}

function validateRBD(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (arr(src.monitors).length === 0) errs.push(requiredField(path.child("monitors")));
  if (str(src.image) === "") errs.push(requiredField(path.child("image")));
  return errs;
}

function validateCinder(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (str(src.volumeID) === "") errs.push(requiredField(path.child("volumeID")));
  const ref = sub(src, "secretRef");
  if (ref && str(ref.name) === "") errs.push(requiredField(path.child("secretRef", "name")));
  return errs;
}

function validateCephFS(src: Obj, path: FieldPath): FieldError[] {
  return arr(src.monitors).length === 0 ? [requiredField(path.child("monitors"))] : [];
}

/** Go's net.SplitHostPort, reduced to whether it accepts the text. */
function splitsHostPort(hostport: string): boolean {
  const i = hostport.lastIndexOf(":");
  if (i < 0) return false;
  let j = 0;
  let k = 0;
  if (hostport[0] === "[") {
    const end = hostport.indexOf("]");
    if (end < 0 || end + 1 === hostport.length || end + 1 !== i) return false;
    j = 1;
    k = end + 1;
  } else if (hostport.slice(0, i).includes(":")) {
    return false;
  }
  return !hostport.slice(j).includes("[") && !hostport.slice(k).includes("]");
}

function validateQuobyte(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const registry = str(src.registry);
  const registryMsg = "must be a host:port pair or multiple pairs separated by commas";
  if (registry === "") errs.push(requiredField(path.child("registry"), registryMsg));
  else if (byteLength(str(src.tenant)) >= 65) {
    errs.push(requiredField(path.child("tenant"), "must be a UUID and may not exceed a length of 64 characters"));
  } else {
    for (const pair of registry.split(",")) {
      if (!splitsHostPort(pair)) errs.push(invalidField(path.child("registry"), registry, registryMsg));
    }
  }
  if (str(src.volume) === "") errs.push(requiredField(path.child("volume")));
  return errs;
}

function validateFC(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const wwns = arr(src.targetWWNs);
  const wwids = arr(src.wwids);
  if (wwns.length < 1 && wwids.length < 1) {
    errs.push(requiredField(path.child("targetWWNs"), "must specify either targetWWNs or wwids, but not both"));
  }
  if (wwns.length !== 0 && wwids.length !== 0) {
    errs.push(
      invalidGoField(
        path.child("targetWWNs"),
        goStringSlice(wwns.map((w) => str(w))),
        "targetWWNs and wwids can not be specified simultaneously",
      ),
    );
  }
  if (wwns.length !== 0) {
    const lun = num(src.lun);
    if (lun === undefined) errs.push(requiredField(path.child("lun"), "lun is required if targetWWNs is specified"));
    else if (lun < 0 || lun > 255) errs.push(invalidField(path.child("lun"), lun, inclusiveRangeError(0, 255)));
  }
  return errs;
}

function validateFlexVolume(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (str(src.driver) === "") errs.push(requiredField(path.child("driver")));
  // Go walks the map in random order; sorted keys keep answers stable.
  for (const k of Object.keys(strMap(src.options) ?? {}).sort()) {
    const slash = k.indexOf("/");
    const namespace = slash >= 0 ? k.slice(0, slash) : k;
    const normalized = `.${namespace.toLowerCase()}`;
    if (normalized.endsWith(".kubernetes.io") || normalized.endsWith(".k8s.io")) {
      errs.push(invalidField(path.child("options").key(k), k, "kubernetes.io and k8s.io namespaces are reserved"));
    }
  }
  return errs;
}

function validateAzureFile(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (str(src.secretName) === "") errs.push(requiredField(path.child("secretName")));
  if (str(src.shareName) === "") errs.push(requiredField(path.child("shareName")));
  return errs;
}

const azureCachingModes = ["None", "ReadOnly", "ReadWrite"];
const azureDiskKinds = ["Dedicated", "Managed", "Shared"];

function validateAzureDisk(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (str(src.diskName) === "") errs.push(requiredField(path.child("diskName")));
  const uri = str(src.diskURI);
  if (uri === "") errs.push(requiredField(path.child("diskURI")));
  if (has(src, "cachingMode") && !azureCachingModes.includes(str(src.cachingMode))) {
    errs.push(notSupportedField(path.child("cachingMode"), src.cachingMode, azureCachingModes));
  }
  if (has(src, "kind")) {
    const kind = str(src.kind);
    if (!azureDiskKinds.includes(kind)) errs.push(notSupportedField(path.child("kind"), src.kind, azureDiskKinds));
    if (kind === "Managed" && !uri.startsWith("/subscriptions/")) {
      errs.push(
        notSupportedField(path.child("diskURI"), uri, [
          "/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}",
        ]),
      );
    }
    if (kind !== "Managed" && !uri.startsWith("https://")) {
      errs.push(
        notSupportedField(path.child("diskURI"), uri, [
          "https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd",
        ]),
      );
    }
  }
  return errs;
}

function validateOneRequired(src: Obj, field: string, path: FieldPath): FieldError[] {
  return str(src[field]) === "" ? [requiredField(path.child(field))] : [];
}

function validateScaleIO(src: Obj, path: FieldPath): FieldError[] {
  return [
    ...validateOneRequired(src, "gateway", path),
    ...validateOneRequired(src, "system", path),
    ...validateOneRequired(src, "volumeName", path),
  ];
}

function validateStorageOS(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(src.volumeName);
  if (name === "") errs.push(requiredField(path.child("volumeName")));
  else for (const m of isDNS1123Label(name)) errs.push(invalidField(path.child("volumeName"), name, m));
  const ns = str(src.volumeNamespace);
  if (ns !== "") for (const m of isDNS1123Label(ns)) errs.push(invalidField(path.child("volumeNamespace"), ns, m));
  const ref = sub(src, "secretRef");
  if (ref && str(ref.name) === "") errs.push(requiredField(path.child("secretRef", "name")));
  return errs;
}

/** ValidateCSIDriverName. */
function validateCSIDriverName(driver: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (driver === "") errs.push(requiredField(path));
  if (byteLength(driver) > 63) errs.push(tooLongField(path, 63));
  for (const m of isDNS1123Subdomain(driver.toLowerCase())) errs.push(invalidField(path, driver, m));
  return errs;
}

function validateCSI(src: Obj, path: FieldPath): FieldError[] {
  const errs = validateCSIDriverName(str(src.driver), path.child("driver"));
  const ref = sub(src, "nodePublishSecretRef");
  if (ref) {
    const name = str(ref.name);
    if (name === "") errs.push(requiredField(path.child("nodePublishSecretRef", "name")));
    // Kube reports a bad secret name on "csi.name".
    else for (const m of isDNS1123Subdomain(name)) errs.push(invalidField(path.child("name"), name, m));
  }
  return errs;
}

function validateDownwardAPISource(src: Obj, path: FieldPath): FieldError[] {
  const errs = validateFileMode(src.defaultMode, path.child("defaultMode"));
  for (const file of objs(src.items)) errs.push(...validateDownwardAPIVolumeFile(file, path));
  return errs;
}

/** validateProjectedVolumeSource and validateProjectionSources (no clusterTrustBundle: 1.29). */
function validateProjected(src: Obj, path: FieldPath): FieldError[] {
  const errs = validateFileMode(src.defaultMode, path.child("defaultMode"));
  const allPaths = new Set<string>();
  const claim = (p: string, value: string) => {
    if (allPaths.has(p)) errs.push(invalidField(path, value, "conflicting duplicate paths"));
    else allPaths.add(p);
  };
  objs(src.sources).forEach((source, i) => {
    let count = 0;
    const srcPath = path.child("sources").index(i);
    for (const kind of ["secret", "configMap"]) {
      const s = sub(source, kind);
      if (!s) continue;
      count++;
      const projPath = srcPath.child(kind);
      if (str(s.name) === "") errs.push(requiredField(projPath.child("name")));
      objs(s.items).forEach((kp, j) => {
        errs.push(...validateKeyToPath(kp, projPath.child("items").index(j)));
        const p = str(kp.path);
        if (p !== "") claim(p, str(s.name));
      });
    }
    const dapi = sub(source, "downwardAPI");
    if (dapi) {
      count++;
      for (const file of objs(dapi.items)) {
        errs.push(...validateDownwardAPIVolumeFile(file, srcPath.child("downwardAPI")));
        const p = str(file.path);
        if (p !== "") claim(p, p);
      }
    }
    const token = sub(source, "serviceAccountToken");
    if (token) {
      count++;
      const tokenPath = srcPath.child("serviceAccountToken");
      const exp = num(token.expirationSeconds) ?? 0;
      if (exp < 600) {
        errs.push(
          invalidField(tokenPath.child("expirationSeconds"), exp, "may not specify a duration less than 10 minutes"),
        );
      }
      if (exp > 2 ** 32) {
        errs.push(
          invalidField(
            tokenPath.child("expirationSeconds"),
            exp,
            "may not specify a duration larger than 2^32 seconds",
          ),
        );
      }
      // Kube reports a missing token path on "projected.path".
      if (str(token.path) === "") errs.push(requiredField(path.child("path")));
    }
    if (count > 1) errs.push(forbiddenField(srcPath, moreThanOneType));
  });
  return errs;
}

// ---------------------------------------------------------------- ephemeral volumes and claim templates

/** ObjectMeta's fields in Go's order, with the name validateFieldAllowList prints for each. */
const templateMetaFields: [json: string, reported: string][] = [
  ["name", "name"],
  ["generateName", "generateName"],
  ["namespace", "namespace"],
  ["selfLink", "selfLink"],
  ["uid", "uID"],
  ["resourceVersion", "resourceVersion"],
  ["generation", "generation"],
  ["creationTimestamp", "creationTimestamp"],
  ["deletionTimestamp", "deletionTimestamp"],
  ["deletionGracePeriodSeconds", "deletionGracePeriodSeconds"],
  ["ownerReferences", "ownerReferences"],
  ["finalizers", "finalizers"],
  ["managedFields", "managedFields"],
];

/** Whether a decoded field differs from Go's zero value (an empty list still counts as set). */
function isSet(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (v === "" || v === 0) return false;
  return true;
}

/** ValidateTemplateObjectMeta: only labels and annotations may be set. */
function validateTemplateObjectMeta(meta: Obj, path: FieldPath): FieldError[] {
  const errs = validateAnnotations(strMap(meta.annotations), path.child("annotations"));
  errs.push(...validateLabels(strMap(meta.labels), path.child("labels")));
  for (const [json, reported] of templateMetaFields) {
    if (isSet(meta[json])) errs.push(forbiddenField(path.child(reported), "cannot be set"));
  }
  return errs;
}

const claimAccessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
const claimVolumeModes = ["Block", "Filesystem"];

/** validateDataSource / validateDataSourceRef (1.28: no apiGroup syntax check yet). */
function validateDataSource(ds: Obj, path: FieldPath, isRef: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (str(ds.name) === "") errs.push(requiredField(path.child("name")));
  const kind = str(ds.kind);
  if (kind === "") errs.push(requiredField(path.child("kind")));
  if (str(ds.apiGroup) === "" && kind !== "PersistentVolumeClaim") errs.push(invalidField(path, kind, ""));
  const ns = str(ds.namespace);
  if (isRef && ns !== "") for (const m of isDNS1123Label(ns)) errs.push(invalidField(path.child("namespace"), ns, m));
  return errs;
}

/** %#v of the *field.Path kube passes as the bad value; Go prints the parent's address, which varies. */
function goFieldPath(name: string): GoValue {
  return new GoValue(`field.Path{name:"${name}", index:"", parent:(*field.Path)(0xc000000000)}`);
}

/** ValidatePersistentVolumeClaimSpec, as a claim template's spec. */
function validateClaimSpec(spec: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const modes = arr(spec.accessModes);
  if (modes.length === 0) errs.push(requiredField(path.child("accessModes"), "at least 1 access mode is required"));
  const selector = sub(spec, "selector");
  if (selector) errs.push(...validateLabelSelector(selector as LabelSelectorSpec, path.child("selector")));
  let rwop = false;
  let other = false;
  for (const m of modes) {
    if (!claimAccessModes.includes(str(m)))
      errs.push(notSupportedField(path.child("accessModes"), m, claimAccessModes));
    if (m === "ReadWriteOncePod") rwop = true;
    else if (claimAccessModes.includes(str(m))) other = true;
  }
  if (rwop && other) {
    errs.push(forbiddenField(path.child("accessModes"), "may not use ReadWriteOncePod with other access modes"));
  }
  const requests = strMap(sub(sub(spec, "resources"), "requests")) ?? {};
  const storagePath = path.child("resources").key("storage");
  if (!Object.hasOwn(requests, "storage")) errs.push(requiredField(storagePath));
  else {
    const q = quantityOf(requests.storage, storagePath, errs);
    if (q && q.sign() <= 0) errs.push(invalidField(storagePath, q.toString(), "must be greater than zero"));
  }
  const scn = spec.storageClassName;
  if (typeof scn === "string" && scn !== "") {
    for (const m of isDNS1123Subdomain(scn)) errs.push(invalidField(path.child("storageClassName"), scn, m));
  }
  if (has(spec, "volumeMode") && !claimVolumeModes.includes(str(spec.volumeMode))) {
    errs.push(notSupportedField(path.child("volumeMode"), spec.volumeMode, claimVolumeModes));
  }
  const ds = sub(spec, "dataSource");
  const ref = sub(spec, "dataSourceRef");
  if (ds) errs.push(...validateDataSource(ds, path.child("dataSource"), false));
  if (ref) errs.push(...validateDataSource(ref, path.child("dataSourceRef"), true));
  if (ref && str(ref.namespace) !== "") {
    if (ds) {
      errs.push(
        invalidGoField(
          path,
          goFieldPath("dataSource"),
          "may not be specified when dataSourceRef.namespace is specified",
        ),
      );
    }
  } else if (ds && ref) {
    // The API groups compare as pointers: unset and "" differ.
    const sameGroup = (ds.apiGroup ?? null) === (ref.apiGroup ?? null);
    if (!sameGroup || str(ds.kind) !== str(ref.kind) || str(ds.name) !== str(ref.name)) {
      errs.push(invalidGoField(path, goFieldPath("dataSource"), "must match dataSourceRef"));
    }
  }
  return errs;
}

function validateEphemeral(src: Obj, path: FieldPath): FieldError[] {
  const template = sub(src, "volumeClaimTemplate");
  if (!template) return [requiredField(path.child("volumeClaimTemplate"))];
  const tp = path.child("volumeClaimTemplate");
  return [
    ...validateTemplateObjectMeta(sub(template, "metadata") ?? {}, tp.child("metadata")),
    ...validateClaimSpec(sub(template, "spec") ?? {}, tp.child("spec")),
  ];
}

// ---------------------------------------------------------------- volumes

type SourceCheck = (src: Obj, path: FieldPath) => FieldError[];

/**
 * Every source in the order validateVolumeSource visits them: the JSON name,
 * the name of the path kube checks it under, and its check.
 */
const sources: [json: string, checkedAs: string, check: SourceCheck][] = [
  ["hostPath", "hostPath", validateHostPath],
  ["gitRepo", "gitRepo", validateGitRepo],
  ["gcePersistentDisk", "persistentDisk", (s, p) => validatePartitionedDisk(s, "pdName", p)],
  ["awsElasticBlockStore", "awsElasticBlockStore", (s, p) => validatePartitionedDisk(s, "volumeID", p)],
  ["secret", "secret", validateSecretSource],
  ["nfs", "nfs", validateNFS],
  ["iscsi", "iscsi", validateISCSI],
  ["glusterfs", "glusterfs", validateGlusterfs],
  ["flocker", "flocker", validateFlocker],
  ["persistentVolumeClaim", "persistentVolumeClaim", (s, p) => validateOneRequired(s, "claimName", p)],
  ["rbd", "rbd", validateRBD],
  ["cinder", "cinder", validateCinder],
  ["cephfs", "cephfs", validateCephFS],
  ["quobyte", "quobyte", validateQuobyte],
  ["downwardAPI", "downwardAPI", validateDownwardAPISource],
  ["fc", "fc", validateFC],
  ["flexVolume", "flexVolume", validateFlexVolume],
  ["configMap", "configMap", validateConfigMapSource],
  ["azureFile", "azureFile", validateAzureFile],
  ["vsphereVolume", "vsphereVolume", (s, p) => validateOneRequired(s, "volumePath", p)],
  ["photonPersistentDisk", "photonPersistentDisk", (s, p) => validateOneRequired(s, "pdID", p)],
  ["portworxVolume", "portworxVolume", (s, p) => validateOneRequired(s, "volumeID", p)],
  ["azureDisk", "azureDisk", validateAzureDisk],
  ["storageos", "storageos", validateStorageOS],
  ["projected", "projected", validateProjected],
  ["scaleIO", "scaleIO", validateScaleIO],
  ["csi", "csi", validateCSI],
  ["ephemeral", "ephemeral", validateEphemeral],
];

/** Where kube reports a second source, when not under its JSON name. */
const forbiddenAs: Record<string, string> = { cephfs: "cephFS", downwardAPI: "downwarAPI" };

/** validateVolumeSource; `path` is the volume's (`spec.volumes[i]`). */
function validateVolumeSource(v: Obj, path: FieldPath, volName: string, podName: string | undefined): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  const emptyDir = sub(v, "emptyDir");
  if (has(v, "emptyDir")) {
    count++;
    if (emptyDir && has(emptyDir, "sizeLimit")) {
      const limitPath = path.child("emptyDir", "sizeLimit");
      const q = quantityOf(emptyDir.sizeLimit, limitPath, errs);
      if (q && q.sign() < 0) errs.push(forbiddenField(limitPath, "SizeLimit field must be a valid resource quantity"));
    }
  }
  for (const [json, checkedAs, check] of sources) {
    if (!has(v, json)) continue;
    const src = isObj(v[json]) ? (v[json] as Obj) : {};
    if (count > 0) errs.push(forbiddenField(path.child(forbiddenAs[json] ?? json), moreThanOneType));
    else {
      count++;
      errs.push(...check(src, path.child(checkedAs)));
      if (json === "ephemeral" && podName && volName !== "") {
        // The claim the ephemeral volume controller will create must have a valid name.
        const pvcName = `${podName}-${volName}`;
        for (const m of isDNS1123Subdomain(pvcName)) {
          errs.push(invalidField(path.child("name"), volName, `PVC name ${goQuote(pvcName)}: ${m}`));
        }
      }
    }
    if (json === "iscsi" && has(src, "initiatorName") && byteLength(`${volName}:${str(src.targetPortal)}`) > 64) {
      errs.push(
        invalidField(
          path.child("name"),
          volName,
          "Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.",
        ),
      );
    }
  }
  if (count === 0) errs.push(requiredField(path, "must specify a volume type"));
  return errs;
}

/**
 * ValidateVolumes. `podName` is the pod's name when validating a pod (not a
 * template): it names the claims of ephemeral volumes, which are checked too.
 */
export function validateVolumes(
  volumes: unknown,
  path: FieldPath,
  podName?: string,
): { errs: FieldError[]; names: VolumeSet } {
  const errs: FieldError[] = [];
  const names = new VolumeSet();
  const list = objs(volumes);
  const createdClaims = new Set<string>();
  if (podName) for (const v of list) if (has(v, "ephemeral")) createdClaims.add(`${podName}-${str(v.name)}`);
  list.forEach((v, i) => {
    const ip = path.index(i);
    const name = str(v.name);
    const el = validateVolumeSource(v, ip, name, podName);
    if (name === "") el.push(requiredField(ip.child("name")));
    else for (const m of isDNS1123Label(name)) el.push(invalidField(ip.child("name"), name, m));
    if (names.has(name)) el.push(duplicateField(ip.child("name"), name));
    if (el.length === 0) {
      names.add(name);
      names.sources.set(name, v);
    } else errs.push(...el);
    const claim = sub(v, "persistentVolumeClaim");
    if (claim && createdClaims.has(str(claim.claimName))) {
      errs.push(
        invalidField(
          ip.child("persistentVolumeClaim", "claimName"),
          str(claim.claimName),
          "must not reference a PVC that gets created for an ephemeral volume",
        ),
      );
    }
  });
  return { errs, names };
}

// ---------------------------------------------------------------- mounts and devices

const mountPropagations = ["Bidirectional", "HostToContainer", "None"];

/** name -> path of a container's mounts or devices, the last one winning as in Go's map. */
function pathsByName(list: unknown, pathField: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const o of objs(list)) m.set(str(o.name), str(o[pathField]));
  return m;
}

function hasPath(m: Map<string, string>, p: string): boolean {
  for (const v of m.values()) if (v === p) return true;
  return false;
}

/**
 * ValidateVolumeMounts; `path` is the container's `volumeMounts`. With the
 * container, kube also checks the mounts against its volumeDevices and
 * refuses Bidirectional propagation to unprivileged containers. Note kube's
 * paths: subPath, subPathExpr and mountPropagation errors sit on the list's
 * path, not the item's.
 */
export function validateVolumeMounts(
  mounts: unknown,
  volumes: Set<string>,
  path: FieldPath,
  container?: Obj,
): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  const devices = pathsByName(container?.volumeDevices, "devicePath");
  objs(mounts).forEach((m, i) => {
    const ip = path.index(i);
    const name = str(m.name);
    if (name === "") errs.push(requiredField(ip.child("name")));
    if (!volumes.has(name)) errs.push(notFoundField(ip.child("name"), name));
    const mountPath = str(m.mountPath);
    if (mountPath === "") errs.push(requiredField(ip.child("mountPath")));
    if (mountPoints.has(mountPath)) errs.push(invalidField(ip.child("mountPath"), mountPath, "must be unique"));
    mountPoints.add(mountPath);
    if (devices.has(name)) errs.push(invalidField(ip.child("name"), name, "must not already exist in volumeDevices"));
    if (hasPath(devices, mountPath)) {
      errs.push(invalidField(ip.child("mountPath"), mountPath, "must not already exist as a path in volumeDevices"));
    }
    const subPath = str(m.subPath);
    if (subPath !== "") errs.push(...validateLocalDescendingPath(subPath, path.child("subPath")));
    const subPathExpr = str(m.subPathExpr);
    if (subPathExpr !== "") {
      if (subPath !== "") {
        errs.push(invalidField(ip.child("subPathExpr"), subPathExpr, "subPathExpr and subPath are mutually exclusive"));
      }
      errs.push(...validateLocalDescendingPath(subPathExpr, path.child("subPathExpr")));
    }
    if (has(m, "mountPropagation")) {
      const mp = path.child("mountPropagation");
      const propagation = str(m.mountPropagation);
      if (!mountPropagations.includes(propagation))
        errs.push(notSupportedField(mp, m.mountPropagation, mountPropagations));
      if (container && propagation === "Bidirectional" && sub(container, "securityContext")?.privileged !== true) {
        errs.push(forbiddenField(mp, "Bidirectional mount propagation is available only to privileged containers"));
      }
    }
  });
  return errs;
}

/** isMatchedDevice: whether the volume exists, and whether a claim backs it. */
function matchDevice(name: string, volumes: Set<string>): { matched: boolean; claim: boolean } {
  if (!volumes.has(name)) return { matched: false, claim: false };
  // Without the sources (a plain set), do not guess that the volume is not a claim.
  const src = volumes instanceof VolumeSet ? volumes.sources.get(name) : undefined;
  return { matched: true, claim: src === undefined || has(src, "persistentVolumeClaim") || has(src, "ephemeral") };
}

/** ValidateVolumeDevices; `path` is the container's `volumeDevices`, `mounts` its volumeMounts. */
export function validateVolumeDevices(
  devices: unknown,
  mounts: unknown,
  volumes: Set<string>,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const devicePaths = new Set<string>();
  const deviceNames = new Set<string>();
  const mountPaths = pathsByName(mounts, "mountPath");
  objs(devices).forEach((d, i) => {
    const ip = path.index(i);
    const name = str(d.name);
    const devicePath = str(d.devicePath);
    const { matched, claim } = matchDevice(name, volumes);
    if (name === "") errs.push(requiredField(ip.child("name")));
    if (deviceNames.has(name)) errs.push(invalidField(ip.child("name"), name, "must be unique"));
    if (matched && !claim) {
      errs.push(
        invalidField(
          ip.child("name"),
          name,
          "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
        ),
      );
    }
    if (!matched) errs.push(notFoundField(ip.child("name"), name));
    if (devicePath === "") errs.push(requiredField(ip.child("devicePath")));
    if (devicePaths.has(devicePath)) errs.push(invalidField(ip.child("devicePath"), devicePath, "must be unique"));
    if (devicePath !== "" && devicePath.split("/").includes("..")) {
      errs.push(invalidField(ip.child("devicePath"), devicePath, "can not contain backsteps ('..')"));
    } else devicePaths.add(devicePath);
    if (mountPaths.has(name)) errs.push(invalidField(ip.child("name"), name, "must not already exist in volumeMounts"));
    if (hasPath(mountPaths, devicePath)) {
      errs.push(invalidField(ip.child("devicePath"), devicePath, "must not already exist as a path in volumeMounts"));
    }
    if (name !== "") deviceNames.add(name);
  });
  return errs;
}
