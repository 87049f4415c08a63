import {
  badRequest,
  type FieldError,
  invalid,
  invalidField,
  notSupportedField,
  type StatusError,
} from "@wharf/apimachinery";
import type { Crd } from "../../apiextensions/crd-validation.js";
import type { JSONSchemaProps } from "../../apiextensions/json-schema.js";
import type { KubeObject } from "../../registry/generic-store.js";
import { type ResourceDefinition, servedSubresource } from "../../registry/resource-definition.js";
import { builtinDefinitions } from "../apply/type-schema.js";
import { type Definitions, META, type Schema, subresourceGvk } from "../openapi/definitions.js";
import { checkTyped, dropUnknown } from "./builtin-fields.js";
import { prunedPaths } from "./custom-resource-fields.js";
import { type JsonNode, parseJsonDocument, shapeOfValue, TooDeepError } from "./json-document.js";
import { StrictErrors } from "./strict-errors.js";
import { checkDuplicates } from "./unstructured-fields.js";

// The fieldValidation query parameter of create, update and patch
// (kube-apiserver 1.28): Ignore, Warn (the default) or Strict, applied to
// the unknown and duplicate fields a strict decode of the request finds.
// Unknown fields of built-in kinds are dropped whatever the directive, as
// decoding into Go structs drops them; custom resources are pruned by
// their store.

export type Directive = "Ignore" | "Warn" | "Strict";

const DIRECTIVES = ["", "Ignore", "Strict", "Warn"];

/** kube's ValidateFieldValidation, for the Create/Update/PatchOptions checks. */
export function fieldValidationErrors(q: URLSearchParams): FieldError[] {
  const v = q.get("fieldValidation") ?? "";
  return DIRECTIVES.includes(v) ? [] : [notSupportedField("fieldValidation", v, DIRECTIVES)];
}

/** What a request's object is checked against: a built-in kind's definition or a custom resource's schema. */
export type FieldsTarget = { kind: string; version: string; defs: Definitions } & (
  | { t: "builtin"; schema: Schema }
  | { t: "custom"; schema?: JSONSchemaProps; preserveUnknownFields: boolean }
);

const OBJECT_META: Schema = { $ref: `#/definitions/${META}.ObjectMeta` };

/**
 * The target of writes to a resource or subresource; undefined for kinds
 * without a definition (nothing is checked).
 */
export function fieldsTargetOf(
  def: ResourceDefinition,
  subresource: string | undefined,
  crd: Crd | undefined,
): FieldsTarget | undefined {
  const defs = builtinDefinitions();
  if (crd && subresource !== "scale") {
    const v = crd.spec.versions?.find((x) => x.name === def.version);
    return {
      t: "custom",
      kind: def.kind,
      version: def.version,
      defs,
      schema: v?.schema?.openAPIV3Schema,
      preserveUnknownFields: crd.spec.preserveUnknownFields === true,
    };
  }
  const sub = subresource === undefined ? undefined : servedSubresource(def, subresource);
  // A custom resource's scale is autoscaling/v1's Scale.
  const gvk = crd
    ? { group: "autoscaling", version: "v1", kind: "Scale" }
    : sub
      ? subresourceGvk(def, sub)
      : { group: def.group, version: def.version, kind: def.kind };
  const name = defs.nameOf(gvk.group, gvk.version, gvk.kind);
  if (name === undefined) return undefined;
  return { t: "builtin", kind: gvk.kind, version: gvk.version, defs, schema: { $ref: `#/definitions/${name}` } };
}

/** Drops what decoding drops: built-in kinds' unknown fields, and unknown metadata fields of custom resources. */
function dropUnknownFields(value: unknown, target: FieldsTarget): void {
  if (target.t === "builtin") dropUnknown(target.defs, value, target.schema);
  else if (isObject(value) && value.metadata !== undefined) dropUnknown(target.defs, value.metadata, OBJECT_META);
}

/** Collects a decoded object's unknown fields, members in `doc`'s order (custom resources: sorted, after duplicates). */
function collectUnknownFields(doc: JsonNode, value: unknown, target: FieldsTarget, errs: StrictErrors): void {
  if (target.t === "builtin") {
    checkTyped(target.defs, doc, target.schema, errs);
    return;
  }
  if (isObject(value) && value.metadata !== undefined) {
    checkTyped(target.defs, shapeOfValue(value.metadata), OBJECT_META, errs, "metadata");
  }
  if (!target.preserveUnknownFields)
    for (const p of prunedPaths(value, target.schema)) errs.add(`unknown field "${p}"`);
}

const isObject = (v: unknown): v is KubeObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** The decoded request, the directive in force, and where its warnings go. */
export class FieldValidator {
  readonly directive: Directive;

  constructor(
    q: URLSearchParams,
    private readonly warn: (text: string) => void,
  ) {
    const v = q.get("fieldValidation");
    this.directive = v === "Ignore" || v === "Strict" ? v : "Warn";
  }

