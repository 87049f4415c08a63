import { isDeepStrictEqual } from "node:util";
import {
  type FieldError,
  forbiddenField,
  goStringSlice,
  invalidField,
  invalidGoField,
  isDNS1035Label,
  isDNS1123Subdomain,
  notSupportedField,
  requiredField,
} from "@wharf/apimachinery";
import { hasUnprunedDefaults, validateDefaults } from "./default-validation.js";
import { isObj, type JSONSchemaProps } from "./json-schema.js";

// apiextensions.k8s.io/v1 CustomResourceDefinition defaulting and
// validation (the main rules of apiextensions-apiserver 1.28's
// ValidateCustomResourceDefinition, with its messages). Paths follow kube's
// internal version: a schema, subresources or printer columns that are the
// same in every version are reported under spec.validation,
// spec.subresources and spec.additionalPrinterColumns, else per version.

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: {
    status?: Record<string, never>;
    scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  };
  additionalPrinterColumns?: PrinterColumn[];
}

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface CrdNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

export interface CrdSpec {
  group: string;
  names: CrdNames;
  scope: string;
  versions: CrdVersion[];
  conversion?: { strategy: string; webhook?: unknown };
  preserveUnknownFields?: boolean;
}

export interface CrdCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface CrdStatus {
  conditions?: CrdCondition[] | null;
  acceptedNames?: Partial<CrdNames>;
  storedVersions?: string[];
}

export interface Crd {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    uid?: string;
    deletionTimestamp?: string;
    finalizers?: string[];
    [k: string]: unknown;
  };
  spec: CrdSpec;
  status?: CrdStatus;
}

/** v1's SetDefaults_CustomResourceDefinition: singular, listKind and the None conversion. */
export function defaultCrd(obj: Record<string, unknown>): void {
  if (!isObj(obj.spec)) return;
  const spec = obj.spec;
  if (isObj(spec.names)) {
    const names = spec.names;
    if (!names.singular && typeof names.kind === "string") names.singular = names.kind.toLowerCase();
    if (!names.listKind && typeof names.kind === "string" && names.kind !== "") names.listKind = `${names.kind}List`;
  }
  if (!isObj(spec.conversion)) spec.conversion = { strategy: "None" };
  if (Array.isArray(spec.versions)) {
    for (const v of spec.versions) {
      if (!isObj(v)) continue;
      if (v.served === undefined) v.served = false;
      if (v.storage === undefined) v.storage = false;
    }
  }
}

const TYPES = ["array", "boolean", "integer", "number", "object", "string"];
const COLUMN_TYPES = ["boolean", "date", "integer", "number", "string"];
const COLUMN_FORMATS = ["byte", "date", "date-time", "double", "float", "int32", "int64", "password"];

type Level = "root" | "item" | "field";

/**
 * The schema rules kube added after CRDs could already break them, so an update only applies them when the
 * stored CRD keeps them (kube's ratcheting `requireAtomicSetType`, `requireMapListKeysMapSetValidation` and
 * `requirePrunedDefaults`).
 */
interface SchemaRules {
  /** The items of a `set` list are scalars or atomic lists and maps. */
  atomicSetItems: boolean;
  /** The items of `set` and `map` lists are not nullable; a `map` list's keys are required or defaulted. */
  mapListKeys: boolean;
  /** Defaults hold no field pruning would drop. */
  prunedDefaults: boolean;
}

const ALL_RULES: SchemaRules = { atomicSetItems: true, mapListKeys: true, prunedDefaults: true };

/** A `set` list whose items are a list or map that merges granularly. */
function nonAtomicSetItems(s: JSONSchemaProps): boolean {
  const is = s.items;
  if (s["x-kubernetes-list-type"] !== "set" || !isObj(is)) return false;
  if (is.type === "array")
    return is["x-kubernetes-list-type"] !== undefined && is["x-kubernetes-list-type"] !== "atomic";
  return is.type === "object" && is["x-kubernetes-map-type"] !== "atomic";
}

