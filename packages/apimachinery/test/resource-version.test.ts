import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodeContinue,
  decodeContinueToken,
  encodeContinue,
  encodeContinueToken,
  parseResourceVersion,
  StatusError,
} from "../src/index.js";

function badRequestMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof StatusError, `not a StatusError: ${e}`);
    assert.equal(e.status.code, 400);
    assert.equal(e.status.reason, "BadRequest");
    return e.message;
  }
  assert.fail("no error");
}

function b64(s: string): string {
  return Buffer.from(s).toString("base64url");
}

describe("resourceVersion", () => {
  it("parses unset, 0 and decimals", () => {
    assert.equal(parseResourceVersion(""), 0);
    assert.equal(parseResourceVersion("0"), 0);
    assert.equal(parseResourceVersion("42"), 42);
    assert.equal(parseResourceVersion("007"), 7);
  });

  it("rejects what strconv.ParseUint rejects, with kube's text", () => {
    assert.equal(
      badRequestMessage(() => parseResourceVersion("abc")),
      'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
    );
    for (const bad of ["-1", "+1", " 1", "1.0", "1_000", "0x10"]) {
      assert.match(
        badRequestMessage(() => parseResourceVersion(bad)),
        /: invalid syntax$/,
        bad,
      );
    }
    assert.equal(
      badRequestMessage(() => parseResourceVersion("18446744073709551616")),
      'invalid resource version: resourceVersion: Invalid value: "18446744073709551616": strconv.ParseUint: parsing "18446744073709551616": value out of range',
    );
  });
});

describe("continue tokens", () => {
  it("encode as kube's unpadded base64url JSON", () => {
    const t = encodeContinueToken({ rv: 12, start: "web\u0000" });
    assert.equal(t, "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIsInN0YXJ0Ijoid2ViXHUwMDAwIn0");
    assert.equal(Buffer.from(t, "base64url").toString(), '{"v":"meta.k8s.io/v1","rv":12,"start":"web\\u0000"}');
    assert.deepEqual(decodeContinueToken(t), { rv: 12, start: "web\u0000" });
  });

  it("round-trip keys relative to the list prefix", () => {
    const t = encodeContinue("/registry/pods/default/web", "/registry/pods/", 7);
    assert.deepEqual(JSON.parse(Buffer.from(t, "base64url").toString()), {
      v: "meta.k8s.io/v1",
      rv: 7,
      start: "default/web",
    });
    assert.deepEqual(decodeContinue(t, "/registry/pods/"), { key: "/registry/pods/default/web", rv: 7 });
    assert.throws(() => encodeContinue("/other/x", "/registry/pods/", 7), {
      message: "unable to encode next field: the key and key prefix do not match",
    });
  });

  it("reject bad tokens with kube's messages", () => {
    assert.equal(
      badRequestMessage(() => decodeContinueToken("a=b")),
      "invalid continue token: continue key is not valid: illegal base64 data at input byte 1",
    );
    assert.equal(
      badRequestMessage(() => decodeContinueToken("abcde")),
      "invalid continue token: continue key is not valid: illegal base64 data at input byte 4",
    );
    assert.equal(
      badRequestMessage(() => decodeContinueToken(b64('{"v":"meta.k8s.io/v2","rv":1,"start":"a"}'))),
      "invalid continue token: continue key is not valid: server does not recognize this encoded version meta.k8s.io/v2",
    );
    assert.equal(
      badRequestMessage(() => decodeContinueToken(b64('{"v":"meta.k8s.io/v1","start":"a"}'))),
      "invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
    );
    assert.equal(
      badRequestMessage(() => decodeContinueToken(b64('{"v":"meta.k8s.io/v1","rv":3}'))),
      "invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)",
    );
    assert.equal(
      badRequestMessage(() => decodeContinueToken(b64('{"v":"meta.k8s.io/v1","rv":3,"start":"../secrets/x"}'))),
      "invalid continue token: continue key is not valid: ../secrets/x",
    );
    assert.equal(
      badRequestMessage(() => decodeContinueToken(b64('{"v":"meta.k8s.io/v1","rv":"3","start":"a"}'))),
      "invalid continue token: continue key is not valid: json: cannot unmarshal string into Go struct field continueToken.rv of type int64",
    );
    assert.match(
      badRequestMessage(() => decodeContinueToken(b64("not json"))),
      /^invalid continue token: continue key is not valid: /,
    );
  });
});
