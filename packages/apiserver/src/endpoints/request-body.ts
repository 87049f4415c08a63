import { badRequest, goQuote, type StatusError, unsupportedMediaType } from "@wharf/apimachinery";
import { parse, YAMLParseError } from "yaml";
import type { KubeObject } from "../registry/generic-store.js";
import type { ResourceDefinition } from "../registry/resource-definition.js";
import { yamlDuplicateKeys } from "./field-validation/yaml-duplicates.js";
import { goJsonSyntaxError } from "./go-json-syntax.js";

// Decoding create and update bodies as kube-apiserver's JSON and YAML
// serializers do (application/json, application/yaml), with its 400s: a
// body that is not an object, malformed JSON or YAML ("the object provided
// is unrecognized …"), and a kind or apiVersion the resource cannot take.

/** Plain JSON values (collections of YAML's other types, such as !!set, as objects). */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

/**
 * YAML 1.1 as go-yaml v2 resolves it into interface{} values: timestamps
 * stay the strings they are written as, and sexagesimal numbers (1:20) are
 * strings too.
 */
const goYamlTags = (tags: { tag: string; format?: string }[]) =>
  tags.filter((t) => t.tag !== "tag:yaml.org,2002:timestamp" && t.format !== "TIME");

/** A YAML document go-yaml cannot read; `message` in go-yaml's words where known (`yaml: line 2: …`). */
export class YamlSyntaxError extends Error {}

/** go-yaml's texts for the errors of the yaml package that have a known counterpart. */
const GO_YAML_MESSAGES: Record<string, string> = {
  BLOCK_AS_IMPLICIT_KEY: "mapping values are not allowed in this context",
  TAB_AS_INDENT: "found character that cannot start any token",
};

/**
 * A YAML document as sigs.k8s.io/yaml converts it to JSON: YAML 1.1,
 * merge keys, the last of repeated keys, timestamps as written; null for an
 * empty document. Throws YamlSyntaxError.
 */
export function yamlToJson(text: string): unknown {
  try {
    // Repeated keys are kube's to judge (fieldValidation); the last one wins, as in go-yaml.
    const options = { version: "1.1", merge: true, prettyErrors: false, uniqueKeys: false, logLevel: "error" } as const;
    return plain(parse(text, { ...options, customTags: goYamlTags as never }) ?? null);
  } catch (e) {
    if (!(e instanceof YAMLParseError)) throw e;
    const known = GO_YAML_MESSAGES[e.code];
    if (!known) throw new YamlSyntaxError(e.message);
    const line = text.slice(0, e.pos[0]).split("\n").length;
    throw new YamlSyntaxError(`yaml: line ${line}: ${known}`);
  }
}

/** A request's media type without its parameters ("" when it sent none). */
const mediaType = (contentType: string | string[] | undefined): string =>
  String(contentType ?? "")
    .split(";")[0]!
    .trim()
    .toLowerCase();

export const isYamlBody = (contentType: string | string[] | undefined): boolean =>
  mediaType(contentType) === "application/yaml";

/** kube's summarizeData: the body's start as text if it is a JSON object, else in hex. */
function summarize(text: string): string {
  const data = Buffer.from(text, "utf8");
  if (data.length === 0) return "<empty>";
  const head = data.subarray(0, 30);
  const more = data.length > 30 ? " ..." : "";
  return data[0] === 0x7b ? `${head.toString("utf8")}${more}` : `${head.toString("hex")}${more}`;
}

/** Go's name of a JSON value's type in unmarshal errors. */
function goJsonType(v: unknown): string {
  return Array.isArray(v) ? "array" : typeof v === "boolean" ? "bool" : typeof v;
}

const FIND_KIND =
  'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/** A decoded create or update body, and for YAML its repeated keys (go-yaml's lines). */
export interface DecodedBody {
  value: unknown;
  yamlDuplicates?: string[];
}

/**
 * A create or update body of `kind` (the resource's), JSON or YAML by
 * content type. What kube's decoder refuses before it knows the body's kind
 * is 400 `the object provided is unrecognized (must be of type <kind>): …
 * (<summary>)`. A null document is null (built-in kinds decode it as an
 * empty object; custom resources refuse it).
 */
