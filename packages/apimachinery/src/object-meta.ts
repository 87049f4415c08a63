// The metadata a create fills in, as kube-apiserver's rest.BeforeCreate and
// FillObjectMetaSystemFieldsOnCreate do: a fresh uid, the creation timestamp,
// a name from generateName, and generation 1 for objects that have a spec.

import { randomInt, randomUUID } from "node:crypto";

/**
 * The alphabet of kube's utilrand.String: no vowels (no accidental words) and
 * no characters that are easily confused (0/o, 1/l, 3/e).
 */
export const RANDOM_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
/** How many random characters generateName appends. */
export const GENERATED_NAME_RANDOM_LENGTH = 5;
/** generateName is cut to this so the result stays a valid 63-character label. */
export const MAX_GENERATE_NAME_BASE_LENGTH = 63 - GENERATED_NAME_RANDOM_LENGTH;

export function randomString(n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += RANDOM_NAME_ALPHABET[randomInt(RANDOM_NAME_ALPHABET.length)];
  return out;
}

/** names.SimpleNameGenerator: the base cut to 58 characters plus 5 random ones. */
export function generateName(base: string): string {
  const cut = base.length > MAX_GENERATE_NAME_BASE_LENGTH ? base.slice(0, MAX_GENERATE_NAME_BASE_LENGTH) : base;
  return cut + randomString(GENERATED_NAME_RANDOM_LENGTH);
}

/** metav1.Time's wire form: RFC 3339 in UTC, whole seconds ("2026-01-02T15:04:05Z"). */
export function formatTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

export interface CreateMeta {
  name?: string;
  generateName?: string;
  uid?: string;
  creationTimestamp?: string;
  generation?: number;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  [k: string]: unknown;
}

/** What fillCreateMeta guarantees on its result. */
export interface FilledCreateMeta {
  uid: string;
  creationTimestamp: string;
  name?: string;
  generation?: number;
}

export interface FillCreateMetaOptions {
  /** The object has a spec, so its generation starts at 1 (kube's strategies set it for such types). */
  hasSpec?: boolean;
  /** The clock; now unless given (tests pin it). */
  now?: Date;
}

/**
 * Returns a copy of `meta` with the fields the server owns at create set:
 * uid, creationTimestamp, a generated name when only generateName was given,
 * generation 1 for objects with a spec. Deletion fields a client sent are
 * dropped, since an object cannot be created already being deleted.
 */
export function fillCreateMeta<T extends CreateMeta>(
  meta: T,
  options: FillCreateMetaOptions = {},
): T & FilledCreateMeta {
  const out = { ...meta } as T & FilledCreateMeta;
  delete out.deletionTimestamp;
  delete out.deletionGracePeriodSeconds;
  out.uid = randomUUID();
  out.creationTimestamp = formatTimestamp(options.now ?? new Date());
  if (!out.name && out.generateName) out.name = generateName(out.generateName);
  if (options.hasSpec) out.generation = 1;
  return out;
}