/** validateMapListKeysMapSet: set and map items not nullable, a map list's keys required or defaulted. */
function mapListKeyErrors(s: JSONSchemaProps, path: string, out: FieldError[]): void {
  const type = s["x-kubernetes-list-type"];
  const is = s.items;
  if (!isObj(is) || (type !== "set" && type !== "map")) return;
  if (is.nullable)
    out.push(forbiddenField(`${path}.items.nullable`, `cannot be nullable when x-kubernetes-list-type is ${type}`));
  if (type !== "map") return;
  const required = new Set(is.required ?? []);
  for (const k of s["x-kubernetes-list-map-keys"] ?? []) {
    const p = is.properties?.[k];
    if (!p) continue;
    if (!required.has(k) && p.default === undefined) {
      out.push(
        requiredField(
          `${path}.items.properties[${k}].default`,
          "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property",
        ),
      );
    }
    if (p.nullable) {
      out.push(
        forbiddenField(
          `${path}.items.properties[${k}].nullable`,
          "this property is in x-kubernetes-list-map-keys, so it cannot be nullable",
        ),
      );
    }
  }
}

/** The x-kubernetes-map-type, -list-type and -list-map-keys rules of ValidateCustomResourceDefinitionOpenAPISchema. */
function validateListAndMapTypes(s: JSONSchemaProps, path: string, rules: SchemaRules, out: FieldError[]): void {
  const mapType = s["x-kubernetes-map-type"];
  if (mapType !== undefined && mapType !== "atomic" && mapType !== "granular") {
    out.push(notSupportedField(`${path}.x-kubernetes-map-type`, mapType, ["atomic", "granular"]));
  }
  const listType = s["x-kubernetes-list-type"];
  const keys = s["x-kubernetes-list-map-keys"] ?? [];
  if (listType !== undefined && s.type !== "array") {
    if (!s.type) out.push(requiredField(`${path}.type`, "must be array if x-kubernetes-list-type is specified"));
    else out.push(invalidField(`${path}.type`, s.type, "must be array if x-kubernetes-list-type is specified"));
  } else if (rules.atomicSetItems && nonAtomicSetItems(s)) {
    const which = s.items?.type === "array" ? "x-kubernetes-list-type" : "x-kubernetes-map-type";
    // kube prints the items' list type here (null for an object), whichever field it names.
    out.push(
      invalidField(
        `${path}.items.${which}`,
        s.items?.["x-kubernetes-list-type"] ?? null,
        "must be atomic as item of a list with x-kubernetes-list-type=set",
      ),
    );
  }
  if (listType !== undefined && listType !== "atomic" && listType !== "set" && listType !== "map") {
    out.push(notSupportedField(`${path}.x-kubernetes-list-type`, listType, ["atomic", "set", "map"]));
  }
  if (keys.length > 0) {
    if (listType === undefined) {
      out.push(
        requiredField(`${path}.x-kubernetes-list-type`, "must be map if x-kubernetes-list-map-keys is non-empty"),
      );
    } else if (listType !== "map") {
      out.push(
        invalidField(
          `${path}.x-kubernetes-list-type`,
          listType,
          "must be map if x-kubernetes-list-map-keys is non-empty",
        ),
      );
    }
  }
  if (listType === "map") {
    if (keys.length === 0) {
      out.push(
        requiredField(`${path}.x-kubernetes-list-map-keys`, "must not be empty if x-kubernetes-list-type is map"),
      );
    }
    const is = s.items;
    if (is === undefined)
      out.push(requiredField(`${path}.items`, "must have a schema if x-kubernetes-list-type is map"));
    else if (isObj(is) && is.type !== "object") {
      out.push(
        invalidField(
          `${path}.items.type`,
          is.type ?? "",
          "must be object if parent array's x-kubernetes-list-type is map",
        ),
      );
    } else if (isObj(is)) {
      const seen = new Set<string>();
      for (const k of keys) {
        const p = is.properties?.[k];
        if (!p) {
          out.push(
            invalidGoField(
              `${path}.x-kubernetes-list-map-keys`,
              goStringSlice(keys),
              "entries must all be names of item properties",
            ),
          );
        } else if (p.type === "array" || p.type === "object") {
          // kube prints the item's type, "object", as the bad value.
          out.push(
            invalidField(
              `${path}.items.properties[${k}].type`,
              is.type,
              "must be a scalar type if parent array's x-kubernetes-list-type is map",
            ),
          );
        }
        if (seen.has(k)) {
          out.push(
            invalidGoField(
              `${path}.x-kubernetes-list-map-keys`,
              goStringSlice(keys),
              "must not contain duplicate entries",
            ),
          );
        }
        seen.add(k);
      }
    }
  }
  if (rules.mapListKeys) mapListKeyErrors(s, path, out);
}

