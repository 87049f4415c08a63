import type { KubeObject } from "../strategy.js";
import { define, fieldAt } from "./define.js";

// events.k8s.io/v1 Events are core/v1 Events in etcd (same key space,
// "events"); kube-apiserver converts between the two shapes field by field
// (pkg/apis/events/v1/conversion.go), and so does this table.

type Obj = Record<string, unknown>;

/** Copies `from[a]` to `to[b]` when present. */
function move(from: Obj, to: Obj, pairs: [string, string][]): void {
  for (const [a, b] of pairs) if (from[a] !== undefined) to[b] = from[a];
}

const SHARED: [string, string][] = [
  ["eventTime", "eventTime"],
  ["series", "series"],
  ["reportingInstance", "reportingInstance"],
  ["action", "action"],
  ["reason", "reason"],
  ["related", "related"],
  ["type", "type"],
];

const RENAMED: [string, string][] = [
  ["note", "message"],
  ["regarding", "involvedObject"],
  ["reportingController", "reportingComponent"],
  ["deprecatedSource", "source"],
  ["deprecatedFirstTimestamp", "firstTimestamp"],
  ["deprecatedLastTimestamp", "lastTimestamp"],
  ["deprecatedCount", "count"],
];

/** events.k8s.io/v1 → core/v1 (the stored shape). */
export function toCoreEvent(o: KubeObject): KubeObject {
  const out: KubeObject = { apiVersion: "v1", kind: "Event", metadata: o.metadata };
  move(o, out, SHARED);
  move(o, out, RENAMED);
  return out;
}

/** core/v1 → events.k8s.io/v1. */
export function fromCoreEvent(o: KubeObject): KubeObject {
  const out: KubeObject = { apiVersion: "events.k8s.io/v1", kind: "Event", metadata: o.metadata };
  move(o, out, SHARED);
  move(
    o,
    out,
    RENAMED.map(([a, b]) => [b, a]),
  );
  return out;
}

export const eventsV1 = define("events.k8s.io", "v1", "Event", "events", {
  namespaced: true,
  shortNames: ["ev"],
  conversion: { storageApiVersion: "v1", toStorage: toCoreEvent, fromStorage: fromCoreEvent },
  // events.k8s.io's own field labels, mapped onto the same fields (AddFieldLabelConversionsForEvent).
  fieldSelectors: {
    reason: fieldAt("reason"),
    "regarding.kind": fieldAt("regarding.kind"),
    "regarding.namespace": fieldAt("regarding.namespace"),
    "regarding.name": fieldAt("regarding.name"),
    "regarding.uid": fieldAt("regarding.uid"),
    "regarding.apiVersion": fieldAt("regarding.apiVersion"),
    "regarding.resourceVersion": fieldAt("regarding.resourceVersion"),
    "regarding.fieldPath": fieldAt("regarding.fieldPath"),
    reportingController: fieldAt("reportingController"),
    type: fieldAt("type"),
  },
});

export const eventsResources = [eventsV1];
