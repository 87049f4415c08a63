// Security and the smaller PodSpec fields (pkg/apis/core/validation:
// validatePodSpecSecurityContext, ValidateSecurityContext, validatePodHostNetworkDeps,
// validateWindowsHostProcessPod, validateHostUsers, validateEphemeralContainers,
// validateImagePullSecrets, validateReadinessGates, ValidateHostAliases,
// runtimeClassName, overhead, validateOS, validateSchedulingGates), after Kubernetes 1.28.
//
// Fields whose feature gates are off in 1.28 (procMount, hostUsers, resizePolicy)
// are dropped by kube before validation, so nothing here reports on them.

import {
  duplicateField,
  type FieldError,
  FieldPath,
  forbiddenField,
  GoValue,
  goQuote,
  inclusiveRangeError,
  invalidField,
  invalidGoField,
  isDNS1123Subdomain,
  isIPv6,
  isQualifiedName,
  notFoundField,
  notSupportedField,
  requiredField,
} from "@wharf/apimachinery";
import { validateContainerCommon, validateResourceRequirements } from "./pod-spec.js";
import { validateLocalDescendingPath } from "./pod-volumes.js";
import { arr, isObj, num, type Obj, objs, str, strMap, sub } from "./util.js";

const MAX_ID = 2147483647;

/**
 * kube-apiserver's --allow-privileged, false unless given: privileged
 * containers (and Windows hostProcess ones) are then refused.
 */
let allowPrivileged = false;

/** Sets what kube-apiserver's --allow-privileged flag would. */
export function setAllowPrivileged(allowed: boolean): void {
  allowPrivileged = allowed;
}

/** Whether a pointer-like field is set (present and not null), as Go's `!= nil`. */
function has(o: Obj | undefined, key: string): boolean {
  return o !== undefined && o[key] !== undefined && o[key] !== null;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/** The path `path` is a child of: kube's functions get both, ours only the child. */
function parentPath(path: FieldPath): FieldPath {
  const tokens = [...path.toString().matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)];
  tokens.pop();
  let p: FieldPath | undefined;
  for (const t of tokens) {
    if (t[1] !== undefined) p = p ? p.child(t[1]) : FieldPath.of(t[1]);
    else if (p) p = /^\d+$/.test(t[2] ?? "") ? p.index(Number(t[2])) : p.key(t[2] ?? "");
  }
  return p ?? FieldPath.of("spec");
}

/** podshelper.VisitContainersWithPath: init containers, containers, then ephemeral containers. */
function visitContainers(spec: Obj, specPath: FieldPath, fn: (c: Obj, path: FieldPath) => void): void {
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
    objs(spec[field]).forEach((c, i) => {
      fn(c, specPath.child(field).index(i));
    });
  }
}

/** A pointer inside a struct printed with %#v: its address means nothing, so a fixed one. */
function goPointer(type: string, set: boolean): string {
  return set ? `(*${type})(0xc000000000)` : `(*${type})(nil)`;
}

// ---------------------------------------------------------------- ids, seccomp, windows options

function validateID(v: unknown, path: FieldPath): FieldError[] {
  const n = num(v);
  if (n === undefined || (n >= 0 && n <= MAX_ID)) return [];
  return [invalidField(path, n, inclusiveRangeError(0, MAX_ID))];
}

const seccompProfileTypes = ["Localhost", "RuntimeDefault", "Unconfined"];

/** validateSeccompProfileField. */
function validateSeccompProfileField(sp: unknown, path: FieldPath): FieldError[] {
  if (!isObj(sp)) return [];
  const errs: FieldError[] = [];
  const type = str(sp.type);
  if (type === "") errs.push(requiredField(path.child("type"), "type is required when seccompProfile is set"));
  else if (!seccompProfileTypes.includes(type))
    errs.push(notSupportedField(path.child("type"), type, seccompProfileTypes));
  const lpPath = path.child("localhostProfile");
  if (type === "Localhost") {
    if (!has(sp, "localhostProfile")) errs.push(requiredField(lpPath, "must be set when seccomp type is Localhost"));
    else errs.push(...validateLocalDescendingPath(str(sp.localhostProfile), lpPath));
  } else if (has(sp, "localhostProfile")) {
    // kube prints the whole profile struct here.
    const shown = new GoValue(
      `core.SeccompProfile{Type:${goQuote(type)}, LocalhostProfile:${goPointer("string", true)}}`,
    );
    errs.push(invalidGoField(lpPath, shown, "can only be set when seccomp type is Localhost"));
  }
  return errs;
}

