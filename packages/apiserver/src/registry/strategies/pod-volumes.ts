// Volumes and volume mounts of a PodSpec (pkg/apis/core/validation: ValidateVolumes,
// validateVolumeSource and each source's checks, ValidateVolumeMounts), after
// Kubernetes 1.28: paths, cause types and texts as kube-apiserver words them.

import {
  duplicateField,
  type FieldError,
  type FieldPath,
  forbiddenField,
  invalidField,
  isDNS1123Label,
  notFoundField,
  requiredField,
} from "@wharf/apimachinery";
import { isObj, type Obj, objs, str } from "./util.js";

/** The sources whose one required field kube checks, with that field. */
const requiredSourceField: Record<string, string> = {
  hostPath: "path",
  secret: "secretName",
  configMap: "name",
  persistentVolumeClaim: "claimName",
  nfs: "server",
  gitRepo: "repository",
};

function validateVolumeSource(v: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const s of [
    "emptyDir",
    "hostPath",
    "gitRepo",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "flocker",
    "persistentVolumeClaim",
    "rbd",
    "cinder",
    "cephfs",
    "quobyte",
    "downwardAPI",
    "fc",
    "flexVolume",
    "configMap",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "storageos",
    "projected",
    "scaleIO",
    "csi",
    "ephemeral",
  ]) {
    const src = v[s];
    if (src === undefined || src === null) continue;
    if (count > 0) {
      errs.push(forbiddenField(path.child(s), "may not specify more than 1 volume type"));
      continue;
    }
    count++;
    const req = requiredSourceField[s];
    if (req && isObj(src)) {
      const value = str(src[req]);
      if (value === "") errs.push(requiredField(path.child(s, req)));
      else if (s === "hostPath" && value.split("/").includes("..")) {
        errs.push(invalidField(path.child(s, req), value, "must not contain '..'"));
      }
    }
  }
  if (count === 0) errs.push(requiredField(path, "must specify a volume type"));
  return errs;
}

/** ValidateVolumes; returns the errors and the names of the volumes that passed. */
export function validateVolumes(volumes: unknown, path: FieldPath): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  objs(volumes).forEach((v, i) => {
    const ip = path.index(i);
    const el = validateVolumeSource(v, ip);
    const name = str(v.name);
    if (name === "") el.push(requiredField(ip.child("name")));
    else for (const m of isDNS1123Label(name)) el.push(invalidField(ip.child("name"), name, m));
    if (names.has(name)) el.push(duplicateField(ip.child("name"), name));
    if (el.length === 0) names.add(name);
    else errs.push(...el);
  });
  return { errs, names };
}

export function validateVolumeMounts(mounts: unknown, volumes: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  objs(mounts).forEach((m, i) => {
    const ip = path.index(i);
    const name = str(m.name);
    if (name === "") errs.push(requiredField(ip.child("name")));
    if (!volumes.has(name)) errs.push(notFoundField(ip.child("name"), name));
    const mountPath = str(m.mountPath);
    if (mountPath === "") errs.push(requiredField(ip.child("mountPath")));
    if (mountPoints.has(mountPath)) errs.push(invalidField(ip.child("mountPath"), mountPath, "must be unique"));
    mountPoints.add(mountPath);
    const subPath = str(m.subPath);
    if (subPath !== "") errs.push(...validateLocalDescendingPath(subPath, ip.child("subPath")));
  });
  return errs;
}

/** validateLocalDescendingPath: relative, without '..'. */
function validateLocalDescendingPath(p: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith("/")) errs.push(invalidField(path, p, "must be a relative path"));
  if (p.split("/").includes("..")) errs.push(invalidField(path, p, "must not contain '..'"));
  return errs;
}
