import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  LabelSelector,
  LabelSelectorError,
  labelSelectorFromObject,
  newRequirement,
  parseLabelSelector,
  parseLabelSelectorOrThrow,
  StatusError,
} from "../src/index.js";

function parseError(s: string): string {
  try {
    parseLabelSelectorOrThrow(s);
  } catch (e) {
    assert.ok(e instanceof LabelSelectorError, `not a LabelSelectorError: ${e}`);
    return e.message;
  }
  assert.fail(`${JSON.stringify(s)} parsed`);
}

describe("label selector parsing", () => {
  it("parses every operator, sorted by key", () => {
    const sel = parseLabelSelectorOrThrow("z=1,  b==2 ,c!=3,d in (y, x,x),e notin (q),f,!g,h>4,i<5");
    assert.deepEqual(sel.requirements, [
      { key: "b", operator: "==", values: ["2"] },
      { key: "c", operator: "!=", values: ["3"] },
      { key: "d", operator: "in", values: ["x", "y"] },
      { key: "e", operator: "notin", values: ["q"] },
      { key: "f", operator: "exists", values: [] },
      { key: "g", operator: "!", values: [] },
      { key: "h", operator: "gt", values: ["4"] },
      { key: "i", operator: "lt", values: ["5"] },
      { key: "z", operator: "=", values: ["1"] },
    ]);
    assert.equal(sel.toString(), "b==2,c!=3,d in (x,y),e notin (q),f,!g,h>4,i<5,z=1");
  });

  it("handles empty values and keyword-like values", () => {
    assert.deepEqual(parseLabelSelectorOrThrow("a=").requirements, [{ key: "a", operator: "=", values: [""] }]);
    assert.deepEqual(parseLabelSelectorOrThrow("a in ()").requirements, [{ key: "a", operator: "in", values: [""] }]);
    assert.deepEqual(parseLabelSelectorOrThrow("a in (,x,,y,)").requirements, [
      { key: "a", operator: "in", values: ["", "x", "y"] },
    ]);
    assert.deepEqual(parseLabelSelectorOrThrow("in=notin").requirements, [
      { key: "in", operator: "=", values: ["notin"] },
    ]);
    assert.ok(parseLabelSelectorOrThrow("").empty());
    assert.ok(parseLabelSelectorOrThrow("  ").empty());
  });

  it("reports kube's parse errors", () => {
    assert.equal(parseError("a=b,"), "found '', expected: identifier after ','");
    assert.equal(parseError(",a"), "found ',', expected: !, identifier, or 'end of string'");
    assert.equal(parseError("a b"), "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    assert.equal(parseError("a=b c"), "found 'c', expected: ',' or 'end of string'");
    assert.equal(parseError("a in x"), "unable to parse requirement: found 'x' expected: '('");
    assert.equal(parseError("a in (x"), "unable to parse requirement: found '', expected: ',' or ')'");
    assert.equal(parseError("a in (="), "unable to parse requirement: found '=', expected: ',', ')' or identifier");
    assert.deepEqual(parseLabelSelectorOrThrow("a==").requirements, [{ key: "a", operator: "==", values: [""] }]);
    assert.equal(parseError("a=(b)"), "unable to parse requirement: found '(', expected: identifier");
    assert.equal(parseError("!=a"), "found '!=', expected: !, identifier, or 'end of string'");
    assert.equal(parseError("!(a)"), "unable to parse requirement: found '(', expected: identifier");
    assert.equal(parseError("!a=b"), "found '=', expected: ',' or 'end of string'");
    assert.equal(
      parseError("a>x"),
      "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer",
    );
  });

  it("reports invalid keys and values with kube's field paths", () => {
    assert.equal(
      parseError("-a=b"),
      "unable to parse requirement: <nil>: Invalid value: \"-a\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
    assert.equal(
      parseError("app=-x"),
      "unable to parse requirement: values[0][app]: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  });

  it("surfaces as a 400 BadRequest through parseLabelSelector", () => {
    try {
      parseLabelSelector("a in x");
      assert.fail("parsed");
    } catch (e) {
      assert.ok(e instanceof StatusError);
      assert.equal(e.status.code, 400);
      assert.equal(e.status.reason, "BadRequest");
      assert.equal(e.message, "unable to parse requirement: found 'x' expected: '('");
    }
  });
});

describe("label selector matching", () => {
  const labels = { app: "web", tier: "front", n: "10" };
  const cases: [string, boolean][] = [
    ["", true],
    ["app=web", true],
    ["app==web", true],
    ["app=db", false],
    ["app!=db", true],
    ["missing!=x", true],
    ["app in (db,web)", true],
    ["app notin (web)", false],
    ["missing notin (x)", true],
    ["missing in (x)", false],
    ["tier", true],
    ["missing", false],
    ["!missing", true],
    ["!app", false],
    ["n>9", true],
    ["n>10", false],
    ["n<11", true],
    ["app>1", false],
    ["missing>1", false],
    ["app=web,tier=back", false],
    ["app=web,tier=front", true],
    ["missing=", false],
  ];
  for (const [sel, want] of cases) {
    it(`${JSON.stringify(sel)} → ${want}`, () => {
      assert.equal(parseLabelSelectorOrThrow(sel).matches(labels), want);
    });
  }
});

describe("metav1.LabelSelector conversion", () => {
  it("nil selects nothing, empty selects everything", () => {
    assert.equal(labelSelectorFromObject(undefined).matches({}), false);
    assert.equal(labelSelectorFromObject(null).matches({ a: "b" }), false);
    assert.equal(labelSelectorFromObject({}).matches({ a: "b" }), true);
    assert.equal(LabelSelector.everything().matches({}), true);
  });

  it("converts matchLabels and matchExpressions", () => {
    const sel = labelSelectorFromObject({
      matchLabels: { tier: "front", app: "web" },
      matchExpressions: [
        { key: "env", operator: "In", values: ["prod", "stage"] },
        { key: "canary", operator: "DoesNotExist" },
      ],
    });
    assert.equal(sel.toString(), "app=web,!canary,env in (prod,stage),tier=front");
    assert.equal(sel.matches({ app: "web", tier: "front", env: "prod" }), true);
    assert.equal(sel.matches({ app: "web", tier: "front", env: "prod", canary: "1" }), false);
  });

  it("rejects bad operators and value counts with kube's messages", () => {
    assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] }), {
      message: '"Gt" is not a valid label selector operator',
    });
    assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: "a", operator: "In", values: [] }] }), {
      message: "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty",
    });
    assert.throws(() => newRequirement("a", "exists", ["x"]), {
      message: 'values: Invalid value: ["x"]: values set must be empty for exists and does not exist',
    });
  });
});
