// Service: SetDefaults_Service, ValidateService and ValidateServiceUpdate of
// Kubernetes 1.28. IP families and allocation belong to the allocator; the
// clusterIP/clusterIPs pairing the service REST storage does is kept here.
// Allocation runs after this validation here (before it in kube), so an
// unallocated healthCheckNodePort is not reported: kube always fills it first.

import {
  duplicateField,
  duplicateGoField,
  type FieldError,
  FieldPath,
  forbiddenField,
  GoValue,
  goQuote,
  goStringSlice,
  invalidField,
  invalidGoField,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidIP,
  isValidPortName,
  isValidPortNum,
  nameIsDNS1035Label,
  notSupportedField,
  requiredField,
  validateLabels,
} from "@wharf/apimachinery";
import { parseCIDR, parseIP } from "../service-allocation/cidr.js";
import type { KindStrategy, KubeObject } from "../strategy.js";
import { dropTypeDependentFields, needsExternalTrafficPolicy, needsHealthCheck } from "./service-type-fields.js";
import { arr, child, isObj, num, type Obj, objs, setDefault, setDefaultStr, str, strMap } from "./util.js";

const serviceTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const protocols = ["SCTP", "TCP", "UDP"];
const KUBELET_PORT = 10250;

const SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges";
const ONLY_LOAD_BALANCER = "may only be used when `type` is 'LoadBalancer'";

function defaultService(obj: KubeObject): void {
  const spec = child(obj, "spec");
  setDefaultStr(spec, "sessionAffinity", "None");
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP") {
    const cfg = spec.sessionAffinityConfig;
    const clientIP = isObj(cfg) ? cfg.clientIP : undefined;
    if (!isObj(clientIP) || clientIP.timeoutSeconds === undefined || clientIP.timeoutSeconds === null) {
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
    }
  }
  setDefaultStr(spec, "type", "ClusterIP");
  for (const p of objs(spec.ports)) {
    setDefaultStr(p, "protocol", "TCP");
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === "") {
      p.targetPort = p.port;
    }
  }
  if (needsExternalTrafficPolicy(spec)) setDefaultStr(spec, "externalTrafficPolicy", "Cluster");
  if (["NodePort", "LoadBalancer", "ClusterIP"].includes(str(spec.type)))
    setDefault(spec, "internalTrafficPolicy", "Cluster");
  if (spec.type === "LoadBalancer") setDefault(spec, "allocateLoadBalancerNodePorts", true);
  // normalizeClusterIPs: a clusterIP alone also fills clusterIPs.
  if (spec.type !== "ExternalName" && str(spec.clusterIP) !== "" && arr(spec.clusterIPs).length === 0) {
    spec.clusterIPs = [spec.clusterIP];
  }
  if (!isObj(obj.status)) obj.status = { loadBalancer: {} };
}

function isHeadless(spec: Obj): boolean {
  const ips = arr(spec.clusterIPs);
  return ips.length === 1 && ips[0] === "None";
}