const MAX_GMSA_SPEC_KIB = 64;
const MAX_DOMAIN_LENGTH = 256;
const MAX_USER_LENGTH = 104;
// Go's [[:cntrl:]] is ASCII only.
const controlChars = /[\x00-\x1f\x7f]/;
const netBiosDomain = /^[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}$/u;
const dnsDomainLabel = "[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?";
const dnsDomain = new RegExp(`^${dnsDomainLabel}(?:\\.${dnsDomainLabel})*$`);
const badUserChars = /["/\\:;|=,+*?<>@[\]]/;
const onlyDotsOrSpaces = /^[. ]+$/;

/** validateWindowsSecurityContextOptions. */
function validateWindowsOptions(wo: unknown, path: FieldPath): FieldError[] {
  if (!isObj(wo)) return [];
  const errs: FieldError[] = [];
  if (has(wo, "gmsaCredentialSpecName")) {
    const name = str(wo.gmsaCredentialSpecName);
    for (const m of isDNS1123Subdomain(name)) errs.push(invalidField(path.child("gmsaCredentialSpecName"), name, m));
  }
  if (has(wo, "gmsaCredentialSpec")) {
    const spec = str(wo.gmsaCredentialSpec);
    const p = path.child("gmsaCredentialSpec");
    const l = byteLength(spec);
    if (l === 0) errs.push(invalidField(p, spec, "gmsaCredentialSpec cannot be an empty string"));
    else if (l > MAX_GMSA_SPEC_KIB * 1024)
      errs.push(invalidField(p, spec, `gmsaCredentialSpec size must be under ${MAX_GMSA_SPEC_KIB} KiB`));
  }
  if (has(wo, "runAsUserName")) {
    const name = str(wo.runAsUserName);
    const p = path.child("runAsUserName");
    const bad = (msg: string) => errs.push(invalidField(p, name, msg));
    const parts = name.split("\\");
    if (name === "") bad("runAsUserName cannot be an empty string");
    else if (controlChars.test(name)) bad("runAsUserName cannot contain control characters");
    else if (parts.length > 2) bad("runAsUserName cannot contain more than one backslash");
    else {
      const hasDomain = parts.length === 2;
      const domain = hasDomain ? (parts[0] ?? "") : "";
      const user = (hasDomain ? parts[1] : parts[0]) ?? "";
      if (byteLength(domain) >= MAX_DOMAIN_LENGTH)
        bad(`runAsUserName's Domain length must be under ${MAX_DOMAIN_LENGTH} characters`);
      if (hasDomain && !(netBiosDomain.test(domain) || dnsDomain.test(domain)))
        bad("runAsUserName's Domain doesn't match the NetBios nor the DNS format");
      const ul = byteLength(user);
      if (ul === 0) bad("runAsUserName's User cannot be empty");
      else if (ul > MAX_USER_LENGTH)
        bad(`runAsUserName's User length must not be longer than ${MAX_USER_LENGTH} characters`);
      if (onlyDotsOrSpaces.test(user)) bad("runAsUserName's User cannot contain only periods or spaces");
      if (badUserChars.test(user))
        bad(`runAsUserName's User cannot contain the following characters: "/\\:;|=,+*?<>@[]`);
    }
  }
  return errs;
}

// ---------------------------------------------------------------- pod security context

const SYSCTL_MAX_LENGTH = 253;
const sysctlSegment = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?";
const sysctlPattern = `^(${sysctlSegment}[\\./])*${sysctlSegment}$`;
const sysctlRe = new RegExp(sysctlPattern);

function validateSysctls(sysctls: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  objs(sysctls).forEach((s, i) => {
    const name = str(s.name);
    const p = path.index(i).child("name");
    if (name === "") errs.push(requiredField(p));
    else if (byteLength(name) > SYSCTL_MAX_LENGTH || !sysctlRe.test(name)) {
      errs.push(
        invalidField(p, name, `must have at most ${SYSCTL_MAX_LENGTH} characters and match regex ${sysctlPattern}`),
      );
    } else if (seen.has(name)) errs.push(duplicateField(p, name));
    seen.add(name);
  });
  return errs;
}

const fsGroupChangePolicies = ["Always", "OnRootMismatch"];

/** validatePodSpecSecurityContext; `specPath` is `spec`. */
export function validatePodSecurityContext(spec: Obj, specPath: FieldPath): FieldError[] {
  // The internal pod always has a security context; host namespaces live in it, hence its paths.
  const sc = sub(spec, "securityContext") ?? {};
  const path = specPath.child("securityContext");
  const errs: FieldError[] = [];
  errs.push(...validateID(sc.fsGroup, path.child("fsGroup")));
  errs.push(...validateID(sc.runAsUser, path.child("runAsUser")));
  errs.push(...validateID(sc.runAsGroup, path.child("runAsGroup")));
  arr(sc.supplementalGroups).forEach((g, i) => {
    errs.push(...validateID(g, path.child("supplementalGroups").index(i)));
  });
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(
      invalidField(
        path.child("shareProcessNamespace"),
        true,
        "ShareProcessNamespace and HostPID cannot both be enabled",
      ),
    );
  }
  if (arr(sc.sysctls).length > 0) errs.push(...validateSysctls(sc.sysctls, path.child("sysctls")));
  if (has(sc, "fsGroupChangePolicy")) {
    const policy = sc.fsGroupChangePolicy;
    if (typeof policy !== "string" || !fsGroupChangePolicies.includes(policy)) {
      errs.push(notSupportedField(path.child("fsGroupChangePolicy"), policy, fsGroupChangePolicies));
    }
  }
  errs.push(...validateSeccompProfileField(sc.seccompProfile, path.child("seccompProfile")));
  errs.push(...validateWindowsOptions(sc.windowsOptions, path.child("windowsOptions")));
  return errs;
}