export function decodeObjectBody(text: string, contentType: string | string[] | undefined, kind: string): DecodedBody {
  const unrecognized = (message: string): StatusError =>
    badRequest(`the object provided is unrecognized (must be of type ${kind}): ${message} (${summarize(text)})`);
  const media = mediaType(contentType);
  // kube's NegotiateInputSerializer: no Content-Type is JSON, an unknown one 415.
  if (media !== "" && media !== "application/json" && media !== "application/yaml") throw unsupportedMediaType();
  let value: unknown;
  let yamlDuplicates: string[] | undefined;
  if (isYamlBody(contentType)) {
    try {
      value = yamlToJson(text);
    } catch (e) {
      if (e instanceof YamlSyntaxError) throw unrecognized(`error converting YAML to JSON: ${e.message}`);
      throw e;
    }
    yamlDuplicates = yamlDuplicateKeys(text);
  } else {
    try {
      value = JSON.parse(text);
    } catch (e) {
      const message = goJsonSyntaxError(text) ?? (e as Error).message;
      throw unrecognized(`couldn't get version/kind; json parse error: ${message}`);
    }
  }
  if (value !== null && (typeof value !== "object" || Array.isArray(value))) {
    throw unrecognized(
      `couldn't get version/kind; json parse error: json: cannot unmarshal ${goJsonType(value)} into Go value of type ${FIND_KIND}`,
    );
  }
  return { value, yamlDuplicates };
}

/** The Go package of a group's internal types (kube converts every request into them). */
function internalPackage(group: string): string {
  if (group === "" || group === "events.k8s.io") return "core";
  return group.split(".")[0]!;
}

/** Versions kube 1.28's scheme still registers (for decoding) though it no longer serves them. */
const UNSERVED_REGISTERED: Record<string, string[]> = {
  "apps/v1beta1": ["Deployment", "StatefulSet", "ControllerRevision", "Scale"],
  "apps/v1beta2": ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision", "Scale"],
  "extensions/v1beta1": ["Deployment", "DaemonSet", "ReplicaSet", "Ingress", "NetworkPolicy", "Scale"],
  "batch/v1beta1": ["CronJob"],
  "policy/v1beta1": ["PodDisruptionBudget", "Eviction"],
  "autoscaling/v2beta1": ["HorizontalPodAutoscaler"],
  "autoscaling/v2beta2": ["HorizontalPodAutoscaler"],
  "networking.k8s.io/v1beta1": ["Ingress", "IngressClass"],
  "discovery.k8s.io/v1beta1": ["EndpointSlice"],
  "events.k8s.io/v1beta1": ["Event"],
  "storage.k8s.io/v1beta1": ["StorageClass", "VolumeAttachment", "CSIDriver", "CSINode", "CSIStorageCapacity"],
  "rbac.authorization.k8s.io/v1beta1": ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"],
  "scheduling.k8s.io/v1beta1": ["PriorityClass"],
  "node.k8s.io/v1beta1": ["RuntimeClass"],
};

/**
 * kube's decoding of a built-in kind's body (its kind and apiVersion
 * defaulted from the path): another kind of a known version cannot be
 * converted (`Secret in version "v1" cannot be handled as a ConfigMap:
 * converting (v1.Secret) to (core.ConfigMap): unknown conversion`), an
 * unknown kind or version is not registered, and the same kind of another
 * registered version is `the API version in the data (…) does not match
 * the expected API version (…)`. `known` lists the served resources.
 */
export function checkBodyKind(obj: KubeObject, def: ResourceDefinition, known: readonly ResourceDefinition[]): void {
  const expected = def.group === "" ? def.version : `${def.group}/${def.version}`;
  const kind = typeof obj.kind === "string" && obj.kind !== "" ? obj.kind : def.kind;
  const apiVersion = typeof obj.apiVersion === "string" && obj.apiVersion !== "" ? obj.apiVersion : expected;
  if (kind === def.kind && apiVersion === expected) return;
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  if (apiVersion.split("/").length > 2) {
    throw badRequest(`unexpected GroupVersion string: ${apiVersion}`);
  }
  const cannot = (message: string) =>
    badRequest(`${kind} in version ${goQuote(version)} cannot be handled as a ${def.kind}: ${message}`);
  const registered =
    known.some((d) => d.group === group && d.version === version && d.kind === kind) ||
    (UNSERVED_REGISTERED[apiVersion]?.includes(kind) ?? false);
  if (!registered) {
    throw cannot(
      `no kind ${goQuote(kind)} is registered for version ${goQuote(apiVersion)} in scheme "pkg/api/legacyscheme/scheme.go:30"`,
    );
  }
  if (kind !== def.kind) {
    throw cannot(`converting (${version}.${kind}) to (${internalPackage(def.group)}.${def.kind}): unknown conversion`);
  }
  throw badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${expected})`);
}