/** The structural-schema and OpenAPI rules on one schema node. */
function validateSchemaNode(
  s: JSONSchemaProps,
  level: Level,
  path: string,
  rules: SchemaRules,
  out: FieldError[],
): void {
  const intOrString = s["x-kubernetes-int-or-string"] === true;
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  const embedded = s["x-kubernetes-embedded-resource"] === true;
  if (s.type === "array" && s.items === undefined) out.push(requiredField(`${path}.items`, "must be specified"));
  if (s.items !== undefined) {
    if (Array.isArray(s.items))
      out.push(forbiddenField(`${path}.items`, "items must be a schema object and not an array"));
    else validateSchemaNode(s.items, "item", `${path}.items`, rules, out);
  }
  for (const k of Object.keys(s.properties ?? {}).sort()) {
    validateSchemaNode(s.properties![k]!, "field", `${path}.properties[${k}]`, rules, out);
  }
  if (isObj(s.additionalProperties)) {
    if (level === "root") out.push(forbiddenField(`${path}.additionalProperties`, "must not be used at the root"));
    validateSchemaNode(s.additionalProperties as JSONSchemaProps, "field", `${path}.additionalProperties`, rules, out);
  }
  if (intOrString && preserve) {
    out.push(
      invalidField(
        `${path}.x-kubernetes-preserve-unknown-fields`,
        true,
        "must be false if x-kubernetes-int-or-string is true",
      ),
    );
  }
  if (s.pattern !== undefined) {
    try {
      new RegExp(s.pattern, "u");
    } catch (e) {
      out.push(
        invalidField(
          `${path}.pattern`,
          s.pattern,
          `must be a valid regular expression, but isn't: ${(e as Error).message}`,
        ),
      );
    }
  }
  if (embedded && s.type !== "object") {
    if (!s.type) out.push(requiredField(`${path}.type`, "must be object if x-kubernetes-embedded-resource is true"));
    else out.push(invalidField(`${path}.type`, s.type, "must be object if x-kubernetes-embedded-resource is true"));
  } else if (!s.type && !intOrString && !preserve) {
    const where =
      level === "root" ? "at the root" : level === "item" ? "for specified array items" : "for specified object fields";
    out.push(requiredField(`${path}.type`, `must not be empty ${where}`));
  }
  if (level === "root" && s.type && s.type !== "object") {
    out.push(invalidField(`${path}.type`, s.type, "must be object at the root"));
  }
  const checkMetadata = level === "root" || embedded;
  for (const k of ["kind", "apiVersion"]) {
    const p = s.properties?.[k];
    if (p && checkMetadata && p.type !== "string") {
      out.push(invalidField(`${path}.properties[${k}].type`, p.type ?? "", "must be string"));
    }
  }
  const meta = s.properties?.metadata;
  if (meta) {
    if (checkMetadata && meta.type !== "object") {
      out.push(invalidField(`${path}.properties[metadata].type`, meta.type ?? "", "must be object"));
    }
    if (level === "root") {
      const { type: _t, properties, ...rest } = meta;
      const extraProps = Object.keys(properties ?? {}).filter((k) => k !== "name" && k !== "generateName");
      if (extraProps.length > 0 || Object.keys(rest).some((k) => k !== "default" && k !== "description")) {
        out.push(
          forbiddenField(
            `${path}.properties[metadata]`,
            "must not specify anything other than name and generateName, but metadata is implicitly specified",
          ),
        );
      }
    }
  }
  if (embedded && !preserve && Object.keys(s.properties ?? {}).length === 0) {
    out.push(
      requiredField(
        `${path}.properties`,
        "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields",
      ),
    );
  }
  // The OpenAPI rules (specStandardValidatorV3).
  if (s.type && !TYPES.includes(s.type)) out.push(notSupportedField(`${path}.type`, s.type, TYPES));
  if (s.$ref !== undefined) out.push(forbiddenField(`${path}.$ref`, "$ref is not supported"));
  if (s.additionalItems !== undefined)
    out.push(forbiddenField(`${path}.additionalItems`, "additionalItems is not supported"));
  if (s.uniqueItems === true) {
    out.push(
      forbiddenField(
        `${path}.uniqueItems`,
        "uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
      ),
    );
  }
  if (s.additionalProperties !== undefined && Object.keys(s.properties ?? {}).length > 0) {
    if (s.additionalProperties === false || isObj(s.additionalProperties)) {
      out.push(
        forbiddenField(`${path}.additionalProperties`, "additionalProperties and properties are mutual exclusive"),
      );
    }
  }
  if (s["x-kubernetes-preserve-unknown-fields"] === false) {
    out.push(invalidField(`${path}.x-kubernetes-preserve-unknown-fields`, false, "must be true or undefined"));
  }
  validateListAndMapTypes(s, path, rules, out);
}

