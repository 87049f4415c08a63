// metav1.Status and the errors built from it. Each builder mirrors a
// constructor in k8s.io/apimachinery/pkg/api/errors (or the apiserver code
// that answers that status) with the same code, reason, details and message
// text: kubectl and client-go branch on reason/code and print the message,
// and some clients match the message itself.

import { goQuote } from "./go-quote.js";
import { aggregate, type FieldError } from "./validation/field-error.js";

export const StatusReason = {
  Unknown: "",
  Unauthorized: "Unauthorized",
  Forbidden: "Forbidden",
  NotFound: "NotFound",
  AlreadyExists: "AlreadyExists",
  Conflict: "Conflict",
  Gone: "Gone",
  Invalid: "Invalid",
  ServerTimeout: "ServerTimeout",
  Timeout: "Timeout",
  TooManyRequests: "TooManyRequests",
  BadRequest: "BadRequest",
  MethodNotAllowed: "MethodNotAllowed",
  NotAcceptable: "NotAcceptable",
  RequestEntityTooLarge: "RequestEntityTooLarge",
  UnsupportedMediaType: "UnsupportedMediaType",
  InternalError: "InternalError",
  Expired: "Expired",
  ServiceUnavailable: "ServiceUnavailable",
} as const;
export type StatusReason = (typeof StatusReason)[keyof typeof StatusReason];

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never> | { resourceVersion?: string; continue?: string };
  status: "Success" | "Failure";
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** A resource within an API group, as kube's schema.GroupResource. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** A kind within an API group, as kube's schema.GroupKind. */
export interface GroupKind {
  group: string;
  kind: string;
}

/** The text kube stores in a Conflict when an update carries a stale resourceVersion. */
export const OPTIMISTIC_LOCK_ERROR_MSG =
  "the object has been modified; please apply your changes to the latest version and try again";

/** GroupResource.String(): "pods", "deployments.apps". */
export function groupResourceString(qr: GroupResource): string {
  return qr.group === "" ? qr.resource : `${qr.resource}.${qr.group}`;
}

/** GroupKind.String(): "Pod", "Deployment.apps". */
export function groupKindString(qk: GroupKind): string {
  return qk.group === "" ? qk.kind : `${qk.kind}.${qk.group}`;
}

/** Details in kube's JSON field order, leaving out what Go's omitempty would. */
function details(d: StatusDetails): StatusDetails {
  const out: StatusDetails = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes && d.causes.length > 0) {
    out.causes = d.causes.map((c) => {
      const cause: StatusCause = {};
      if (c.reason) cause.reason = c.reason;
      if (c.message) cause.message = c.message;
      if (c.field) cause.field = c.field;
      return cause;
    });
  }
  if (d.retryAfterSeconds) out.retryAfterSeconds = d.retryAfterSeconds;
  return out;
}

function failure(code: number, reason: StatusReason, message: string, d?: StatusDetails): Status {
  // Keys are added in kube's wire order so that serialized bodies compare byte for byte.
  const s = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure" } as Status;
  if (message !== "") s.message = message;
  if (reason !== "") s.reason = reason;
  // Kube's builders that set a Details pointer serialize it even when every field is empty ("details":{}).
  if (d) s.details = details(d);
  s.code = code;
  return s;
}

/** An API error carrying the Status the server answers with. */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? "");
    this.name = "StatusError";
  }

  /** The HTTP status code. */
  get code(): number {
    return this.status.code;
  }

  /** The stable machine-readable reason ("NotFound", "Conflict", ...). */
  get reason(): StatusReason {
    return this.status.reason ?? "";
  }

  /** The same error with another message (kube does this for e.g. the bare 404 of an unknown path). */
  withMessage(message: string): StatusError {
    return new StatusError({ ...this.status, message });
  }
}

export function isStatusError(e: unknown): e is StatusError {
  return e instanceof StatusError;
}

