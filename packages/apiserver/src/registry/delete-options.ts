import {
  badRequest,
  type FieldError,
  FieldError as FieldErrorClass,
  FieldErrorType,
  goQuote,
  invalid,
  plainError,
  type StatusError,
} from "@wharf/apimachinery";

// metav1.DeleteOptions as kube-apiserver 1.28 reads it: from a JSON body
// (any apiVersion, kind DeleteOptions) or, without a body, from the query;
// then ValidateDeleteOptions. The texts are kube's.

export type PropagationPolicy = "Orphan" | "Background" | "Foreground";

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: Preconditions;
  /** Deprecated; kept, as kube does, over propagationPolicy's default. */
  orphanDependents?: boolean;
  propagationPolicy?: string;
  dryRun?: string[];
}

export const isDryRun = (o: DeleteOptions): boolean => (o.dryRun?.length ?? 0) > 0;

/** Go's strconv.ParseInt(s, 10, 64) error text, or the value. */
function parseInt64(s: string): number | string {
  if (!/^[+-]?\d+$/.test(s)) return `strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax`;
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) {
    return `strconv.ParseInt: parsing ${goQuote(s)}: value out of range`;
  }
  return Number(n);
}

/** The options a body-less DELETE carries in its query (kube's url.Values conversion; no preconditions there). */
export function deleteOptionsFromQuery(q: URLSearchParams): DeleteOptions {
  const o: DeleteOptions = {};
  const first = (k: string) => (q.has(k) ? q.getAll(k)[0]! : undefined);
  const grace = first("gracePeriodSeconds");
  if (grace !== undefined) {
    const n = parseInt64(grace);
    if (typeof n === "string") throw badRequest(n);
    o.gracePeriodSeconds = n;
  }
  const orphan = first("orphanDependents");
  if (orphan !== undefined) o.orphanDependents = !(orphan === "0" || orphan.toLowerCase() === "false");
  const policy = first("propagationPolicy");
  if (policy !== undefined) o.propagationPolicy = policy;
  if (q.has("dryRun")) o.dryRun = q.getAll("dryRun");
  return o;
}

/** The Go type kube names when a JSON field has the wrong type. */
const FIELD_TYPES: Record<string, string> = {
  gracePeriodSeconds: "int64",
  orphanDependents: "bool",
  propagationPolicy: "v1.DeletionPropagation",
  dryRun: "[]string",
  preconditions: "v1.Preconditions",
};

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") return "object";
  return typeof v === "boolean" ? "bool" : typeof v;
}

function typeError(field: string, v: unknown, goType = FIELD_TYPES[field]!): StatusError {
  const what = typeof v === "number" ? `number ${v}` : jsonType(v);
  const struct = field.startsWith("preconditions.") ? "Preconditions" : "DeleteOptions";
  return plainError(`json: cannot unmarshal ${what} into Go struct field ${struct}.${field} of type ${goType}`);
}

/**
 * DeleteOptions from a request body: kind DeleteOptions in any group and
 * version (kube registers it unversioned), or no kind at all (meta.k8s.io/v1
 * by default); unknown fields are ignored. Decoding errors are 500s, as kube
 * answers them on this path.
 */
export function deleteOptionsFromBody(text: string): DeleteOptions {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw plainError(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw plainError(
      `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonType(raw)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
    );
  }
  const body = raw as Record<string, unknown>;
  const kind = typeof body.kind === "string" && body.kind !== "" ? body.kind : "DeleteOptions";
  const apiVersion = typeof body.apiVersion === "string" && body.apiVersion !== "" ? body.apiVersion : "meta.k8s.io/v1";
  if (kind !== "DeleteOptions") {
    throw plainError(
      `no kind ${goQuote(kind)} is registered for version ${goQuote(apiVersion)} in scheme "k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme/register.go:27"`,
    );
  }
  const o: DeleteOptions = {};
  const g = body.gracePeriodSeconds;
  if (g !== undefined && g !== null) {
    if (typeof g !== "number" || !Number.isInteger(g)) throw typeError("gracePeriodSeconds", g);
    o.gracePeriodSeconds = g;
  }
  const orphan = body.orphanDependents;
  if (orphan !== undefined && orphan !== null) {
    if (typeof orphan !== "boolean") throw typeError("orphanDependents", orphan);
    o.orphanDependents = orphan;
  }
  const policy = body.propagationPolicy;
  if (policy !== undefined && policy !== null) {
    if (typeof policy !== "string") throw typeError("propagationPolicy", policy);
    o.propagationPolicy = policy;
  }
  const dry = body.dryRun;
  if (dry !== undefined && dry !== null) {
    if (!Array.isArray(dry)) throw typeError("dryRun", dry);
    for (const d of dry) if (typeof d !== "string") throw typeError("dryRun", d, "string");
    if (dry.length > 0) o.dryRun = dry as string[];
  }
  const pre = body.preconditions;
  if (pre !== undefined && pre !== null) {
    if (typeof pre !== "object" || Array.isArray(pre)) throw typeError("preconditions", pre);
    const p = pre as Record<string, unknown>;
    o.preconditions = {};
    for (const f of ["uid", "resourceVersion"] as const) {
      const v = p[f];
      if (v === undefined || v === null) continue;
      if (typeof v !== "string") throw typeError(`preconditions.${f}`, v, f === "uid" ? "types.UID" : "string");
      o.preconditions[f] = v;
    }
  }
  return o;
}

/** A field error whose bad value Go prints with %#v (named strings quoted, string slices as []string{...}). */
class GoSyntaxFieldError extends FieldErrorClass {
  constructor(type: FieldErrorType, field: string, badValue: string | string[], detail: string) {
    super(type, field, badValue, detail);
  }

  override body(): string {
    const v = this.badValue as string | string[];
    const shown = Array.isArray(v) ? `[]string{${v.map((s) => goQuote(s)).join(", ")}}` : goQuote(v);
    const head = this.type === FieldErrorType.Invalid ? "Invalid value" : "Unsupported value";
    return `${head}: ${shown}${this.detail ? `: ${this.detail}` : ""}`;
  }
}

const POLICIES = ["Foreground", "Background", "Orphan"];

/** kube's ValidateDeleteOptions. */
export function validateDeleteOptions(o: DeleteOptions): FieldError[] {
  const errs: FieldError[] = [];
  if (o.orphanDependents !== undefined && o.propagationPolicy !== undefined) {
    errs.push(
      new GoSyntaxFieldError(
        FieldErrorType.Invalid,
        "propagationPolicy",
        o.propagationPolicy,
        "orphanDependents and deletionPropagation cannot be both set",
      ),
    );
  }
  if (o.propagationPolicy !== undefined && !POLICIES.includes(o.propagationPolicy)) {
    errs.push(
      new GoSyntaxFieldError(
        FieldErrorType.NotSupported,
        "propagationPolicy",
        o.propagationPolicy,
        `supported values: ${[...POLICIES, "nil"].map((p) => goQuote(p)).join(", ")}`,
      ),
    );
  }
  if (o.dryRun && !o.dryRun.every((d) => d === "All")) {
    errs.push(new GoSyntaxFieldError(FieldErrorType.NotSupported, "dryRun", o.dryRun, 'supported values: "All"'));
  }
  return errs;
}

/** 422 Invalid on DeleteOptions.meta.k8s.io for options kube refuses. */
export function checkDeleteOptions(o: DeleteOptions): void {
  const errs = validateDeleteOptions(o);
  if (errs.length > 0) throw invalid({ group: "meta.k8s.io", kind: "DeleteOptions" }, "", errs);
}