/** Whether some node of a CRD's schemas satisfies `test`. */
function someSchemaNode(crd: Crd, test: (s: JSONSchemaProps) => boolean): boolean {
  const visit = (s: unknown): boolean => {
    if (!isObj(s)) return false;
    const n = s as JSONSchemaProps;
    if (test(n)) return true;
    return visit(n.items) || visit(n.additionalProperties) || Object.values(n.properties ?? {}).some(visit);
  };
  return (crd.spec?.versions ?? []).some((v) => visit(v?.schema?.openAPIV3Schema));
}

/** The rules an update must keep: those the stored CRD keeps (all of them on create). */
function rulesFor(old: Crd | undefined): SchemaRules {
  if (!old) return ALL_RULES;
  return {
    prunedDefaults: !(old.spec?.versions ?? []).some((v) => {
      const s = v?.schema?.openAPIV3Schema;
      return isObj(s) && hasUnprunedDefaults(s);
    }),
    atomicSetItems: !someSchemaNode(old, nonAtomicSetItems),
    mapListKeys: !someSchemaNode(old, (s) => {
      const errs: FieldError[] = [];
      mapListKeyErrors(s, "", errs);
      return errs.length > 0;
    }),
  };
}

function validateJsonPath(s: string, path: string, out: FieldError[]): boolean {
  if (s.length === 0) out.push(invalidField(path, s, "must not be empty"));
  else if (s[0] !== ".") out.push(invalidField(path, s, "must be a simple json path starting with ."));
  else return true;
  return false;
}

function validateSubresources(sub: CrdVersion["subresources"], path: string, out: FieldError[]): void {
  const scale = sub?.scale;
  if (!scale) return;
  const spec = `${path}.scale.specReplicasPath`;
  if (!scale.specReplicasPath) out.push(requiredField(spec));
  else if (validateJsonPath(scale.specReplicasPath, spec, out) && !scale.specReplicasPath.startsWith(".spec.")) {
    out.push(invalidField(spec, scale.specReplicasPath, "should be a json path under .spec"));
  }
  const status = `${path}.scale.statusReplicasPath`;
  if (!scale.statusReplicasPath) out.push(requiredField(status));
  else if (
    validateJsonPath(scale.statusReplicasPath, status, out) &&
    !scale.statusReplicasPath.startsWith(".status.")
  ) {
    out.push(invalidField(status, scale.statusReplicasPath, "should be a json path under .status"));
  }
  const sel = scale.labelSelectorPath;
  const selPath = `${path}.scale.labelSelectorPath`;
  if (sel && validateJsonPath(sel, selPath, out) && !sel.startsWith(".spec.") && !sel.startsWith(".status.")) {
    out.push(invalidField(selPath, sel, "should be a json path under either .spec or .status"));
  }
}

function validateColumn(c: PrinterColumn, path: string, out: FieldError[]): void {
  if (!c.name) out.push(requiredField(`${path}.name`));
  const types = `must be one of ${COLUMN_TYPES.join(",")}`;
  if (!c.type) out.push(requiredField(`${path}.type`, types));
  else if (!COLUMN_TYPES.includes(c.type)) out.push(invalidField(`${path}.type`, c.type, types));
  if (c.format && !COLUMN_FORMATS.includes(c.format)) {
    out.push(invalidField(`${path}.format`, c.format, `must be one of ${COLUMN_FORMATS.join(",")}`));
  }
  if (!c.jsonPath) out.push(requiredField(`${path}.JSONPath`));
  else validateJsonPath(c.jsonPath, `${path}.JSONPath`, out);
}

