import { isDeepStrictEqual } from "node:util";
import { formatTimestamp } from "@wharf/apimachinery";
import type { Crd, CrdCondition, CrdNames, CrdStatus } from "./crd-validation.js";

// What apiextensions-apiserver's naming and establishing controllers decide
// for a CRD's status: the accepted names (a name another CRD of the group
// already holds is refused, NamesAccepted False with the conflict's
// reason), and Established once the names are accepted. Pure: the
// registry writes the result through /status.

export function conditionOf(crd: Crd, type: string): CrdCondition | undefined {
  return (crd.status?.conditions ?? []).find((c) => c.type === type);
}

export function isConditionTrue(crd: Crd, type: string): boolean {
  return conditionOf(crd, type)?.status === "True";
}

/** SetCRDCondition: replaces the condition of that type, keeping its transition time while the status stays. */
export function setCondition(conditions: CrdCondition[], c: CrdCondition, now = new Date()): CrdCondition[] {
  const i = conditions.findIndex((x) => x.type === c.type);
  const ts = formatTimestamp(now);
  if (i < 0) return [...conditions, { ...c, lastTransitionTime: ts }];
  const old = conditions[i]!;
  const next = { ...c, lastTransitionTime: old.status === c.status ? old.lastTransitionTime : ts };
  return conditions.map((x, j) => (j === i ? next : x));
}

const inUse = (requested: string | undefined, accepted: string | undefined, used: Set<string>) =>
  requested !== accepted && requested !== undefined && used.has(requested)
    ? `"${requested}" is already in use`
    : undefined;

/**
 * The status the naming and establishing controllers would write for `crd`
 * given the other CRDs of its group, or undefined when it is already so.
 */
export function desiredStatus(crd: Crd, others: Crd[], now = new Date()): CrdStatus | undefined {
  const status: CrdStatus = crd.status ?? {};
  const requested = crd.spec.names;
  const accepted = (status.acceptedNames ?? {}) as Partial<CrdNames>;
  if (isDeepStrictEqual(normalizeNames(requested), normalizeNames(accepted)) && isConditionTrue(crd, "Established")) {
    return undefined;
  }
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const o of others) {
    if (o.spec.group !== crd.spec.group || o.metadata.name === crd.metadata.name) continue;
    const a = o.status?.acceptedNames ?? {};
    for (const n of [a.plural, a.singular, ...(a.shortNames ?? [])]) if (n) resources.add(n);
    for (const n of [a.kind, a.listKind]) if (n) kinds.add(n);
  }
  const names: Partial<CrdNames> = { ...accepted };
  let failure: { reason: string; message: string } | undefined;
  const check = (reason: string, err: string | undefined, accept: () => void) => {
    if (err) failure = { reason, message: err };
    else accept();
  };
  check("PluralConflict", inUse(requested.plural, accepted.plural, resources), () => {
    names.plural = requested.plural;
  });
  check("SingularConflict", inUse(requested.singular, accepted.singular, resources), () => {
    names.singular = requested.singular;
  });
  if (!isDeepStrictEqual(requested.shortNames ?? [], accepted.shortNames ?? [])) {
    const existing = new Set(accepted.shortNames ?? []);
    const errs = (requested.shortNames ?? [])
      .filter((s) => !existing.has(s))
      .map((s) => inUse(s, "", resources))
      .filter((e): e is string => e !== undefined);
    check(
      "ShortNamesConflict",
      errs.length === 0 ? undefined : errs.length === 1 ? errs[0] : `[${errs.join(", ")}]`,
      () => {
        names.shortNames = requested.shortNames;
      },
    );
  }
  check("KindConflict", inUse(requested.kind, accepted.kind, kinds), () => {
    names.kind = requested.kind;
  });
  check("ListKindConflict", inUse(requested.listKind, accepted.listKind, kinds), () => {
    names.listKind = requested.listKind;
  });
  names.categories = requested.categories;
  const namesAccepted: CrdCondition = failure
    ? { type: "NamesAccepted", status: "False", ...failure }
    : { type: "NamesAccepted", status: "True", reason: "NoConflicts", message: "no conflicts found" };
  let established: CrdCondition = conditionOf(crd, "Established") ?? {
    type: "Established",
    status: "False",
    reason: "NotAccepted",
    message: "not all names are accepted",
  };
  // The naming controller marks it Installing; the establishing controller then Established (done here at once).
  if (established.status !== "True" && namesAccepted.status === "True") {
    established = {
      type: "Established",
      status: "True",
      reason: "InitialNamesAccepted",
      message: "the initial names have been accepted",
    };
  }
  let conditions = status.conditions ?? [];
  conditions = setCondition(conditions, namesAccepted, now);
  conditions = setCondition(conditions, established, now);
  const next: CrdStatus = { ...status, acceptedNames: stripEmpty(names), conditions };
  const same =
    isDeepStrictEqual(next.acceptedNames, status.acceptedNames) &&
    isDeepStrictEqual(
      conditions.map(({ lastTransitionTime: _t, ...c }) => c),
      (status.conditions ?? []).map(({ lastTransitionTime: _t, ...c }) => c),
    );
  return same ? undefined : next;
}

function normalizeNames(n: Partial<CrdNames>): Partial<CrdNames> {
  return stripEmpty({ ...n, shortNames: n.shortNames ?? [], categories: n.categories ?? [] });
}

function stripEmpty(n: Partial<CrdNames>): Partial<CrdNames> {
  const out: Partial<CrdNames> = {};
  for (const [k, v] of Object.entries(n)) {
    if (v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  if (out.plural === undefined) out.plural = "";
  if (out.kind === undefined) out.kind = "";
  return out;
}
