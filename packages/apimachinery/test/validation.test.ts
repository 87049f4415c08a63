import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  aggregate,
  fieldPath,
  invalid,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNSSubdomain,
  nameIsPathSegment,
  notSupportedField,
  tooLongField,
  tooManyField,
  validateObjectMeta,
} from "../src/index.js";

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QNAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe("name syntax", () => {
  it("DNS subdomains", () => {
    assert.deepEqual(isDNS1123Subdomain("example.com"), []);
    assert.deepEqual(isDNS1123Subdomain("a"), []);
    assert.deepEqual(isDNS1123Subdomain("Foo"), [SUBDOMAIN_MSG]);
    assert.deepEqual(isDNS1123Subdomain("a..b"), [SUBDOMAIN_MSG]);
    assert.deepEqual(isDNS1123Subdomain("-a"), [SUBDOMAIN_MSG]);
    assert.deepEqual(isDNS1123Subdomain(""), [SUBDOMAIN_MSG]);
    assert.deepEqual(isDNS1123Subdomain("a".repeat(253)), []);
    assert.deepEqual(isDNS1123Subdomain("a".repeat(254)), ["must be no more than 253 characters"]);
  });

  it("DNS labels, with the dot case told apart", () => {
    assert.deepEqual(isDNS1123Label("my-name"), []);
    assert.deepEqual(isDNS1123Label("a.b"), ["must not contain dots"]);
    assert.deepEqual(isDNS1123Label("A"), [LABEL_MSG]);
    assert.deepEqual(isDNS1123Label("a".repeat(63)), []);
    assert.deepEqual(isDNS1123Label("a".repeat(64)), ["must be no more than 63 characters"]);
  });

  it("qualified names (label keys)", () => {
    assert.deepEqual(isQualifiedName("app"), []);
    assert.deepEqual(isQualifiedName("app.kubernetes.io/name"), []);
    assert.deepEqual(isQualifiedName("My_Key.1"), []);
    assert.deepEqual(isQualifiedName("-a"), [QNAME_MSG]);
    assert.deepEqual(isQualifiedName(""), ["name part must be non-empty", QNAME_MSG]);
    assert.deepEqual(isQualifiedName("/a"), ["prefix part must be non-empty"]);
    assert.deepEqual(isQualifiedName("Example.com/a"), [`prefix part ${SUBDOMAIN_MSG}`]);
    assert.deepEqual(isQualifiedName(`${"a".repeat(64)}`), ["name part must be no more than 63 characters"]);
    assert.deepEqual(isQualifiedName("a/b/c"), [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
  });

  it("label values", () => {
    assert.deepEqual(isValidLabelValue(""), []);
    assert.deepEqual(isValidLabelValue("v1.2_x-Y"), []);
    assert.deepEqual(isValidLabelValue("-x"), [LABEL_VALUE_MSG]);
    assert.deepEqual(isValidLabelValue("a".repeat(64)), ["must be no more than 63 characters"]);
    assert.deepEqual(isValidLabelValue("é"), [LABEL_VALUE_MSG]);
  });

  it("lengths are UTF-8 bytes, as Go's len", () => {
    assert.deepEqual(isValidLabelValue("é".repeat(32)).length, 2);
  });

  it("generateName may end in '-'; path-segment names", () => {
    assert.deepEqual(nameIsDNSSubdomain("web-", true), []);
    assert.deepEqual(nameIsDNSSubdomain("web-", false), [SUBDOMAIN_MSG]);
    assert.deepEqual(nameIsPathSegment("..", false), ["may not be '..'"]);
    assert.deepEqual(nameIsPathSegment("a/b%c", false), ["may not contain '/'", "may not contain '%'"]);
    assert.deepEqual(nameIsPathSegment("Any_Thing", false), []);
  });
});

describe("field errors", () => {
  it("render as kube's field.Error", () => {
    assert.equal(
      notSupportedField(fieldPath("spec", "restartPolicy"), "Sometimes", ["Always", "Never"]).toString(),
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never"',
    );
    assert.equal(
      tooLongField(fieldPath("metadata", "annotations"), 262144).toString(),
      "metadata.annotations: Too long: must have at most 262144 bytes",
    );
    assert.equal(
      tooManyField(fieldPath("spec").child("items"), 5, 3).toString(),
      "spec.items: Too many: 5: must have at most 3 items",
    );
    assert.equal(fieldPath("spec").child("containers").index(0).key("k").toString(), "spec.containers[0][k]");
    assert.equal(aggregate([]), "");
    assert.equal(aggregate(["a"]), "a");
    assert.equal(aggregate(["a", "b", "a"]), "[a, b]");
  });
});

describe("validateObjectMeta", () => {
  it("accepts a plain namespaced object", () => {
    assert.deepEqual(
      validateObjectMeta({ name: "web", namespace: "default", labels: { app: "web" } }, { namespaced: true }),
      [],
    );
  });

  it("reports name, namespace, labels and annotations as kube-apiserver does", () => {
    const errs = validateObjectMeta(
      { name: "Foo", labels: { "-bad": "ok", good: "-bad" }, annotations: { "Example.com/Key": "v", "a/b/c": "" } },
      { namespaced: true },
    );
    assert.deepEqual(
      errs.map((e) => e.toString()),
      [
        `metadata.name: Invalid value: "Foo": ${SUBDOMAIN_MSG}`,
        "metadata.namespace: Required value",
        `metadata.labels: Invalid value: "-bad": ${QNAME_MSG}`,
        `metadata.labels: Invalid value: "-bad": ${LABEL_VALUE_MSG}`,
        `metadata.annotations: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      ],
    );
    const status = invalid({ group: "", kind: "ConfigMap" }, "Foo", errs.slice(0, 2)).status;
    assert.equal(
      status.message,
      `ConfigMap "Foo" is invalid: [metadata.name: Invalid value: "Foo": ${SUBDOMAIN_MSG}, metadata.namespace: Required value]`,
    );
    assert.deepEqual(status.details?.causes?.[1], {
      reason: "FieldValueRequired",
      message: "Required value",
      field: "metadata.namespace",
    });
  });

  it("requires a name and forbids a namespace on cluster-scoped types", () => {
    assert.deepEqual(
      validateObjectMeta({ namespace: "x" }, { namespaced: false }).map((e) => e.toString()),
      [
        "metadata.name: Required value: name or generateName is required",
        "metadata.namespace: Forbidden: not allowed on this type",
      ],
    );
  });

  it("checks generateName with the prefix rules and the namespace as a DNS label", () => {
    assert.deepEqual(
      validateObjectMeta({ generateName: "Web-", name: "web-abcde", namespace: "a.b" }, { namespaced: true }).map((e) =>
        e.toString(),
      ),
      [
        `metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_MSG}`,
        'metadata.namespace: Invalid value: "a.b": must not contain dots',
      ],
    );
  });

  it("limits annotations to 256 KiB in total", () => {
    const ok = validateObjectMeta({ name: "a", annotations: { k: "x".repeat(262143) } }, { namespaced: false });
    assert.deepEqual(ok, []);
    const big = validateObjectMeta({ name: "a", annotations: { k: "x".repeat(262144) } }, { namespaced: false });
    assert.deepEqual(
      big.map((e) => [e.type, e.toString()]),
      [["FieldValueTooLong", "metadata.annotations: Too long: must have at most 262144 bytes"]],
    );
  });

  it("checks generation, finalizers and a custom name validator", () => {
    assert.deepEqual(
      validateObjectMeta(
        { name: "Any_Name", generation: -1, finalizers: ["ok/x", "-no", "orphan", "foregroundDeletion"] },
        { namespaced: false, nameValidator: nameIsPathSegment },
      ).map((e) => e.toString()),
      [
        "metadata.generation: Invalid value: -1: must be greater than or equal to 0",
        `metadata.finalizers[1]: Invalid value: "-no": ${QNAME_MSG}`,
        'metadata.finalizers: Invalid value: ["ok/x","-no","orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set',
      ],
    );
  });
});
