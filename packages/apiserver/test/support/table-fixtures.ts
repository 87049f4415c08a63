import { toTable } from "../../src/endpoints/table.js";
import type { KubeObject } from "../../src/registry/generic-store.js";
import type { ResourceDefinition } from "../../src/registry/resource-definition.js";

// Shared by the Table tests: a fixed "now", timestamps relative to it, and
// the smallest resource definition a printer needs.

/** The moment ages are counted to in the table tests. */
export const NOW = Date.parse("2024-05-01T12:00:00Z");
export const S = 1000;
export const M = 60 * S;
export const H = 60 * M;
export const D = 24 * H;

/** An RFC 3339 timestamp `ms` milliseconds before NOW, at second precision as kube writes them. */
export function ago(ms: number): string {
  return new Date(NOW - ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function kindDef(group: string, version: string, kind: string): ResourceDefinition {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    resource: `${kind.toLowerCase()}s`,
    singular: kind.toLowerCase(),
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: [],
    storagePath: `${kind.toLowerCase()}s`,
  };
}

export interface Row {
  cells: unknown[];
  conditions?: unknown[];
  object: unknown;
}

export interface Table {
  kind: string;
  apiVersion: string;
  metadata: Record<string, unknown>;
  columnDefinitions: { name: string; type: string; format: string; description: string; priority: number }[];
  rows: Row[];
}

/** The Table of a list of `items` of one kind, printed at NOW. */
export function renderTable(group: string, version: string, kind: string, items: KubeObject[]): Table {
  return toTable(kindDef(group, version, kind), { items, metadata: {} }, { now: NOW }) as unknown as Table;
}

/** An object with a name and a creation time 5 minutes before NOW (AGE "5m"). */
export function obj(name: string, rest: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name, namespace: "default", creationTimestamp: ago(5 * M), ...meta }, ...rest };
}
