import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StatusError } from "@wharf/apimachinery";
import { builtinResources } from "../src/registry/builtin-resources.js";
import {
  deleteOptionsFromBody,
  deleteOptionsFromQuery,
  validateDeleteOptions,
} from "../src/registry/delete-options.js";
import { defaultGarbageCollectionPolicy, returnsDeletedObject } from "../src/registry/deletion-policy.js";
import {
  garbageCollectionFinalizers,
  keepDeletionMeta,
  markAsDeleting,
  shouldDeleteDuringUpdate,
} from "../src/registry/finalizers.js";
import { beforeDelete } from "../src/registry/graceful-deletion.js";
import type { ResourceDefinition } from "../src/registry/resource-definition.js";

// The pure parts of deletion: options, the garbage collector's finalizers,
// graceful deletion of pods and the deletion fields on update.

const def = (group: string, resource: string): ResourceDefinition =>
  builtinResources.find((d) => d.group === group && d.resource === resource)!;
const pods = def("", "pods");
const configmaps = def("", "configmaps");
const now = new Date("2024-05-01T10:00:00Z");

describe("delete options", () => {
  it("reads the query as kube's url.Values conversion does", () => {
    const o = deleteOptionsFromQuery(
      new URLSearchParams("gracePeriodSeconds=5&orphanDependents=FALSE&propagationPolicy=Orphan&dryRun=All"),
    );
    assert.deepEqual(o, {
      gracePeriodSeconds: 5,
      orphanDependents: false,
      propagationPolicy: "Orphan",
      dryRun: ["All"],
    });
    // Any value but "0" and "false" is true, even an empty one.
    assert.equal(deleteOptionsFromQuery(new URLSearchParams("orphanDependents=")).orphanDependents, true);
    assert.throws(
      () => deleteOptionsFromQuery(new URLSearchParams("gracePeriodSeconds=1.5")),
      (e: StatusError) => e.code === 400 && e.message === 'strconv.ParseInt: parsing "1.5": invalid syntax',
    );
  });

  it("reads a body of any apiVersion with kind DeleteOptions, and refuses other kinds and wrong types", () => {
    assert.deepEqual(
      deleteOptionsFromBody('{"kind":"DeleteOptions","apiVersion":"batch/v1","preconditions":{"uid":"u"},"dryRun":[]}'),
      { preconditions: { uid: "u" } },
    );
    assert.deepEqual(deleteOptionsFromBody('{"gracePeriodSeconds":null,"propagationPolicy":"Foreground"}'), {
      propagationPolicy: "Foreground",
    });
    assert.throws(
      () => deleteOptionsFromBody('{"gracePeriodSeconds":"30"}'),
      (e: StatusError) =>
        e.code === 500 &&
        e.message ===
          "json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64",
    );
    assert.throws(
      () => deleteOptionsFromBody('{"kind":"Status"}'),
      (e: StatusError) =>
        e.code === 500 && e.message.startsWith('no kind "Status" is registered for version "meta.k8s.io/v1"'),
    );
  });

  it("validates as ValidateDeleteOptions", () => {
    assert.deepEqual(validateDeleteOptions({ propagationPolicy: "Background", dryRun: ["All"] }), []);
    assert.deepEqual(
      validateDeleteOptions({ orphanDependents: true, propagationPolicy: "x", dryRun: ["All", "y"] }).map(String),
      [
        'propagationPolicy: Invalid value: "x": orphanDependents and deletionPropagation cannot be both set',
        'propagationPolicy: Unsupported value: "x": supported values: "Foreground", "Background", "Orphan", "nil"',
        'dryRun: Unsupported value: []string{"All", "y"}: supported values: "All"',
      ],
    );
  });
});

describe("garbage collection finalizers", () => {
  it("follow options over the object's finalizers over the resource's default", () => {
    const gc = garbageCollectionFinalizers;
    assert.deepEqual(gc("DeleteDependents", ["a"], {}), { changed: false, finalizers: ["a"] });
    assert.deepEqual(gc("DeleteDependents", ["a"], { propagationPolicy: "Orphan" }), {
      changed: true,
      finalizers: ["a", "orphan"],
    });
    assert.deepEqual(gc("DeleteDependents", ["orphan"], { propagationPolicy: "Foreground" }), {
      changed: true,
      finalizers: ["foregroundDeletion"],
    });
    assert.deepEqual(gc("OrphanDependents", [], {}), { changed: true, finalizers: ["orphan"] });
    assert.deepEqual(gc("OrphanDependents", [], { orphanDependents: false }), { changed: false, finalizers: [] });
    assert.deepEqual(gc("DeleteDependents", ["foregroundDeletion"], {}), {
      changed: false,
      finalizers: ["foregroundDeletion"],
    });
    assert.deepEqual(gc("Unsupported", ["orphan"], { propagationPolicy: "Orphan" }), { changed: true, finalizers: [] });
  });

  it("per resource as kube 1.28 defaults them", () => {
    assert.equal(defaultGarbageCollectionPolicy(def("", "replicationcontrollers")), "OrphanDependents");
    assert.equal(defaultGarbageCollectionPolicy(def("batch", "jobs")), "OrphanDependents");
    assert.equal(defaultGarbageCollectionPolicy(def("apps", "deployments")), "DeleteDependents");
    assert.equal(defaultGarbageCollectionPolicy(def("", "events")), "Unsupported");
    assert.equal(returnsDeletedObject(pods), true);
    assert.equal(returnsDeletedObject(configmaps), false);
    assert.equal(returnsDeletedObject({ ...configmaps, group: "example.com", resource: "widgets" }), true);
  });

  it("mark a deleting object once, keeping an earlier deletionTimestamp", () => {
    const meta = { generation: 3 } as Record<string, unknown>;
    markAsDeleting(meta, now);
    assert.deepEqual(meta, { generation: 4, deletionTimestamp: "2024-05-01T10:00:00Z", deletionGracePeriodSeconds: 0 });
    markAsDeleting(meta, new Date("2024-05-01T11:00:00Z"));
    assert.deepEqual(meta, { generation: 4, deletionTimestamp: "2024-05-01T10:00:00Z", deletionGracePeriodSeconds: 0 });
  });
});

