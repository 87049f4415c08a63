import { isDeepStrictEqual } from "node:util";
import { CUSTOM_RESOURCE_PATCH_TYPES } from "../endpoints/patch.js";
import type { ResourceDefinition, SubresourceDefinition } from "../registry/resource-definition.js";
import { scale as scaleSubresource, status as statusSubresource } from "../registry/resources/define.js";
import type { KubeObject, ObjectMeta } from "../registry/strategy.js";
import { customResourcePrinter } from "./crd-printer.js";
import { customResourceScale } from "./crd-scale.js";
import type { Crd, CrdNames, CrdVersion } from "./crd-validation.js";
import {
  assertValid,
  type CustomResourceSchema,
  customResourceStrategy,
  normalizeCustomResource,
} from "./custom-resource-strategy.js";

// The ResourceDefinitions a CRD adds to the registry: one per served
// version, all kept under /registry/<group>/<plural>/ in the storage
// version's shape. Conversion is `None`: only apiVersion is rewritten,
// and every read prunes and defaults with the served version's schema.

/** The verbs of a custom resource, in the order apiextensions-apiserver lists them. */
export const CUSTOM_RESOURCE_VERBS = [
  "delete",
  "deletecollection",
  "get",
  "list",
  "patch",
  "create",
  "update",
  "watch",
];

/** The names a CRD is served under: the accepted ones once the naming controller set them. */
export function servedNames(crd: Crd): CrdNames {
  const a = crd.status?.acceptedNames;
  const s = crd.spec.names;
  if (a?.plural && a.kind) {
    return {
      plural: a.plural,
      singular: a.singular ?? "",
      kind: a.kind,
      listKind: a.listKind ?? `${a.kind}List`,
      shortNames: a.shortNames ?? [],
      categories: a.categories ?? [],
    };
  }
  return { ...s, shortNames: s.shortNames ?? [], categories: s.categories ?? [] };
}

function versionDefinition(crd: Crd, v: CrdVersion, storageVersion: string): ResourceDefinition {
  const { group } = crd.spec;
  const names = servedNames(crd);
  const hasStatus = v.subresources?.status !== undefined && v.subresources?.status !== null;
  const scale = v.subresources?.scale;
  const schema: CustomResourceSchema = {
    schema: v.schema?.openAPIV3Schema,
    preserveUnknownFields: crd.spec.preserveUnknownFields === true,
  };
  const subresources: SubresourceDefinition[] = [];
  if (hasStatus) subresources.push(statusSubresource);
  if (scale) subresources.push(scaleSubresource);
  const apiVersion = `${group}/${v.name}`;
  const kind = names.kind;
  return {
    group,
    version: v.name,
    kind,
    listKind: names.listKind ?? `${kind}List`,
    resource: names.plural,
    singular: names.singular ?? kind.toLowerCase(),
    namespaced: crd.spec.scope === "Namespaced",
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    verbs: CUSTOM_RESOURCE_VERBS,
    storagePath: `${group}/${crd.spec.names.plural}`,
    subresources,
    generation: true,
    resetStatusOnCreate: false,
    // Create cannot set status when the status subresource is on.
    prepareForCreate: (o) => {
      if (!hasStatus) return o;
      const { status: _s, ...rest } = o;
      return rest as KubeObject;
    },
    // Without a status subresource, status counts as spec for metadata.generation.
    prepareForUpdate: (next, old) => {
      if (hasStatus || isDeepStrictEqual(next.status, old.status)) return;
      (next.metadata as ObjectMeta).generation = ((old.metadata as ObjectMeta).generation ?? 0) + 1;
    },
    // /status takes only status: metadata stays as stored; the result is validated like any write.
    prepareForStatusUpdate: (next, old) => {
      next.metadata = structuredClone(old.metadata);
      const check = structuredClone(next);
      normalizeCustomResource(check, schema);
      assertValid(check, old, schema, v, group, kind);
    },
    strategy: customResourceStrategy(schema, v),
    conversion: {
      storageApiVersion: `${group}/${storageVersion}`,
      toStorage: (o) => o,
      fromStorage: (stored) => {
        const o = structuredClone(stored);
        o.apiVersion = apiVersion;
        normalizeCustomResource(o, schema);
        return o;
      },
    },
    printer: customResourcePrinter(v.additionalPrinterColumns),
    patchTypes: CUSTOM_RESOURCE_PATCH_TYPES,
    scaleAdapter: scale ? customResourceScale(scale) : undefined,
  };
}

/** The served versions of a CRD as resource definitions (none when it has no storage version). */
export function customResourceDefinitionsOf(crd: Crd): ResourceDefinition[] {
  const versions = crd.spec.versions ?? [];
  const storage = versions.find((v) => v.storage)?.name;
  if (!storage) return [];
  return versions.filter((v) => v.served).map((v) => versionDefinition(crd, v, storage));
}