  /** Warn: one warning per error; Strict: the request fails with `strict(message)`; Ignore: nothing. */
  settle(errors: string[], strict: (message: string) => StatusError): void {
    if (errors.length === 0 || this.directive === "Ignore") return;
    if (this.directive === "Strict") throw strict(`strict decoding error: ${errors.join(", ")}`);
    for (const e of errors) this.warn(e);
  }

  /**
   * A create or update body (`text`, decoded as `value`): checked, and
   * returned without the unknown fields of built-in kinds. Strict errors
   * are kube's 400 `<Kind> in version "<v>" cannot be handled as a <Kind>`.
   * A YAML body comes with its repeated keys (`yamlDuplicates`, go-yaml's
   * lines): kube reports them first, then the unknown fields of the JSON it
   * converted the body to (keys sorted, repeated keys already resolved).
   */
  decodeObject(text: string, value: unknown, target: FieldsTarget | undefined, yamlDuplicates?: string[]): KubeObject {
    if (!target || !isObject(value)) return value as KubeObject;
    const obj = value;
    const kind = typeof obj.kind === "string" && obj.kind !== "" ? obj.kind : target.kind;
    const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
    const version = apiVersion === "" ? target.version : apiVersion.slice(apiVersion.lastIndexOf("/") + 1);
    const cannot = (message: string) =>
      badRequest(`${kind} in version "${version}" cannot be handled as a ${target.kind}: ${message}`);
    if (this.directive === "Ignore") {
      dropUnknownFields(obj, target);
      return obj;
    }
    const errs = new StrictErrors();
    if (yamlDuplicates && yamlDuplicates.length > 0) {
      // One strict error (Strict's message), split into its lines as warnings (kube's parseYAMLWarnings).
      if (this.directive === "Strict") {
        errs.add(`error converting YAML to JSON: yaml: unmarshal errors:\n  ${yamlDuplicates.join("\n  ")}`);
      } else for (const line of yamlDuplicates) errs.add(line);
    }
    let doc: JsonNode;
    try {
      doc = yamlDuplicates ? shapeOfValue(obj) : parseJsonDocument(text);
    } catch (e) {
      if (e instanceof TooDeepError) throw cannot(e.message);
      throw e;
    }
    if (target.t === "custom" && !yamlDuplicates) checkDuplicates(doc, errs);
    collectUnknownFields(doc, obj, target, errs);
    this.settle(errs.list, cannot);
    dropUnknownFields(obj, target);
    return obj;
  }

  /**
   * A patched object: the patch body's duplicate fields (`patchErrors`)
   * and the result's unknown fields; returned without those of built-in
   * kinds. Strict errors are kube's 422 on the patch.
   */
  checkPatched(
    patched: KubeObject,
    patchErrors: string[],
    target: FieldsTarget | undefined,
    shown: () => string,
  ): KubeObject {
    const errs = new StrictErrors();
    for (const e of patchErrors) errs.add(e);
    if (target && this.directive !== "Ignore") collectUnknownFields(shapeOfValue(patched), patched, target, errs);
    this.settle(errs.list, (message) =>
      invalid({ group: "", kind: "" }, "", [invalidField("patch", shown(), message)]),
    );
    if (target) dropUnknownFields(patched, target);
    return patched;
  }

  /** An apply body's duplicate keys (go-yaml's lines): Strict fails with kube's 400, Warn warns each. */
  settleYaml(lines: string[]): void {
    this.settle(lines, () =>
      badRequest(
        `error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  ${lines.join("\n  ")}`,
      ),
    );
  }

  /** Drops what decoding into `target` drops, without reporting it (apply: kube types the configuration). */
  dropUnknown(obj: KubeObject, target: FieldsTarget | undefined): void {
    if (target) dropUnknownFields(obj, target);
  }

  /** The duplicate fields of a patch body (for JSON patch, also the operations' unknown fields). */
  patchErrors(text: string, jsonPatch: boolean): string[] {
    if (this.directive === "Ignore") return [];
    let doc: JsonNode;
    try {
      doc = parseJsonDocument(text);
    } catch (e) {
      if (e instanceof TooDeepError) throw badRequest(`error decoding patch: ${e.message}`);
      throw e;
    }
    if (!jsonPatch) {
      const errs = new StrictErrors();
      checkDuplicates(doc, errs);
      return errs.list;
    }
    const errs = new StrictErrors("json patch ");
    if (doc.t !== "array") return [];
    doc.items.forEach((op, i) => {
      if (op.t !== "object") return;
      const seen = new Set<string>();
      for (const [key, value] of op.entries) {
        const p = `[${i}].${key}`;
        if (!JSON_PATCH_FIELDS.has(key)) {
          errs.unknown(p);
          continue;
        }
        if (seen.has(key)) errs.duplicate(p);
        seen.add(key);
        if (key === "value") checkDuplicates(value, errs, p);
      }
    });
    return errs.list;
  }
}

/** The members of kube's jsonPatchOp. */
const JSON_PATCH_FIELDS = new Set(["op", "path", "from", "value"]);
