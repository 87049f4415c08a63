// resourceVersion query values. Kube treats "" and "0" alike as "no
// particular version" and otherwise requires a decimal uint64 (strconv.ParseUint);
// a bad value is a 400 whose text embeds Go's parse error, which we reproduce.

import { goQuote } from "./go-quote.js";
import { badRequest, type StatusError } from "./status.js";

const UINT64_MAX = 18446744073709551615n;

/** The message of the 400 for an unparseable value, as etcd3's store words it. */
function invalidResourceVersion(value: string, reason: "invalid syntax" | "value out of range"): StatusError {
  const q = goQuote(value);
  return badRequest(
    `invalid resource version: resourceVersion: Invalid value: ${q}: strconv.ParseUint: parsing ${q}: ${reason}`,
  );
}

/**
 * Parses a resourceVersion query value: 0 for "" and "0", else the revision.
 * Throws a 400 BadRequest StatusError for anything ParseUint would reject.
 * Revisions above 2^53 cannot be held in a number; brain never reaches them,
 * so they are reported as out of range too.
 */
export function parseResourceVersion(value: string): number {
  if (value === "" || value === "0") return 0;
  if (!/^[0-9]+$/.test(value)) throw invalidResourceVersion(value, "invalid syntax");
  const n = BigInt(value);
  if (n > UINT64_MAX || n > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidResourceVersion(value, "value out of range");
  return Number(n);
}

/** Formats a revision as the resourceVersion string clients see. */
export function formatResourceVersion(rv: number | bigint): string {
  return String(rv);
}