describe("graceful deletion of pods", () => {
  const pod = (
    spec: object,
    status: object = { phase: "Running" },
    meta: object = {},
  ): { metadata: Record<string, unknown>; spec: object; status: object } => ({
    metadata: { name: "p", uid: "u", resourceVersion: "7", ...meta },
    spec,
    status,
  });

  it("gives a bound, running pod its termination grace period, or the one asked for", () => {
    const p = pod({ nodeName: "n", terminationGracePeriodSeconds: 30 });
    const options = {};
    assert.deepEqual(beforeDelete(pods, p, options, now), { graceful: true, pending: false });
    assert.equal(p.metadata.deletionTimestamp, "2024-05-01T10:00:30Z");
    assert.equal(p.metadata.deletionGracePeriodSeconds, 30);
    assert.deepEqual(options, { gracePeriodSeconds: 30 });
    const q = pod({ nodeName: "n", terminationGracePeriodSeconds: 30 });
    beforeDelete(pods, q, { gracePeriodSeconds: -5 }, now);
    assert.equal(q.metadata.deletionGracePeriodSeconds, 1, "negative counts as 1 s");
  });

  it("gives unscheduled and finished pods 0", () => {
    for (const p of [pod({ terminationGracePeriodSeconds: 30 }), pod({ nodeName: "n" }, { phase: "Succeeded" })]) {
      const options = { gracePeriodSeconds: 60 };
      assert.deepEqual(beforeDelete(pods, p, options, now), { graceful: true, pending: false });
      assert.equal(p.metadata.deletionGracePeriodSeconds, 0);
      assert.equal(options.gracePeriodSeconds, 0);
    }
  });

  it("only shortens the grace period of a pod already being deleted", () => {
    const meta = { deletionTimestamp: "2024-05-01T10:00:30Z", deletionGracePeriodSeconds: 30 };
    const shorter = pod({ nodeName: "n" }, {}, meta);
    assert.deepEqual(beforeDelete(pods, shorter, { gracePeriodSeconds: 5 }, now), { graceful: true, pending: false });
    assert.equal(shorter.metadata.deletionTimestamp, "2024-05-01T10:00:05Z");
    const longer = pod({ nodeName: "n" }, {}, meta);
    assert.deepEqual(beforeDelete(pods, longer, { gracePeriodSeconds: 30 }, now), { graceful: false, pending: true });
    assert.deepEqual(beforeDelete(pods, pod({ nodeName: "n" }, {}, meta), {}, now), { graceful: false, pending: true });
  });

  it("is not graceful for other resources, and checks preconditions first", () => {
    const cm = { metadata: { name: "c", uid: "u", resourceVersion: "7" } };
    assert.deepEqual(beforeDelete(configmaps, cm, { gracePeriodSeconds: 30 }, now), {
      graceful: false,
      pending: false,
    });
    assert.equal((cm.metadata as Record<string, unknown>).deletionTimestamp, undefined);
    assert.throws(
      () => beforeDelete(configmaps, cm, { preconditions: { resourceVersion: "6" } }, now),
      (e: StatusError) =>
        e.code === 409 &&
        e.message ===
          'Operation cannot be fulfilled on ConfigMap "c": the ResourceVersion in the precondition (6) does not match the ResourceVersion in record (7). The object might have been modified',
    );
  });
});

describe("deletion fields on update", () => {
  it("keep the server's deletion fields and refuse new finalizers on a deleting object", () => {
    const old = { deletionTimestamp: "2024-05-01T10:00:00Z", deletionGracePeriodSeconds: 0, finalizers: ["a"] };
    const next: Record<string, unknown> = { finalizers: ["a", "c", "b"] };
    assert.deepEqual(keepDeletionMeta(next, old, false).map(String), [
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b", "c"}',
    ]);
    assert.equal(next.deletionTimestamp, old.deletionTimestamp);
    assert.equal(next.deletionGracePeriodSeconds, 0);
    // The server's own writes may set a deletionTimestamp (namespace termination).
    assert.deepEqual(keepDeletionMeta({ deletionTimestamp: "2024-05-01T10:00:00Z" }, {}, true), []);
  });

  it("delete a deleting object once its last finalizer is gone, unless a grace period runs", () => {
    const deleting = { metadata: { deletionTimestamp: "t", deletionGracePeriodSeconds: 0, finalizers: ["a"] } };
    assert.equal(shouldDeleteDuringUpdate({ metadata: {} }, deleting, "configmaps", ""), true);
    assert.equal(shouldDeleteDuringUpdate({ metadata: { finalizers: ["a"] } }, deleting, "configmaps", ""), false);
    assert.equal(shouldDeleteDuringUpdate({ metadata: {} }, { metadata: {} }, "configmaps", ""), false);
    const graceful = { metadata: { deletionTimestamp: "t", deletionGracePeriodSeconds: 30 } };
    assert.equal(shouldDeleteDuringUpdate({ metadata: {} }, graceful, "pods", ""), false);
    // Namespaces also wait for spec.finalizers.
    const ns = { metadata: {}, spec: { finalizers: ["kubernetes"] } };
    assert.equal(shouldDeleteDuringUpdate(ns, deleting, "namespaces", ""), false);
  });
});
