import { badRequest, conflict } from "@wharf/apimachinery";
import type { GenericStore, KubeObject, ObjectMeta } from "../../registry/generic-store.js";
import { apiVersionOf } from "../../registry/resource-definition.js";
import type { FieldsTarget, FieldValidator } from "../field-validation/field-validation.js";
import { yamlDuplicateKeys } from "../field-validation/yaml-duplicates.js";
import { parseApplyBody } from "./apply-endpoint.js";
import { applyConfiguration, type FieldManagerScope } from "./field-manager.js";
import { FieldSet, field, type Path } from "./field-path.js";
import { decodeManagedFields, encodeManagedFields, type Managed, managerId } from "./managed-fields.js";
import { validatePatchOptions } from "./manager-name.js";
import { typeOf } from "./type-schema.js";
import { TypedValueError } from "./typed-value.js";

// Server-side apply of an autoscaling/v1 Scale on a workload's /scale, as
// kube-apiserver 1.28's scale REST storage does it with managedfields'
// ScaleHandler: the parent's managers of the replicas field are shown to
// the apply as owners of the Scale's spec.replicas (at autoscaling/v1), the
// Scale is applied (conflicts, force, ownership as any apply), and the
// Scale's managers are mapped back onto the parent's replicas path, at the
// parent's version and with subresource "scale" for the applier.

const SCALE_VERSION = "autoscaling/v1";
const REPLICAS_IN_SCALE: Path = [field("spec"), field("replicas")];

/** The field manager's view of the Scale: status is reset (never owned), as kube's scale strategy resets it. */
function scaleScope(): FieldManagerScope {
  return {
    apiVersion: SCALE_VERSION,
    kind: "Scale",
    subresource: "scale",
    ignored: new FieldSet([[field("status")]]),
    type: typeOf(SCALE_VERSION, "Scale"),
  };
}

function decoded(entries: unknown): Managed {
  try {
    return decodeManagedFields(entries);
  } catch {
    return new Map();
  }
}

/** ScaleHandler.ToSubresource: each parent manager of the replicas path, as an owner of the Scale's spec.replicas. */
function toSubresource(parent: Managed, replicasPath: Path): Managed {
  const out: Managed = new Map();
  for (const m of parent.values()) {
    if (!m.set.has(replicasPath)) continue;
    const converted = { ...m, apiVersion: SCALE_VERSION, set: new FieldSet([REPLICAS_IN_SCALE]) };
    out.set(managerId(converted), converted);
  }
  return out;
}

/**
 * ScaleHandler.ToParent: parent managers the apply took the replicas from
 * lose them; the Scale's owners of spec.replicas own the parent's replicas
 * path at the parent's version. Times are the parent entries' (a manager
 * new to the parent has none, as in kube).
 */
function toParent(parent: Managed, scale: Managed, replicasPath: Path, apiVersion: string): Managed {
  const out: Managed = new Map();
  const remaining = new Map(scale);
  for (const [id, m] of parent) {
    if (!m.set.has(replicasPath)) out.set(id, m);
    else if (remaining.has(id)) {
      out.set(id, m);
      remaining.delete(id);
    } else {
      const set = m.set.difference(new FieldSet([replicasPath]));
      if (!set.empty()) out.set(id, { ...m, set });
    }
  }
  for (const [id, m] of remaining) {
    if (!m.set.has(REPLICAS_IN_SCALE)) continue;
    const entry = { ...m, apiVersion, set: new FieldSet([replicasPath]), time: parent.get(id)?.time };
    if (entry.time === undefined) delete entry.time;
    const parentId = managerId(entry);
    // kube would list an updater still sharing the replicas twice; one entry holds both sets here.
    const existing = out.get(parentId);
    out.set(parentId, existing ? { ...existing, set: existing.set.union(entry.set) } : entry);
  }
  return out;
}

export interface ScaleApplyRequest {
  store: GenericStore;
  namespace: string | undefined;
  name: string;
  body: string;
  query: URLSearchParams;
  /** The parent as an autoscaling/v1 Scale. */
  toScale(obj: KubeObject): KubeObject;
  /** Writes a Scale's replicas into the stored parent (validating the Scale). */
  merge(scale: KubeObject): (stored: KubeObject) => KubeObject;
  /** Where the parent keeps its desired replicas: spec.replicas, or a custom resource's specReplicasPath. */
  replicasPath: string[];
  fields?: { validator: FieldValidator; target: FieldsTarget | undefined };
}

/** PATCH …/scale with application/apply-patch+yaml: answers the updated Scale (200). */
export async function serveScaleApply(a: ScaleApplyRequest): Promise<KubeObject> {
  const invalidOptions = validatePatchOptions(a.query, true);
  if (invalidOptions) throw invalidOptions;
  const config = parseApplyBody(a.body);
  const manager = a.query.get("fieldManager")!;
  const force = a.query.get("force") === "true" || a.query.get("force") === "1";
  const dryRun = a.query.getAll("dryRun").includes("All");
  const scope = scaleScope();
  const parentVersion = apiVersionOf(a.store.def);
  const replicasPath = a.replicasPath.map(field);
  const configMeta = (config.metadata ?? {}) as ObjectMeta;
  let checkedYaml = false;
  const updated = await a.store.write(
    a.namespace,
    a.name,
    { metadata: { name: configMeta.name ?? a.name, resourceVersion: configMeta.resourceVersion } },
    // Built on the stored parent, so a concurrent write makes storage run it again on the new one.
    (_request, stored) => {
      const parentMeta = (stored.metadata ?? {}) as ObjectMeta;
      const parentManaged = decoded(parentMeta.managedFields);
      const live = a.toScale(stored);
      live.metadata = {
        ...(live.metadata as ObjectMeta),
        managedFields: encodeManagedFields(toSubresource(parentManaged, replicasPath)),
      };
      let scale: KubeObject;
      try {
        scale = applyConfiguration(scope, live, config, manager, force).object;
      } catch (e) {
        if (e instanceof TypedValueError) throw badRequest(`failed to create typed patch object: ${e.message}`);
        throw e;
      }
      if (!checkedYaml) {
        a.fields?.validator.settleYaml(yamlDuplicateKeys(a.body));
        checkedYaml = true;
      }
      a.fields?.validator.dropUnknown(scale, a.fields.target);
      const scaleMeta = (scale.metadata ?? {}) as ObjectMeta;
      if ((scaleMeta.name ?? "") !== a.name) {
        throw badRequest(
          `the name of the object (${scaleMeta.name ?? ""}) does not match the name on the URL (${a.name})`,
        );
      }
      if (scaleMeta.uid && scaleMeta.uid !== parentMeta.uid) {
        throw conflict(
          { group: a.store.def.group, resource: `${a.store.def.resource}/scale` },
          a.name,
          `Precondition failed: UID in precondition: ${scaleMeta.uid}, UID in object meta: ${parentMeta.uid ?? ""}`,
        );
      }
      const next = a.merge(scale)(stored);
      const managed = toParent(parentManaged, decoded(scaleMeta.managedFields), replicasPath, parentVersion);
      const entries = encodeManagedFields(managed);
      const meta = { ...((next.metadata ?? {}) as ObjectMeta) };
      if (entries.length > 0) meta.managedFields = entries;
      else delete meta.managedFields;
      return { ...next, metadata: meta };
    },
    dryRun,
    true,
  );
  return a.toScale(updated);
}