/** The reason of a StatusError, or "" (Unknown) for anything else, as apierrors.ReasonForError. */
export function reasonForError(e: unknown): StatusReason {
  return e instanceof StatusError ? e.reason : "";
}

export function isNotFound(e: unknown): boolean {
  return reasonForError(e) === StatusReason.NotFound;
}

export function isAlreadyExists(e: unknown): boolean {
  return reasonForError(e) === StatusReason.AlreadyExists;
}

export function isConflict(e: unknown): boolean {
  return reasonForError(e) === StatusReason.Conflict;
}

export function isInvalid(e: unknown): boolean {
  return reasonForError(e) === StatusReason.Invalid;
}

function errText(err: Error | string): string {
  return typeof err === "string" ? err : err.message;
}

/** 404: `pods "x" not found`. */
export function notFound(qr: GroupResource, name: string): StatusError {
  return new StatusError(
    failure(404, StatusReason.NotFound, `${groupResourceString(qr)} ${goQuote(name)} not found`, {
      name,
      group: qr.group,
      kind: qr.resource,
    }),
  );
}

/** 409: `pods "x" already exists`. */
export function alreadyExists(qr: GroupResource, name: string): StatusError {
  return new StatusError(
    failure(409, StatusReason.AlreadyExists, `${groupResourceString(qr)} ${goQuote(name)} already exists`, {
      name,
      group: qr.group,
      kind: qr.resource,
    }),
  );
}

/** 409 Conflict; pass OPTIMISTIC_LOCK_ERROR_MSG for a stale resourceVersion. */
export function conflict(qr: GroupResource, name: string, err: Error | string): StatusError {
  return new StatusError(
    failure(
      409,
      StatusReason.Conflict,
      `Operation cannot be fulfilled on ${groupResourceString(qr)} ${goQuote(name)}: ${errText(err)}`,
      { name, group: qr.group, kind: qr.resource },
    ),
  );
}

/** 422: `Pod "x" is invalid: <aggregated field errors>`, one cause per field error. */
export function invalid(qk: GroupKind, name: string, errors: readonly FieldError[]): StatusError {
  const agg = aggregate(errors);
  const base = `${groupKindString(qk)} ${goQuote(name)} is invalid`;
  return new StatusError(
    failure(422, StatusReason.Invalid, agg === "" ? base : `${base}: ${agg}`, {
      name,
      group: qk.group,
      kind: qk.kind,
      causes: errors.map((e) => ({ reason: e.type, message: e.body(), field: e.field })),
    }),
  );
}

/** 400 with the given message. */
export function badRequest(message: string): StatusError {
  return new StatusError(failure(400, StatusReason.BadRequest, message));
}

/** 422 for a patch that cannot be applied, as kube's patch handler answers. */
export function invalidPatch(message: string): StatusError {
  return new StatusError(failure(422, StatusReason.Invalid, message));
}

/** 405: `create is not supported on resources of kind "pods"`. */
export function methodNotSupported(qr: GroupResource, verb: string): StatusError {
  return new StatusError(
    failure(
      405,
      StatusReason.MethodNotAllowed,
      `${verb} is not supported on resources of kind ${goQuote(groupResourceString(qr))}`,
      { group: qr.group, kind: qr.resource },
    ),
  );
}

/** 410 Gone (kube's NewGone). */
export function gone(message: string): StatusError {
  return new StatusError(failure(410, StatusReason.Gone, message));
}

/** 410 Expired: a list or continue token refers to data compacted away. */
export function resourceExpired(message: string): StatusError {
  return new StatusError(failure(410, StatusReason.Expired, message));
}

/** 410 Expired with the watch cache's text: `too old resource version: 5 (10)` (kube's NewResourceExpired). */
export function tooOldResourceVersion(requested: number | bigint, oldest: number | bigint): StatusError {
  return resourceExpired(`too old resource version: ${requested} (${oldest})`);
}

/** The Expired text kube answers for a continue token whose revision was compacted. */
export const CONTINUE_TOO_OLD_MSG =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