// ---------------------------------------------------------------- container security context

/** %#v of a core.SecurityContext (1.28's fields, in order), as kube prints it in the escalation errors. */
function goSecurityContext(sc: Obj): GoValue {
  const fields: [string, string, string][] = [
    ["Capabilities", "capabilities", "core.Capabilities"],
    ["Privileged", "privileged", "bool"],
    ["SELinuxOptions", "seLinuxOptions", "core.SELinuxOptions"],
    ["WindowsOptions", "windowsOptions", "core.WindowsSecurityContextOptions"],
    ["RunAsUser", "runAsUser", "int64"],
    ["RunAsGroup", "runAsGroup", "int64"],
    ["RunAsNonRoot", "runAsNonRoot", "bool"],
    ["ReadOnlyRootFilesystem", "readOnlyRootFilesystem", "bool"],
    ["AllowPrivilegeEscalation", "allowPrivilegeEscalation", "bool"],
    ["ProcMount", "procMount", "core.ProcMountType"],
    ["SeccompProfile", "seccompProfile", "core.SeccompProfile"],
  ];
  // procMount is dropped before validation while its gate is off.
  const text = fields.map(([name, key, type]) => `${name}:${goPointer(type, key !== "procMount" && has(sc, key))}`);
  return new GoValue(`core.SecurityContext{${text.join(", ")}}`);
}

/** ValidateSecurityContext of one container; `path` is the container's `securityContext`. */
export function validateContainerSecurityContext(securityContext: unknown, path: FieldPath): FieldError[] {
  if (!isObj(securityContext)) return [];
  const sc = securityContext;
  const errs: FieldError[] = [];
  if (sc.privileged === true && !allowPrivileged) {
    errs.push(forbiddenField(path.child("privileged"), "disallowed by cluster policy"));
  }
  errs.push(...validateID(sc.runAsUser, path.child("runAsUser")));
  errs.push(...validateID(sc.runAsGroup, path.child("runAsGroup")));
  errs.push(...validateSeccompProfileField(sc.seccompProfile, path.child("seccompProfile")));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) {
      errs.push(
        invalidGoField(
          path,
          goSecurityContext(sc),
          "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
        ),
      );
    }
    for (const cap of arr(sub(sc, "capabilities")?.add)) {
      if (cap === "CAP_SYS_ADMIN") {
        errs.push(
          invalidGoField(
            path,
            goSecurityContext(sc),
            "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
          ),
        );
      }
    }
  }
  errs.push(...validateWindowsOptions(sc.windowsOptions, path.child("windowsOptions")));
  return errs;
}

