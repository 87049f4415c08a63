import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  escapeFieldValue,
  FieldSelectorError,
  fieldLabelNotSupported,
  parseFieldSelector,
  parseFieldSelectorOrThrow,
  StatusError,
} from "../src/index.js";

function parseError(s: string): string {
  try {
    parseFieldSelectorOrThrow(s);
  } catch (e) {
    assert.ok(e instanceof FieldSelectorError);
    return e.message;
  }
  assert.fail(`${JSON.stringify(s)} parsed`);
}

describe("field selectors", () => {
  it("parses =, == and != into sorted terms", () => {
    const sel = parseFieldSelectorOrThrow("status.phase!=Failed,metadata.name==web,metadata.namespace=default");
    assert.deepEqual(sel.terms, [
      { field: "metadata.name", operator: "=", value: "web" },
      { field: "metadata.namespace", operator: "=", value: "default" },
      { field: "status.phase", operator: "!=", value: "Failed" },
    ]);
    assert.equal(sel.toString(), "metadata.name=web,metadata.namespace=default,status.phase!=Failed");
    assert.deepEqual(sel.requiresExactMatch("metadata.name"), { value: "web", found: true });
    assert.deepEqual(sel.requiresExactMatch("status.phase"), { value: "", found: false });
  });

  it("keeps whitespace and empty terms as kube does", () => {
    assert.ok(parseFieldSelectorOrThrow("").empty());
    assert.deepEqual(parseFieldSelectorOrThrow("a=b,,").terms, [{ field: "a", operator: "=", value: "b" }]);
    assert.deepEqual(parseFieldSelectorOrThrow(" a = b").terms, [{ field: " a ", operator: "=", value: " b" }]);
    assert.deepEqual(parseFieldSelectorOrThrow("a=").terms, [{ field: "a", operator: "=", value: "" }]);
  });

  it("unescapes values", () => {
    const sel = parseFieldSelectorOrThrow("a=x\\,y\\=z\\\\,b=c");
    assert.deepEqual(sel.terms, [
      { field: "a", operator: "=", value: "x,y=z\\" },
      { field: "b", operator: "=", value: "c" },
    ]);
    assert.equal(escapeFieldValue("x,y=z\\"), "x\\,y\\=z\\\\");
    assert.equal(sel.toString(), "a=x\\,y\\=z\\\\,b=c");
  });

  it("reports kube's errors", () => {
    assert.equal(parseError("a"), "invalid selector: 'a'; can't understand 'a'");
    assert.equal(parseError("b=c,a"), "invalid selector: 'b=c,a'; can't understand 'a'");
    assert.equal(parseError("a=b=c"), "invalid field selector: unescaped character in value: 61");
    assert.equal(parseError("a=b\\x"), "invalid field selector: invalid escape sequence: \\x");
    assert.equal(parseError("a=b\\"), "invalid field selector: invalid escape sequence: \\");
  });

  it("surfaces as a 400 BadRequest through parseFieldSelector", () => {
    assert.throws(
      () => parseFieldSelector("nonsense"),
      (e: unknown) =>
        e instanceof StatusError &&
        e.status.code === 400 &&
        e.status.reason === "BadRequest" &&
        e.message === "invalid selector: 'nonsense'; can't understand 'nonsense'",
    );
  });

  it("matches, reading a missing field as empty", () => {
    const fields = { "metadata.name": "web", "status.phase": "Running" };
    assert.equal(parseFieldSelectorOrThrow("").matches(fields), true);
    assert.equal(parseFieldSelectorOrThrow("metadata.name=web").matches(fields), true);
    assert.equal(parseFieldSelectorOrThrow("metadata.name=db").matches(fields), false);
    assert.equal(parseFieldSelectorOrThrow("status.phase!=Running").matches(fields), false);
    assert.equal(parseFieldSelectorOrThrow("status.phase!=Failed,metadata.name=web").matches(fields), true);
    assert.equal(parseFieldSelectorOrThrow("spec.nodeName=").matches(fields), true);
    assert.equal(parseFieldSelectorOrThrow("spec.nodeName!=").matches(fields), false);
  });
});

describe("unsupported field labels", () => {
  it("are a 400 with kube's text", () => {
    const e = fieldLabelNotSupported("spec.foo");
    assert.equal(e.status.code, 400);
    assert.equal(e.message, "field label not supported: spec.foo");
  });
});