/** 504: `Timeout: <message>`, telling the client when to retry. */
export function timeout(message: string, retryAfterSeconds = 0): StatusError {
  return new StatusError(failure(504, StatusReason.Timeout, `Timeout: ${message}`, { retryAfterSeconds }));
}

/**
 * 504 for a read at a revision the store has not reached yet; clients retry
 * after a second. The cause lets client-go recognise it (ResourceVersionTooLarge).
 */
export function tooLargeResourceVersion(
  requested: number | bigint,
  current: number | bigint,
  retryAfterSeconds = 1,
): StatusError {
  const err = timeout(`Too large resource version: ${requested}, current: ${current}`, retryAfterSeconds);
  err.status.details = details({
    causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
    retryAfterSeconds,
  });
  return err;
}

/** 500: `Internal error occurred: <msg>`, the message also as the only cause. */
export function internalError(err: Error | string): StatusError {
  const msg = errText(err);
  return new StatusError(
    failure(500, StatusReason.InternalError, `Internal error occurred: ${msg}`, { causes: [{ message: msg }] }),
  );
}

/** 401; kube's authentication filter answers with the message "Unauthorized". */
export function unauthorized(message = "Unauthorized"): StatusError {
  return new StatusError(failure(401, StatusReason.Unauthorized, message === "" ? "not authorized" : message));
}

/** 403: `pods "x" is forbidden: <msg>` (no name: `pods is forbidden: ...`). */
export function forbidden(qr: GroupResource, name: string, err: Error | string): StatusError {
  const msg = errText(err);
  let message: string;
  if (qr.group === "" && qr.resource === "") message = `forbidden: ${msg}`;
  else if (name === "") message = `${groupResourceString(qr)} is forbidden: ${msg}`;
  else message = `${groupResourceString(qr)} ${goQuote(name)} is forbidden: ${msg}`;
  return new StatusError(failure(403, StatusReason.Forbidden, message, { name, group: qr.group, kind: qr.resource }));
}

/** The media types Wharf serves, listed in 406 and 415 answers. */
export const SUPPORTED_MEDIA_TYPES: readonly string[] = ["application/json", "application/yaml"];

/** 406: the Accept header names nothing the server can produce. */
export function notAcceptable(accepted: readonly string[] = SUPPORTED_MEDIA_TYPES): StatusError {
  return new StatusError(
    failure(406, StatusReason.NotAcceptable, `only the following media types are accepted: ${accepted.join(", ")}`),
  );
}

/** A plain (non-Status) error as kube's ErrorToAPIStatus renders it: 500 with the error text and no reason. */
export function plainError(message: string): StatusError {
  return new StatusError(failure(500, StatusReason.Unknown, message));
}

/** 415: the request body's Content-Type is not one the server decodes. */
export function unsupportedMediaType(accepted: readonly string[] = SUPPORTED_MEDIA_TYPES): StatusError {
  return new StatusError(
    failure(
      415,
      StatusReason.UnsupportedMediaType,
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
    ),
  );
}

/** 413: `Request entity too large: <msg>`. */
export function requestEntityTooLarge(message: string): StatusError {
  return new StatusError(failure(413, StatusReason.RequestEntityTooLarge, `Request entity too large: ${message}`));
}

/** 503 with the given message. */
export function serviceUnavailable(message: string): StatusError {
  return new StatusError(failure(503, StatusReason.ServiceUnavailable, message));
}

/** 429, asking the client to come back after retryAfterSeconds. */
export function tooManyRequests(message: string, retryAfterSeconds = 0): StatusError {
  return new StatusError(failure(429, StatusReason.TooManyRequests, message, { retryAfterSeconds }));
}

/** The Success Status a delete answers with when it does not return the object. */
export function statusOk(d?: StatusDetails): Status {
  const s = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success" } as Status;
  if (d) {
    const dd = details(d);
    if (Object.keys(dd).length > 0) s.details = dd;
  }
  s.code = 200;
  return s;
}