// ---------------------------------------------------------------- host network, host process, host users

/** validatePodHostNetworkDeps; `specPath` is `spec`. */
export function validatePodHostNetworkDeps(spec: Obj, specPath: FieldPath): FieldError[] {
  if (spec.hostNetwork !== true) return [];
  // kube's opts.ResourceIsPod: a Pod's spec sits at "spec"; a template's hostPort may stay unset.
  const resourceIsPod = specPath.toString() === "spec";
  const errs: FieldError[] = [];
  objs(spec.containers).forEach((c, ci) => {
    objs(c.ports).forEach((p, pi) => {
      const hp = num(p.hostPort) ?? 0;
      const cp = num(p.containerPort) ?? 0;
      if ((resourceIsPod || hp !== 0) && hp !== cp) {
        const path = specPath.child("containers").index(ci).child("ports").index(pi).child("hostPort");
        errs.push(invalidField(path, hp, "must match `containerPort` when `hostNetwork` is true"));
      }
    });
  });
  return errs;
}

/** validateWindowsHostProcessPod then validateHostUsers; `specPath` is `spec`. */
export function validateHostProcessAndUsers(spec: Obj, specPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const podWindows = sub(sub(spec, "securityContext"), "windowsOptions");
  const podHostProcess = typeof podWindows?.hostProcess === "boolean" ? podWindows.hostProcess : undefined;
  const hostNetwork = spec.hostNetwork === true;
  let containers = 0;
  let hostProcessContainers = 0;
  visitContainers(spec, specPath, (c, cPath) => {
    containers++;
    const wo = sub(sub(c, "securityContext"), "windowsOptions");
    const hostProcess = typeof wo?.hostProcess === "boolean" ? wo.hostProcess : undefined;
    if (podHostProcess !== undefined && hostProcess !== undefined && podHostProcess !== hostProcess) {
      errs.push(
        invalidField(
          cPath.child("securityContext", "windowsOptions", "hostProcess"),
          hostProcess,
          `pod hostProcess value must be identical if both are specified, was ${podHostProcess}`,
        ),
      );
    }
    if (hostProcess === true || (hostProcess === undefined && podHostProcess === true)) hostProcessContainers++;
  });
  if (hostProcessContainers > 0) {
    if (hostProcessContainers !== containers) {
      errs.push(
        invalidField(
          specPath,
          "",
          "If pod contains any hostProcess containers then all containers must be HostProcess containers",
        ),
      );
    }
    if (!hostNetwork) {
      errs.push(
        invalidField(
          specPath.child("hostNetwork"),
          false,
          "hostNetwork must be true if pod contains any hostProcess containers",
        ),
      );
    }
    if (!allowPrivileged)
      errs.push(forbiddenField(specPath, "hostProcess containers are disallowed by cluster policy"));
  }
  // validateHostUsers only speaks when hostUsers is false, and 1.28 drops the field
  // (UserNamespacesSupport is alpha, off) before validating: nothing to check.
  return errs;
}

// ---------------------------------------------------------------- ephemeral containers