function validateNames(names: Partial<CrdNames>, path: string, out: FieldError[]): void {
  const label = (field: string, v: string | undefined, mixedCase = false) => {
    if (!v) return;
    const errs = isDNS1035Label(mixedCase ? v.toLowerCase() : v);
    if (errs.length > 0) {
      const msg = mixedCase ? `may have mixed case, but should otherwise match: ${errs.join(",")}` : errs.join(",");
      out.push(invalidField(`${path}.${field}`, v, msg));
    }
  };
  label("plural", names.plural);
  label("singular", names.singular);
  label("kind", names.kind, true);
  label("listKind", names.listKind, true);
  (names.shortNames ?? []).forEach((s, i) => {
    const errs = isDNS1035Label(s);
    if (errs.length > 0) out.push(invalidField(`${path}.shortNames[${i}]`, s, errs.join(",")));
  });
  if (names.kind && names.kind === names.listKind) {
    out.push(invalidField(`${path}.listKind`, names.listKind, "kind and listKind may not be the same"));
  }
  (names.categories ?? []).forEach((s, i) => {
    const errs = isDNS1035Label(s);
    if (errs.length > 0) out.push(invalidField(`${path}.categories[${i}]`, s, errs.join(",")));
  });
}

/** Whether every version has the same value (kube's internal version then keeps one top-level copy). */
function identical<T>(versions: CrdVersion[], pick: (v: CrdVersion) => T): boolean {
  return versions.length > 0 && versions.every((v) => isDeepStrictEqual(pick(v), pick(versions[0]!)));
}

function hasDefaults(s: JSONSchemaProps | undefined): boolean {
  if (!s || !isObj(s)) return false;
  if (s.default !== undefined) return true;
  const kids = [
    s.items,
    isObj(s.additionalProperties) ? (s.additionalProperties as JSONSchemaProps) : undefined,
    s.not,
    ...Object.values(s.properties ?? {}),
    ...(s.allOf ?? []),
    ...(s.anyOf ?? []),
    ...(s.oneOf ?? []),
  ];
  return kids.some((k) => hasDefaults(k));
}

/** ValidateCustomResourceDefinition's spec, status and storedVersions rules; `old` is the stored CRD on update. */
export function validateCrd(crd: Crd, old?: Crd): FieldError[] {
  const out: FieldError[] = [];
  const rules = rulesFor(old);
  const spec = (isObj(crd.spec) ? crd.spec : {}) as CrdSpec;
  const names = (isObj(spec.names) ? spec.names : {}) as CrdNames;
  const versions = (Array.isArray(spec.versions) ? spec.versions : []).map((v) => (isObj(v) ? v : {})) as CrdVersion[];
  const name = crd.metadata?.name ?? "";
  if (name !== "" && name !== `${names.plural}.${spec.group}`) {
    out.push(invalidField("metadata.name", name, 'must be spec.names.plural+"."+spec.group'));
  }
  if (!spec.group) out.push(requiredField("spec.group"));
  else {
    const errs = isDNS1123Subdomain(spec.group);
    if (errs.length > 0) out.push(invalidField("spec.group", spec.group, errs.join(",")));
    else if (spec.group.split(".").length < 2) {
      out.push(invalidField("spec.group", spec.group, "should be a domain with at least one dot"));
    }
  }
  if (!spec.scope) out.push(requiredField("spec.scope"));
  else if (spec.scope !== "Cluster" && spec.scope !== "Namespaced") {
    out.push(notSupportedField("spec.scope", spec.scope, ["Cluster", "Namespaced"]));
  }
  const schemaShared = identical(versions, (v) => v.schema);
  const subresourcesShared = identical(versions, (v) => v.subresources);
  const columnsShared = identical(versions, (v) => v.additionalPrinterColumns ?? []);
  if (!schemaShared || versions[0]?.schema?.openAPIV3Schema === undefined) {
    versions.forEach((v, i) => {
      if (!v.schema?.openAPIV3Schema) {
        out.push(requiredField(`spec.versions[${i}].schema.openAPIV3Schema`, "schemas are required"));
      }
    });
  }
  const anyDefaults = versions.some((v) => hasDefaults(v.schema?.openAPIV3Schema));
  if (anyDefaults && spec.preserveUnknownFields === true) {
    out.push(invalidField("spec.preserveUnknownFields", true, "must be false in order to use defaults in the schema"));
  }
  let storage = 0;
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const base = `spec.versions[${i}]`;
    if (v.storage) storage++;
    if (seen.has(v.name)) unique = false;
    seen.add(v.name);
    const errs = isDNS1035Label(v.name ?? "");
    if (errs.length > 0) out.push(invalidField(`${base}.name`, v.name ?? "", errs.join(",")));
    if (v.deprecationWarning !== undefined && !v.deprecated) {
      out.push(
        invalidField(`${base}.deprecationWarning`, v.deprecationWarning, "can only be set for deprecated versions"),
      );
    }
    if (!schemaShared) validateSchema(v, `${base}.schema`, rules, out);
    if (!subresourcesShared) validateSubresources(v.subresources, `${base}.subresources`, out);
    if (!columnsShared) {
      (v.additionalPrinterColumns ?? []).forEach((c, j) => {
        validateColumn(c, `${base}.additionalPrinterColumns[${j}]`, out);
      });
    }
  });
  if (!unique) out.push(invalidField("spec.versions", versions, "must contain unique version names"));
  if (storage !== 1) {
    out.push(invalidField("spec.versions", versions, "must have exactly one version marked as storage version"));
  }
  if (!names.plural) out.push(requiredField("spec.names.plural"));
  if (!names.singular) out.push(requiredField("spec.names.singular"));
  if (!names.kind) out.push(requiredField("spec.names.kind"));
  if (!names.listKind) out.push(requiredField("spec.names.listKind"));
  validateNames(names, "spec.names", out);
  if (schemaShared && versions[0]) validateSchema(versions[0], "spec.validation", rules, out);
  if (subresourcesShared && versions[0]) validateSubresources(versions[0].subresources, "spec.subresources", out);
  if (columnsShared && versions[0]) {
    (versions[0].additionalPrinterColumns ?? []).forEach((c, j) => {
      validateColumn(c, `spec.additionalPrinterColumns[${j}]`, out);
    });
  }
  const strategy = spec.conversion?.strategy;
  if (spec.conversion && strategy !== "None" && strategy !== "Webhook") {
    if (!strategy) out.push(requiredField("spec.conversion.strategy"));
    else out.push(notSupportedField("spec.conversion.strategy", strategy, ["None", "Webhook"]));
  }
  if (strategy === "Webhook" && !isObj(spec.conversion?.webhook)) {
    out.push(requiredField("spec.conversion.webhookClientConfig", "required when strategy is set to Webhook"));
  }
  validateNames(crd.status?.acceptedNames ?? {}, "status.acceptedNames", out);
  out.push(...validateStoredVersions(crd.status?.storedVersions ?? [], versions));
  return out;
}

