import { badRequest, StatusError } from "@wharf/apimachinery";
import type { GenericStore, KubeObject, ManagedFieldsTracker, ObjectMeta } from "../../registry/generic-store.js";
import type { ResourceDefinition } from "../../registry/resource-definition.js";
import type { FieldsTarget, FieldValidator } from "../field-validation/field-validation.js";
import { yamlDuplicateKeys } from "../field-validation/yaml-duplicates.js";
import { YamlSyntaxError, yamlToJson } from "../request-body.js";
import { applyConfiguration, recordUpdate, scopeFor } from "./field-manager.js";
import { managerOrUserAgent, validatePatchOptions, validateWriteOptions } from "./manager-name.js";
import { TypedValueError } from "./typed-value.js";

// The HTTP side of server-side apply (PATCH with
// application/apply-patch+yaml) and of recording ownership on every other
// write: parsing the YAML body, PatchOptions, create-on-apply, retrying when
// the object moved underneath.

export const APPLY_PATCH = "application/apply-patch+yaml";

export const isApplyPatch = (contentType: string | undefined): boolean =>
  String(contentType ?? "").startsWith(APPLY_PATCH);

/** An apply body: YAML 1.1 (as sigs.k8s.io/yaml reads it), of which JSON is a part. */
export function parseApplyBody(text: string): KubeObject {
  let v: unknown;
  try {
    v = yamlToJson(text);
  } catch (e) {
    if (e instanceof YamlSyntaxError) throw badRequest(`error decoding YAML: ${e.message}`);
    throw e;
  }
  if (v === null || v === undefined) return {};
  if (typeof v !== "object" || Array.isArray(v)) {
    throw badRequest(
      `error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(v) ? "array" : typeof v === "string" ? "string" : typeof v === "number" ? "number" : "bool"} into Go value of type map[string]interface {}`,
    );
  }
  return v as KubeObject;
}

/** The field manager of a non-apply write by this request. */
export function updateTracker(
  def: ResourceDefinition,
  subresource: string | undefined,
  query: URLSearchParams,
  userAgent: string | string[] | undefined,
): ManagedFieldsTracker {
  const scope = scopeFor(def, subresource);
  const manager = managerOrUserAgent(query.get("fieldManager"), Array.isArray(userAgent) ? userAgent[0] : userAgent);
  return (obj, old) => recordUpdate(scope, old, obj, manager);
}

export interface ApplyRequest {
  store: GenericStore;
  namespace: string | undefined;
  name: string;
  /** "status" for /status; undefined for the resource itself. */
  subresource?: string;
  body: string;
  query: URLSearchParams;
  /** Admits a create into the namespace (namespace lifecycle); called before an apply creates. */
  admitCreate?: () => Promise<void>;
  /** The request's fieldValidation and what the object's fields are checked against. */
  fields?: { validator: FieldValidator; target: FieldsTarget | undefined };
}

const isTrue = (v: string | null) => v === "true" || v === "1";

/**
 * A server-side apply: merges the configuration into the live object (or a
 * new one) and writes it, created (201) or updated (200). A write that loses
 * a race with another writer is applied again to the new live object, as
 * kube's patch handler retries, unless the configuration named a
 * resourceVersion.
 */
export async function serveApply(a: ApplyRequest): Promise<{ code: number; body: KubeObject }> {
  const invalidOptions = validatePatchOptions(a.query, true);
  if (invalidOptions) throw invalidOptions;
  const config = parseApplyBody(a.body);
  const manager = a.query.get("fieldManager")!;
  const force = isTrue(a.query.get("force"));
  const dryRun = a.query.getAll("dryRun").includes("All");
  const scope = scopeFor(a.store.def, a.subresource);
  const pinned = (config.metadata as ObjectMeta | undefined)?.resourceVersion !== undefined;
  for (let attempt = 0; ; attempt++) {
    let live: KubeObject | undefined;
    try {
      live = await a.store.get(a.namespace, a.name);
    } catch (e) {
      if (!(e instanceof StatusError && e.status.code === 404) || a.subresource !== undefined) throw e;
    }
    let object: KubeObject;
    try {
      object = applyConfiguration(scope, live, config, manager, force).object;
    } catch (e) {
      if (e instanceof TypedValueError) {
        throw badRequest(`failed to create typed patch object: ${e.message}`);
      }
      throw e;
    }
    // kube checks the body's duplicate keys once the configuration has applied.
    if (attempt === 0) a.fields?.validator.settleYaml(yamlDuplicateKeys(a.body));
    a.fields?.validator.dropUnknown(object, a.fields.target);
    const meta = (object.metadata ?? {}) as ObjectMeta;
    if ((meta.name ?? "") !== a.name) {
      throw badRequest(`the name of the object (${meta.name ?? ""}) does not match the name on the URL (${a.name})`);
    }
    try {
      if (!live) {
        await a.admitCreate?.();
        return { code: 201, body: await a.store.create(a.namespace, object, dryRun) };
      }
      if (!pinned) meta.resourceVersion = (live.metadata as ObjectMeta).resourceVersion;
      object.metadata = meta;
      const body =
        a.subresource === "status"
          ? await a.store.write(a.namespace, a.name, object, "status", dryRun)
          : await a.store.update(a.namespace, a.name, object, dryRun);
      return { code: 200, body };
    } catch (e) {
      const raced = e instanceof StatusError && (e.status.reason === "Conflict" || e.status.reason === "AlreadyExists");
      if (!raced || pinned || attempt >= 4) throw e;
    }
  }
}

/** kube's CreateOptions, UpdateOptions and (non-apply) PatchOptions checks: 422 before anything is read. */
export function checkWriteOptions(query: URLSearchParams, verb: "create" | "update" | "patch"): void {
  const err =
    verb === "patch"
      ? validatePatchOptions(query, false)
      : validateWriteOptions(query, verb === "create" ? "CreateOptions" : "UpdateOptions");
  if (err) throw err;
}