/** The ephemeral container fields kube's allow-list refuses, in the struct's order. */
function forbiddenEphemeralFields(ec: Obj): string[] {
  const out: string[] = [];
  if (has(ec, "ports")) out.push("ports");
  const resources = sub(ec, "resources");
  if (has(resources, "limits") || has(resources, "requests") || has(resources, "claims")) out.push("resources");
  // resizePolicy: dropped before validation while InPlacePodVerticalScaling is off.
  for (const f of ["restartPolicy", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle"]) {
    if (has(ec, f)) out.push(f);
  }
  return out;
}

/** validateEphemeralContainers; `path` is `spec.ephemeralContainers`. */
export function validateEphemeralContainers(spec: Obj, volumes: Set<string>, path: FieldPath): FieldError[] {
  const list = objs(spec.ephemeralContainers);
  if (list.length === 0) return [];
  const otherNames = new Set([...objs(spec.containers), ...objs(spec.initContainers)].map((c) => str(c.name)));
  const allNames = new Set(otherNames);
  const errs: FieldError[] = [];
  list.forEach((ec, i) => {
    const ip = path.index(i);
    errs.push(...validateContainerCommon(ec, volumes, ip));
    const image = str(ec.image);
    if (image.trim() !== image) {
      errs.push(invalidField(ip.child("image"), image, "must not have leading or trailing whitespace"));
    }
    const name = str(ec.name);
    if (allNames.has(name)) errs.push(duplicateField(ip.child("name"), name));
    else allNames.add(name);
    const target = str(ec.targetContainerName);
    if (target !== "" && !otherNames.has(target)) errs.push(notFoundField(ip.child("targetContainerName"), target));
    for (const f of forbiddenEphemeralFields(ec)) {
      errs.push(forbiddenField(ip.child(f), "cannot be set for an Ephemeral Container"));
    }
    objs(ec.volumeMounts).forEach((vm, vi) => {
      const vp = ip.child("volumeMounts").index(vi);
      if (str(vm.subPath) !== "")
        errs.push(forbiddenField(vp.child("subPath"), "cannot be set for an Ephemeral Container"));
      if (str(vm.subPathExpr) !== "") {
        errs.push(forbiddenField(vp.child("subPathExpr"), "cannot be set for an Ephemeral Container"));
      }
    });
  });
  return errs;
}

// ---------------------------------------------------------------- the smaller fields

/**
 * validateImagePullSecrets: kube reports "only name may be set" for a reference
 * with other fields, but v1's LocalObjectReference has no other field (decoding
 * drops unknown ones), so nothing can trip it; `path` is `spec.imagePullSecrets`.
 */
export function validateImagePullSecrets(_secrets: unknown, _path: FieldPath): FieldError[] {
  return [];
}

/** validateReadinessGates; `path` is `spec.readinessGates`. */
export function validateReadinessGates(gates: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  objs(gates).forEach((g, i) => {
    const type = str(g.conditionType);
    for (const m of isQualifiedName(type)) errs.push(invalidField(path.index(i).child("conditionType"), type, m));
  });
  return errs;
}

/** netutils.ParseIPSloppy: like net.ParseIP, but IPv4 parts may have leading zeros. */
function isSloppyIP(ip: string): boolean {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (v4) return v4.slice(1).every((part) => Number(part) <= 255);
  return isIPv6(ip);
}

/** ValidateHostAliases; `path` is `spec.hostAliases` (1.28's paths carry no index). */
export function validateHostAliases(aliases: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const alias of objs(aliases)) {
    const ip = str(alias.ip);
    if (!isSloppyIP(ip)) errs.push(invalidField(path.child("ip"), ip, "must be valid IP address"));
    for (const h of arr(alias.hostnames)) {
      const hostname = str(h);
      for (const m of isDNS1123Subdomain(hostname)) errs.push(invalidField(path.child("hostnames"), hostname, m));
    }
  }
  return errs;
}

/** ValidateRuntimeClassName; `path` is `spec.runtimeClassName`. */
export function validateRuntimeClassName(name: unknown, path: FieldPath): FieldError[] {
  const n = str(name);
  return isDNS1123Subdomain(n).map((m) => invalidField(path, n, m));
}

/** validateOverhead: checked as a container's resource limits would be; `path` is `spec.overhead`. */
export function validateOverhead(overhead: unknown, path: FieldPath): FieldError[] {
  return validateResourceRequirements({ limits: overhead }, path);
}

const validOSNames = ["linux", "windows"];

