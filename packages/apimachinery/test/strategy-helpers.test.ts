import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  fieldPath,
  goIntOrString,
  goLabelSelector,
  goStringMap,
  invalidGoField,
  isConfigMapKey,
  isDNS1035Label,
  isEnvVarName,
  isValidPercent,
  isValidPortName,
  parseQuantity,
  validateLabelSelector,
} from "../src/index.js";

describe("quantities", () => {
  it("print in kube's canonical form", () => {
    const cases: [string, string][] = [
      ["500m", "500m"],
      ["0.5", "500m"],
      ["1000m", "1"],
      ["1.5k", "1500"],
      ["2000000", "2M"],
      ["1Gi", "1Gi"],
      ["1536Mi", "1536Mi"],
      ["1024Mi", "1Gi"],
      ["512", "512"],
      ["0.5Gi", "512Mi"],
      ["1e3", "1e3"],
      ["-1", "-1"],
      ["0", "0"],
      ["100u", "100u"],
    ];
    for (const [input, out] of cases) assert.equal(parseQuantity(input).toString(), out, input);
  });
  it("compare exactly and reject bad syntax with kube's message", () => {
    assert.equal(parseQuantity("1Gi").cmp(parseQuantity("1024Mi")), 0);
    assert.equal(parseQuantity("100m").cmp(parseQuantity("0.2")), -1);
    assert.throws(
      () => parseQuantity("abc"),
      /quantities must match the regular expression '\^\(\[\+-\]\?\[0-9\.\]\+\)\(\[eEinumkKMGTP\]\*\[-\+\]\?\[0-9\]\*\)\$'/,
    );
    assert.throws(() => parseQuantity("1Qi"), /quantities must match|unable to parse quantity's suffix/);
  });
});

describe("syntax checks", () => {
  it("DNS-1035 labels", () => {
    assert.deepEqual(isDNS1035Label("web"), []);
    assert.deepEqual(isDNS1035Label("1web"), [
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });
  it("config keys, env names, port names, percents", () => {
    assert.deepEqual(isConfigMapKey("a.b_c-1"), []);
    assert.deepEqual(isConfigMapKey("a b"), [
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
    assert.deepEqual(isConfigMapKey(".."), ["must not be '..'"]);
    assert.deepEqual(isEnvVarName("1A"), [
      "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
    ]);
    assert.deepEqual(isValidPortName("http--x"), ["must not contain consecutive hyphens (-)"]);
    assert.deepEqual(isValidPortName("80"), ["must contain at least one letter (a-z)"]);
    assert.deepEqual(isValidPercent("25"), [
      "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ]);
  });
});

describe("label selector validation", () => {
  it("checks operators and values with kube's paths", () => {
    const errs = validateLabelSelector(
      {
        matchExpressions: [
          { key: "a", operator: "In", values: [] },
          { key: "b", operator: "Exists", values: ["x"] },
          { key: "c", operator: "Bad" },
        ],
      },
      fieldPath("spec", "selector"),
    );
    assert.deepEqual(
      errs.map((e) => e.toString()),
      [
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        'spec.selector.matchExpressions[2].operator: Invalid value: "Bad": not a valid selector operator',
      ],
    );
  });
});

describe("Go renderings of bad values", () => {
  it("maps, selectors and int-or-strings as %#v prints them", () => {
    assert.equal(goStringMap({ b: "2", a: "1" }).text, 'map[string]string{"a":"1", "b":"2"}');
    assert.equal(goStringMap(undefined).text, "map[string]string(nil)");
    assert.equal(
      goLabelSelector({ matchLabels: { app: "web" } }).text,
      'v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}',
    );
    assert.equal(goIntOrString("25").text, 'intstr.IntOrString{Type:1, IntVal:0, StrVal:"25"}');
    assert.equal(
      invalidGoField("spec.selector", goStringMap({}), "field is immutable").toString(),
      "spec.selector: Invalid value: map[string]string{}: field is immutable",
    );
  });
});