/** %#v of the (protocol, port) key kube uses to find duplicate ports. */
function goServicePortKey(protocol: string, port: number): GoValue {
  return new GoValue(
    `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

function validateServicePort(p: Obj, requireName: boolean, names: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(p.name);
  if (requireName && name === "") errs.push(requiredField(path.child("name")));
  else if (name !== "") {
    for (const m of isDNS1123Label(name)) errs.push(invalidField(path.child("name"), name, m));
    if (names.has(name)) errs.push(duplicateField(path.child("name"), name));
    else names.add(name);
  }
  const port = num(p.port) ?? 0;
  for (const m of isValidPortNum(port)) errs.push(invalidField(path.child("port"), port, m));
  const protocol = str(p.protocol);
  if (protocol === "") errs.push(requiredField(path.child("protocol")));
  else if (!protocols.includes(protocol)) errs.push(notSupportedField(path.child("protocol"), protocol, protocols));
  const target = p.targetPort;
  if (typeof target === "string") {
    for (const m of isValidPortName(target)) errs.push(invalidField(path.child("targetPort"), target, m));
  } else {
    const t = num(target) ?? 0;
    for (const m of isValidPortNum(t)) errs.push(invalidField(path.child("targetPort"), t, m));
  }
  if (typeof p.appProtocol === "string") {
    for (const m of isQualifiedName(p.appProtocol))
      errs.push(invalidField(path.child("appProtocol"), p.appProtocol, m));
  }
  return errs;
}

function validateClusterIPs(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.type === "ExternalName") return errs;
  const specPath = FieldPath.of("spec");
  const ipsPath = specPath.child("clusterIPs");
  const clusterIP = str(spec.clusterIP);
  const ips = arr(spec.clusterIPs).map(str);
  if (clusterIP !== "") {
    if (ips.length === 0) errs.push(requiredField(ipsPath));
    else if (ips[0] !== clusterIP)
      errs.push(invalidGoField(ipsPath, goStringSlice(ips), "first value must match `clusterIP`"));
  } else if (ips.length > 0) {
    errs.push(invalidGoField(ipsPath, goStringSlice(ips), "must be empty when `clusterIP` is not specified"));
  }
  const families = arr(spec.ipFamilies).map(str);
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (f !== "IPv4" && f !== "IPv6")
      errs.push(notSupportedField(specPath.child("ipFamilies").index(i), f, ["IPv4", "IPv6"]));
    if (seen.has(f)) errs.push(duplicateField(specPath.child("ipFamilies").index(i), f));
    seen.add(f);
  });
  const policy = spec.ipFamilyPolicy;
  const policies = ["PreferDualStack", "RequireDualStack", "SingleStack"];
  if (policy !== undefined && policy !== null && !policies.includes(str(policy))) {
    errs.push(notSupportedField(specPath.child("ipFamilyPolicy"), policy, policies));
  }
  ips.forEach((ip, i) => {
    if (i === 0 && ip === "None") {
      if (ips.length > 1)
        errs.push(invalidGoField(ipsPath, goStringSlice(ips), "'None' must be the first and only value"));
      return;
    }
    for (const m of isValidIP(ip)) errs.push(invalidField(ipsPath.index(i), ip, m));
  });
  return errs;
}

/** ValidateNonSpecialIP: externalIPs may not be addresses every node already answers on. */
function validateNonSpecialIP(text: string, path: FieldPath): FieldError[] {
  const ip = parseIP(text);
  if (!ip) return [invalidField(path, text, "must be a valid IP address")];
  const errs: FieldError[] = [];
  const v4 = ip.family === "IPv4";
  const v = ip.value;
  if (v === 0n) errs.push(invalidField(path, text, `may not be unspecified (${text})`));
  if (v4 ? v >> 24n === 127n : v === 1n) {
    errs.push(invalidField(path, text, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
  }
  if (v4 ? v >> 16n === 0xa9fen : v >> 118n === 0x3fan) {
    errs.push(invalidField(path, text, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
  }
  if (v4 ? v >> 8n === 0xe00000n : v >> 120n === 0xffn && ((v >> 112n) & 0xfn) === 2n) {
    errs.push(invalidField(path, text, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
  }
  return errs;
}

/** The source ranges field, else its older annotation (apiservice.GetLoadBalancerSourceRanges), for LoadBalancers only. */
function validateSourceRanges(obj: KubeObject, spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ann = strMap(obj.metadata?.annotations) ?? {};
  const ranges = arr(spec.loadBalancerSourceRanges).map(str);
  const hasAnnotation = Object.hasOwn(ann, SOURCE_RANGES_ANNOTATION);
  if (ranges.length === 0 && !hasAnnotation) return errs;
  let path: FieldPath;
  let shown: string;
  let specs: string[];
  if (ranges.length > 0) {
    // 1.28 names the field with a capital L.
    path = FieldPath.of("spec", "LoadBalancerSourceRanges");
    shown = `[${ranges.join(" ")}]`;
    specs = ranges;
  } else {
    path = FieldPath.of("metadata", "annotations").key(SOURCE_RANGES_ANNOTATION);
    shown = str(ann[SOURCE_RANGES_ANNOTATION]);
    specs = (shown.trim() || "0.0.0.0/0").split(",");
  }
  if (spec.type !== "LoadBalancer") errs.push(forbiddenField(path, ONLY_LOAD_BALANCER));
  if (!specs.every((r) => parseCIDR(r.trim()) !== undefined)) {
    errs.push(invalidField(path, shown, "must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 "));
  }
  return errs;
}

/** validateLoadBalancerClassField on update: the class is fixed while the service stays a LoadBalancer. */
function validateLoadBalancerClassUpdate(oldSpec: Obj, spec: Obj): FieldError[] {
  if (oldSpec.type !== "LoadBalancer" || spec.type !== "LoadBalancer") return [];
  const cls = spec.loadBalancerClass ?? null;
  if ((oldSpec.loadBalancerClass ?? null) === cls) return [];
  return [invalidField(FieldPath.of("spec", "loadBalancerClass"), cls, "may not change once set")];
}

/** validateLoadBalancerClassField's checks of the class itself: only on LoadBalancers, and a qualified name. */
function validateLoadBalancerClass(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const path = FieldPath.of("spec", "loadBalancerClass");
  const cls = spec.loadBalancerClass;
  const set = cls !== undefined && cls !== null;
  if (spec.type === "LoadBalancer") {
    if (set) for (const m of isQualifiedName(str(cls))) errs.push(invalidField(path, cls, m));
  } else if (set) errs.push(forbiddenField(path, ONLY_LOAD_BALANCER));
  return errs;
}

/** validateServiceExternalTrafficPolicy: the policy and the health check port go with the types that use them. */
function validateExternalTrafficPolicy(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const specPath = FieldPath.of("spec");
  const etp = str(spec.externalTrafficPolicy);
  if (!needsExternalTrafficPolicy(spec)) {
    if (etp !== "") {
      errs.push(
        invalidField(
          specPath.child("externalTrafficPolicy"),
          etp,
          "may only be set when `type` is 'NodePort' or 'LoadBalancer'",
        ),
      );
    }
  } else if (etp === "") errs.push(requiredField(specPath.child("externalTrafficPolicy")));
  else if (etp !== "Cluster" && etp !== "Local") {
    errs.push(notSupportedField(specPath.child("externalTrafficPolicy"), etp, ["Cluster", "Local"]));
  }
  const hc = num(spec.healthCheckNodePort) ?? 0;
  const hcPath = specPath.child("healthCheckNodePort");
  if (!needsHealthCheck(spec)) {
    if (hc !== 0) {
      errs.push(
        invalidField(
          hcPath,
          hc,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        ),
      );
    }
  } else if (hc !== 0) {
    for (const m of isValidPortNum(hc)) errs.push(invalidField(hcPath, hc, m));
  }
  return errs;
}

function validateService(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = (isObj(obj.spec) ? obj.spec : {}) as Obj;
  const specPath = FieldPath.of("spec");
  const ann = strMap(obj.metadata?.annotations) ?? {};
  const hints = ann["service.kubernetes.io/topology-aware-hints"];
  const mode = ann["service.kubernetes.io/topology-mode"];
  if (hints !== undefined && mode !== undefined && hints !== mode) {
    errs.push(
      invalidField(
        FieldPath.of("metadata", "annotations").key("service.kubernetes.io/topology-mode"),
        mode,
        "must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified",
      ),
    );
  }
  const ports = objs(spec.ports);
  const type = str(spec.type);
  const headless = isHeadless(spec);
  if (ports.length === 0 && !headless && type !== "ExternalName") errs.push(requiredField(specPath.child("ports")));
  const clusterIPs = arr(spec.clusterIPs);
  switch (type) {
    case "LoadBalancer":
      if (headless) {
        errs.push(
          invalidField(
            specPath.child("clusterIPs").index(0),
            clusterIPs[0],
            "may not be set to 'None' for LoadBalancer services",
          ),
        );
      }
      ports.forEach((p, i) => {
        if (p.port === KUBELET_PORT) {
          errs.push(
            invalidField(
              specPath.child("ports").index(i),
              p.port,
              `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`,
            ),
          );
        }
      });
      break;
    case "NodePort":
      if (headless) {
        errs.push(
          invalidField(
            specPath.child("clusterIPs").index(0),
            clusterIPs[0],
            "may not be set to 'None' for NodePort services",
          ),
        );
      }
      break;
    case "ExternalName": {
      if (clusterIPs.length > 0)
        errs.push(forbiddenField(specPath.child("clusterIPs"), "may not be set for ExternalName services"));
      if (arr(spec.ipFamilies).length > 0)
        errs.push(forbiddenField(specPath.child("ipFamilies"), "may not be set for ExternalName services"));
      if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) {
        errs.push(forbiddenField(specPath.child("ipFamilyPolicy"), "may not be set for ExternalName services"));
      }
      const cname = str(spec.externalName).replace(/\.$/, "");
      if (cname !== "")
        for (const m of isDNS1123Subdomain(cname)) errs.push(invalidField(specPath.child("externalName"), cname, m));
      else errs.push(requiredField(specPath.child("externalName")));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((p, i) => {
    errs.push(...validateServicePort(p, ports.length > 1, names, specPath.child("ports").index(i)));
  });
  if (isObj(spec.selector)) errs.push(...validateLabels(strMap(spec.selector), specPath.child("selector")));
  const affinity = str(spec.sessionAffinity);
  if (affinity === "") errs.push(requiredField(specPath.child("sessionAffinity")));
  else if (affinity !== "ClientIP" && affinity !== "None") {
    errs.push(notSupportedField(specPath.child("sessionAffinity"), affinity, ["ClientIP", "None"]));
  }
  if (affinity === "ClientIP") {
    const cfgPath = specPath.child("sessionAffinityConfig");
    const cfg = isObj(spec.sessionAffinityConfig) ? spec.sessionAffinityConfig : undefined;
    const clientIP = cfg && isObj(cfg.clientIP) ? cfg.clientIP : undefined;
    if (!cfg) errs.push(requiredField(cfgPath, "when session affinity type is ClientIP"));
    else if (!clientIP) errs.push(requiredField(cfgPath.child("clientIP"), "when session affinity type is ClientIP"));
    else if (clientIP.timeoutSeconds === undefined || clientIP.timeoutSeconds === null) {
      errs.push(requiredField(cfgPath.child("clientIP", "timeoutSeconds"), "when session affinity type is ClientIP"));
    } else {
      const t = num(clientIP.timeoutSeconds) ?? 0;
      if (t <= 0 || t > 86400) {
        errs.push(
          invalidField(cfgPath.child("clientIP", "timeoutSeconds"), t, "must be greater than 0 and less than 86400"),
        );
      }
    }
  } else if (affinity === "None" && spec.sessionAffinityConfig !== undefined && spec.sessionAffinityConfig !== null) {
    errs.push(forbiddenField(specPath.child("sessionAffinityConfig"), "must not be set when session affinity is None"));
  }
  errs.push(...validateClusterIPs(spec));
  arr(spec.externalIPs).forEach((ip, i) => {
    const p = specPath.child("externalIPs").index(i);
    const msgs = isValidIP(str(ip));
    for (const m of msgs) errs.push(invalidField(p, ip, m));
    if (msgs.length === 0) errs.push(...validateNonSpecialIP(str(ip), p));
  });
  if (type === "") errs.push(requiredField(specPath.child("type")));
  else if (!serviceTypes.includes(type)) errs.push(notSupportedField(specPath.child("type"), type, serviceTypes));
  if (type === "ClusterIP") {
    ports.forEach((p, i) => {
      if ((num(p.nodePort) ?? 0) !== 0) {
        errs.push(
          forbiddenField(
            specPath.child("ports").index(i).child("nodePort"),
            "may not be used when `type` is 'ClusterIP'",
          ),
        );
      }
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const np = num(p.nodePort) ?? 0;
    if (np === 0) return;
    const key = `${str(p.protocol)}/${np}`;
    if (nodePorts.has(key)) errs.push(duplicateField(specPath.child("ports").index(i).child("nodePort"), np));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const port = num(p.port) ?? 0;
    const key = `${str(p.protocol)}/${port}`;
    if (portKeys.has(key))
      errs.push(duplicateGoField(specPath.child("ports").index(i), goServicePortKey(str(p.protocol), port)));
    portKeys.add(key);
  });
  errs.push(...validateSourceRanges(obj, spec));
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts !== null) {
    if (type !== "LoadBalancer")
      errs.push(forbiddenField(specPath.child("allocateLoadBalancerNodePorts"), ONLY_LOAD_BALANCER));
  } else if (type === "LoadBalancer") {
    // kube's path lacks "spec." here.
    errs.push(requiredField("allocateLoadBalancerNodePorts"));
  }
  errs.push(...validateLoadBalancerClass(spec));
  errs.push(...validateExternalTrafficPolicy(spec));
  const itp = spec.internalTrafficPolicy;
  if (itp === undefined || itp === null) {
    if (["ClusterIP", "NodePort", "LoadBalancer"].includes(type))
      errs.push(requiredField(specPath.child("internalTrafficPolicy")));
  } else if (itp !== "Cluster" && itp !== "Local") {
    errs.push(notSupportedField(specPath.child("internalTrafficPolicy"), itp, ["Cluster", "Local"]));
  }
  return errs;
}

function needsClusterIP(spec: Obj): boolean {
  return str(spec.type) !== "ExternalName";
}

/** The service storage's patchAllocatedValues: an update that omits the allocated IPs and node ports keeps them. */
function prepareServiceForUpdate(obj: KubeObject, old: KubeObject): void {
  const spec = child(obj, "spec");
  const oldSpec = (isObj(old.spec) ? old.spec : {}) as Obj;
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (str(spec.clusterIP) === "" && oldSpec.clusterIP !== undefined) spec.clusterIP = oldSpec.clusterIP;
    if (arr(spec.clusterIPs).length === 0 && arr(oldSpec.clusterIPs).length > 0) spec.clusterIPs = oldSpec.clusterIPs;
    else if (
      str(spec.clusterIP) !== str(oldSpec.clusterIP) &&
      JSON.stringify(spec.clusterIPs) === JSON.stringify(oldSpec.clusterIPs)
    ) {
      spec.clusterIPs = [spec.clusterIP, ...arr(spec.clusterIPs).slice(1)];
    }
  }
  if (
    ["NodePort", "LoadBalancer"].includes(str(spec.type)) &&
    ["NodePort", "LoadBalancer"].includes(str(oldSpec.type))
  ) {
    const oldPorts = objs(oldSpec.ports);
    for (const p of objs(spec.ports)) {
      if ((num(p.nodePort) ?? 0) !== 0) continue;
      const match = oldPorts.find((o) => o.port === p.port && str(o.protocol) === str(p.protocol) && o.nodePort);
      if (match) p.nodePort = match.nodePort;
    }
  }
  // An update that leaves out the allocated health check port keeps it while the service still needs one.
  if (needsHealthCheck(oldSpec) && needsHealthCheck(spec) && (num(spec.healthCheckNodePort) ?? 0) === 0) {
    if (oldSpec.healthCheckNodePort !== undefined) spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
  dropTypeDependentFields(spec, oldSpec, isObj(obj.status) ? obj.status : undefined);
}

function validateServiceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = child(obj, "spec");
  const oldSpec = (isObj(old.spec) ? old.spec : {}) as Obj;
  const errs: FieldError[] = [];
  if (str(spec.type) !== "ExternalName" && str(oldSpec.type) !== "ExternalName") {
    const ips = arr(spec.clusterIPs).map(str);
    const oldIps = arr(oldSpec.clusterIPs).map(str);
    if (ips.length > 0 && oldIps.length > 0 && ips[0] !== oldIps[0]) {
      errs.push(
        invalidGoField(FieldPath.of("spec", "clusterIPs").index(0), goStringSlice(ips), "may not change once set"),
      );
    }
  }
  errs.push(...validateLoadBalancerClassUpdate(oldSpec, spec));
  // validateServiceExternalTrafficFieldsUpdate.
  if (needsHealthCheck(oldSpec) && needsHealthCheck(spec)) {
    if ((num(spec.healthCheckNodePort) ?? 0) !== (num(oldSpec.healthCheckNodePort) ?? 0)) {
      errs.push(forbiddenField(FieldPath.of("spec", "healthCheckNodePort"), "field is immutable"));
    }
  }
  return errs;
}

export const serviceStrategy: KindStrategy = {
  default: defaultService,
  prepareForUpdate: prepareServiceForUpdate,
  // ValidateServiceUpdate reports its own checks before ValidateService's.
  validate: (obj, old) => (old ? [...validateServiceUpdate(obj, old), ...validateService(obj)] : validateService(obj)),
  nameValidator: nameIsDNS1035Label,
};