/** validateLinux: Windows options on a linux pod. */
function validateLinux(spec: Obj, specPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const msg = "windows options cannot be set for a linux pod";
  if (has(sub(spec, "securityContext"), "windowsOptions")) {
    errs.push(forbiddenField(specPath.child("securityContext", "windowsOptions"), msg));
  }
  visitContainers(spec, specPath, (c, cPath) => {
    if (has(sub(c, "securityContext"), "windowsOptions")) {
      errs.push(forbiddenField(cPath.child("securityContext", "windowsOptions"), msg));
    }
  });
  return errs;
}

/** validateWindows: the Linux-only settings on a windows pod (1.28's list; procMount and hostUsers are dropped). */
function validateWindows(spec: Obj, specPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const msg = "cannot be set for a windows pod";
  const sc = sub(spec, "securityContext") ?? {};
  const scPath = specPath.child("securityContext");
  if (has(sc, "seLinuxOptions")) errs.push(forbiddenField(scPath.child("seLinuxOptions"), msg));
  if (spec.hostPID === true) errs.push(forbiddenField(specPath.child("hostPID"), msg));
  if (spec.hostIPC === true) errs.push(forbiddenField(specPath.child("hostIPC"), msg));
  if (has(sc, "seccompProfile")) errs.push(forbiddenField(scPath.child("seccompProfile"), msg));
  if (has(sc, "fsGroup")) errs.push(forbiddenField(scPath.child("fsGroup"), msg));
  if (has(sc, "fsGroupChangePolicy")) errs.push(forbiddenField(scPath.child("fsGroupChangePolicy"), msg));
  if (arr(sc.sysctls).length > 0) errs.push(forbiddenField(scPath.child("sysctls"), msg));
  if (has(spec, "shareProcessNamespace")) errs.push(forbiddenField(specPath.child("shareProcessNamespace"), msg));
  if (has(sc, "runAsUser")) errs.push(forbiddenField(scPath.child("runAsUser"), msg));
  if (has(sc, "runAsGroup")) errs.push(forbiddenField(scPath.child("runAsGroup"), msg));
  if (has(sc, "supplementalGroups")) errs.push(forbiddenField(scPath.child("supplementalGroups"), msg));
  visitContainers(spec, specPath, (c, cPath) => {
    const csc = sub(c, "securityContext");
    if (!csc) return;
    const p = cPath.child("securityContext");
    for (const f of [
      "seLinuxOptions",
      "seccompProfile",
      "capabilities",
      "readOnlyRootFilesystem",
      "privileged",
      "allowPrivilegeEscalation",
      "runAsUser",
      "runAsGroup",
    ]) {
      if (has(csc, f)) errs.push(forbiddenField(p.child(f), msg));
    }
  });
  return errs;
}

/** validateOS, then validateLinux or validateWindows as ValidatePodSpec runs them; `path` is `spec.os`. */
export function validateOS(spec: Obj, path: FieldPath): FieldError[] {
  const os = sub(spec, "os");
  if (!os) return [];
  const name = str(os.name);
  if (name === "") return [requiredField(path.child("name"), "cannot be empty")];
  if (!validOSNames.includes(name)) return [notSupportedField(path, name, validOSNames)];
  const specPath = parentPath(path);
  return name === "linux" ? validateLinux(spec, specPath) : validateWindows(spec, specPath);
}

/** validateSchedulingGates; `path` is `spec.schedulingGates`. */
export function validateSchedulingGates(gates: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  objs(gates).forEach((g, i) => {
    const name = str(g.name);
    for (const m of isQualifiedName(name)) errs.push(invalidField(path.index(i), name, m));
    if (seen.has(name)) errs.push(duplicateField(path.index(i), name));
    seen.add(name);
  });
  return errs;
}

// ---------------------------------------------------------------- seccomp and AppArmor annotations

const SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";
const APPARMOR_CONTAINER_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
const LOCALHOST_PREFIX = "localhost/";

/** ValidateSeccompProfile: an annotation's profile. */
function validateSeccompAnnotationProfile(p: string, path: FieldPath): FieldError[] {
  if (p === "runtime/default" || p === "docker/default" || p === "unconfined") return [];
  if (p.startsWith(LOCALHOST_PREFIX)) return validateLocalDescendingPath(p.slice(LOCALHOST_PREFIX.length), path);
  return [invalidField(path, p, "must be a valid seccomp profile")];
}