function validateSchema(v: CrdVersion, path: string, rules: SchemaRules, out: FieldError[]): void {
  const s = v.schema?.openAPIV3Schema;
  if (!isObj(s)) return;
  const base = `${path}.openAPIV3Schema`;
  if (v.subresources?.status && s.type !== undefined && s.type !== "object") {
    out.push(
      invalidField(
        `${base}.type`,
        s.type,
        'only "object" is allowed as the type at the root of the schema if the status subresource is enabled',
      ),
    );
  }
  if (s.nullable) out.push(forbiddenField(`${base}.nullable`, "nullable cannot be true at the root"));
  const before = out.length;
  validateSchemaNode(s, "root", base, rules, out);
  // Defaults are checked against a schema that is itself sound (kube: once the structural rules hold).
  if (out.length === before) out.push(...validateDefaults(s, base, rules.prunedDefaults));
}

function validateStoredVersions(stored: string[], versions: CrdVersion[]): FieldError[] {
  const path = "status.storedVersions";
  if (stored.length === 0) return [invalidField(path, stored, "must have at least one stored version")];
  const out: FieldError[] = [];
  const remaining = new Map(stored.map((v, i) => [v, i]));
  for (const v of versions) {
    if (v.storage && !remaining.has(v.name))
      out.push(invalidField(path, stored, `must have the storage version ${v.name}`));
    remaining.delete(v.name);
  }
  for (const [v, i] of remaining) out.push(invalidField(`${path}[${i}]`, v, "must appear in spec.versions"));
  return out;
}

/** ValidateCustomResourceDefinitionUpdate's immutability rules, beside validateCrd. */
export function validateCrdUpdate(crd: Crd, old: Crd): FieldError[] {
  const out: FieldError[] = [];
  const established = (old.status?.conditions ?? []).some((c) => c.type === "Established" && c.status === "True");
  const immutable = (path: string, a: unknown, b: unknown) => {
    if (!isDeepStrictEqual(a, b)) out.push(invalidField(path, a ?? "", "field is immutable"));
  };
  if (established) {
    immutable("spec.scope", crd.spec?.scope, old.spec?.scope);
    immutable("spec.names.kind", crd.spec?.names?.kind, old.spec?.names?.kind);
  }
  immutable("spec.group", crd.spec?.group, old.spec?.group);
  immutable("spec.names.plural", crd.spec?.names?.plural, old.spec?.names?.plural);
  return out;
}
