import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  forbiddenField,
  gone,
  internalError,
  invalid,
  invalidField,
  isNotFound,
  methodNotSupported,
  notAcceptable,
  notFound,
  OPTIMISTIC_LOCK_ERROR_MSG,
  requestEntityTooLarge,
  requiredField,
  resourceExpired,
  StatusError,
  serviceUnavailable,
  statusOk,
  timeout,
  tooLargeResourceVersion,
  tooOldResourceVersion,
  unauthorized,
  unsupportedMediaType,
} from "../src/index.js";

const pods = { group: "", resource: "pods" };
const deployments = { group: "apps", resource: "deployments" };

describe("Status errors", () => {
  it("notFound has kube's message, details and wire key order", () => {
    const e = notFound(pods, "web");
    assert.ok(e instanceof StatusError && e instanceof Error);
    assert.equal(e.message, 'pods "web" not found');
    assert.equal(e.code, 404);
    assert.equal(e.reason, "NotFound");
    assert.ok(isNotFound(e));
    assert.equal(
      JSON.stringify(e.status),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"web\\" not found","reason":"NotFound","details":{"name":"web","kind":"pods"},"code":404}',
    );
    assert.deepEqual(notFound(deployments, "d").status.details, { name: "d", group: "apps", kind: "deployments" });
    assert.equal(notFound(deployments, "d").message, 'deployments.apps "d" not found');
  });

  it("alreadyExists and conflict", () => {
    const a = alreadyExists(deployments, "d");
    assert.equal(a.status.code, 409);
    assert.equal(a.status.reason, "AlreadyExists");
    assert.equal(a.message, 'deployments.apps "d" already exists');
    const c = conflict(pods, "web", OPTIMISTIC_LOCK_ERROR_MSG);
    assert.equal(c.status.code, 409);
    assert.equal(c.status.reason, "Conflict");
    assert.equal(
      c.message,
      'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again',
    );
    assert.deepEqual(c.status.details, { name: "web", kind: "pods" });
  });

  it("invalid aggregates field errors and lists them as causes", () => {
    const one = invalid({ group: "", kind: "ConfigMap" }, "x", [
      requiredField("metadata.name", "name or generateName is required"),
    ]);
    assert.equal(
      one.message,
      'ConfigMap "x" is invalid: metadata.name: Required value: name or generateName is required',
    );
    const two = invalid({ group: "apps", kind: "Deployment" }, "Foo", [
      invalidField("metadata.name", "Foo", "bad"),
      forbiddenField("metadata.namespace", "not allowed on this type"),
      invalidField("metadata.name", "Foo", "bad"),
    ]);
    assert.equal(two.status.code, 422);
    assert.equal(two.status.reason, "Invalid");
    assert.equal(
      two.message,
      'Deployment.apps "Foo" is invalid: [metadata.name: Invalid value: "Foo": bad, metadata.namespace: Forbidden: not allowed on this type]',
    );
    assert.deepEqual(two.status.details, {
      name: "Foo",
      group: "apps",
      kind: "Deployment",
      causes: [
        { reason: "FieldValueInvalid", message: 'Invalid value: "Foo": bad', field: "metadata.name" },
        { reason: "FieldValueForbidden", message: "Forbidden: not allowed on this type", field: "metadata.namespace" },
        { reason: "FieldValueInvalid", message: 'Invalid value: "Foo": bad', field: "metadata.name" },
      ],
    });
    assert.equal(invalid({ group: "", kind: "Pod" }, "p", []).message, 'Pod "p" is invalid');
  });

  it("request-level errors", () => {
    assert.deepEqual(badRequest("nope").status, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "nope",
      reason: "BadRequest",
      code: 400,
    });
    const m = methodNotSupported(deployments, "create");
    assert.equal(m.message, 'create is not supported on resources of kind "deployments.apps"');
    assert.equal(m.status.code, 405);
    assert.equal(m.status.reason, "MethodNotAllowed");
    assert.deepEqual(m.status.details, { group: "apps", kind: "deployments" });
    assert.equal(notAcceptable().status.code, 406);
    assert.equal(
      notAcceptable(["application/json"]).message,
      "only the following media types are accepted: application/json",
    );
    const u = unsupportedMediaType(["application/json", "application/yaml"]);
    assert.equal(u.status.code, 415);
    assert.equal(u.status.reason, "UnsupportedMediaType");
    assert.equal(
      u.message,
      "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
    );
    const big = requestEntityTooLarge("limit is 3145728");
    assert.equal(big.status.code, 413);
    assert.equal(big.message, "Request entity too large: limit is 3145728");
  });

  it("expiry, timeouts and too large resource versions", () => {
    const g = tooOldResourceVersion(5, 10);
    assert.equal(g.status.code, 410);
    assert.equal(g.status.reason, "Expired");
    assert.equal(g.message, "too old resource version: 5 (10)");
    assert.equal(gone("x").status.reason, "Gone");
    const x = resourceExpired("The resourceVersion for the provided watch is too old.");
    assert.equal(x.status.code, 410);
    assert.equal(x.status.reason, "Expired");
    const t = tooLargeResourceVersion(100, 42);
    assert.equal(t.status.code, 504);
    assert.equal(t.status.reason, "Timeout");
    assert.equal(t.message, "Timeout: Too large resource version: 100, current: 42");
    assert.deepEqual(t.status.details, {
      causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
      retryAfterSeconds: 1,
    });
    assert.equal(
      timeout("request did not complete within 60s").message,
      "Timeout: request did not complete within 60s",
    );
    assert.deepEqual(timeout("x").status.details, {}, "retryAfterSeconds 0 is omitted, as Go's omitempty");
    assert.equal(badRequest("x").status.details, undefined, "BadRequest carries no details at all");
    const s = serviceUnavailable("etcd is down");
    assert.equal(s.status.code, 503);
    assert.equal(s.status.reason, "ServiceUnavailable");
  });

  it("server-side and auth errors", () => {
    const i = internalError(new Error("boom"));
    assert.equal(i.status.code, 500);
    assert.equal(i.status.reason, "InternalError");
    assert.equal(i.message, "Internal error occurred: boom");
    assert.deepEqual(i.status.details, { causes: [{ message: "boom" }] });
    const u = unauthorized();
    assert.equal(u.status.code, 401);
    assert.equal(u.message, "Unauthorized");
    assert.equal(unauthorized("").message, "not authorized");
    const f = forbidden(pods, "web", 'User "bob" cannot get resource "pods"');
    assert.equal(f.status.code, 403);
    assert.equal(f.message, 'pods "web" is forbidden: User "bob" cannot get resource "pods"');
    assert.equal(forbidden(deployments, "", "no").message, "deployments.apps is forbidden: no");
    assert.equal(forbidden({ group: "", resource: "" }, "", "no").message, "forbidden: no");
  });

  it("statusOk is a Success Status with code 200", () => {
    assert.equal(
      JSON.stringify(statusOk({ name: "web", kind: "pods", uid: "u-1" })),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"web","kind":"pods","uid":"u-1"},"code":200}',
    );
    assert.deepEqual(statusOk(), { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 200 });
  });

  it("names with quotes or control characters are quoted as Go's %q", () => {
    assert.equal(notFound(pods, 'a"b\n\x01').message, 'pods "a\\"b\\n\\x01" not found');
  });

  it("withMessage keeps code and reason", () => {
    const e = notFound({ group: "", resource: "" }, "").withMessage("the server could not find the requested resource");
    assert.equal(e.message, "the server could not find the requested resource");
    assert.equal(e.status.code, 404);
    assert.equal(e.status.reason, "NotFound");
  });
});