function podSpecHasContainer(spec: Obj, name: string): boolean {
  let found = false;
  visitContainers(spec, FieldPath.of("spec"), (c) => {
    if (str(c.name) === name) found = true;
  });
  return found;
}

/**
 * ValidateSeccompPodAnnotations then ValidateAppArmorPodAnnotations, the tail
 * of ValidatePodSpecificAnnotations; `path` is `metadata.annotations`. Note
 * kube's seccomp paths are children ("annotations.seccomp..."), AppArmor's
 * keys ("annotations[container.apparmor...]"). Kube walks the map in random
 * order; keys are taken sorted here.
 */
export function validateSecurityAnnotations(annotations: unknown, spec: Obj, path: FieldPath): FieldError[] {
  const a = strMap(annotations);
  if (!a) return [];
  const errs: FieldError[] = [];
  const keys = Object.keys(a).sort();
  if (Object.hasOwn(a, SECCOMP_POD_ANNOTATION)) {
    errs.push(...validateSeccompAnnotationProfile(str(a[SECCOMP_POD_ANNOTATION]), path.child(SECCOMP_POD_ANNOTATION)));
  }
  for (const k of keys) {
    if (k.startsWith(SECCOMP_CONTAINER_PREFIX))
      errs.push(...validateSeccompAnnotationProfile(str(a[k]), path.child(k)));
  }
  for (const k of keys) {
    if (!k.startsWith(APPARMOR_CONTAINER_PREFIX)) continue;
    const container = k.slice(APPARMOR_CONTAINER_PREFIX.length);
    if (!podSpecHasContainer(spec, container)) errs.push(invalidField(path.key(k), container, "container not found"));
    const profile = str(a[k]);
    if (
      profile !== "" &&
      profile !== "runtime/default" &&
      profile !== "unconfined" &&
      !profile.startsWith(LOCALHOST_PREFIX)
    ) {
      errs.push(invalidField(path.key(k), profile, `invalid AppArmor profile name: ${goQuote(profile)}`));
    }
  }
  return errs;
}

/** validateSeccompAnnotationsAndFieldsMatch. */
function seccompMatch(annotation: string, field: Obj, path: FieldPath): FieldError[] {
  const mismatch = [forbiddenField(path.child("type"), "seccomp type in annotation and field must match")];
  switch (str(field.type)) {
    case "Unconfined":
      return annotation === "unconfined" ? [] : mismatch;
    case "RuntimeDefault":
      return annotation === "runtime/default" || annotation === "docker/default" ? [] : mismatch;
    case "Localhost":
      if (!annotation.startsWith(LOCALHOST_PREFIX)) return mismatch;
      if (
        !has(field, "localhostProfile") ||
        annotation.slice(LOCALHOST_PREFIX.length) !== str(field.localhostProfile)
      ) {
        return [forbiddenField(path.child("localhostProfile"), "seccomp profile in annotation and field must match")];
      }
      return [];
    default:
      return [];
  }
}

/**
 * validateSeccompAnnotationsAndFields, part of ValidatePodCreate: where both a
 * seccomp annotation and the field are given they must agree; `specPath` is `spec`.
 */
export function validateSeccompAnnotationsAndFields(
  annotations: unknown,
  spec: Obj,
  specPath: FieldPath,
): FieldError[] {
  const a = strMap(annotations) ?? {};
  const errs: FieldError[] = [];
  const podProfile = sub(sub(spec, "securityContext"), "seccompProfile");
  if (podProfile && Object.hasOwn(a, SECCOMP_POD_ANNOTATION)) {
    errs.push(
      ...seccompMatch(str(a[SECCOMP_POD_ANNOTATION]), podProfile, specPath.child("securityContext", "seccompProfile")),
    );
  }
  visitContainers(spec, specPath, (c, cPath) => {
    const profile = sub(sub(c, "securityContext"), "seccompProfile");
    const key = SECCOMP_CONTAINER_PREFIX + str(c.name);
    if (profile && Object.hasOwn(a, key)) {
      errs.push(...seccompMatch(str(a[key]), profile, cPath.child("securityContext", "seccompProfile")));
    }
  });
  return errs;
}
