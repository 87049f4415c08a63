import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fillCreateMeta, formatTimestamp, generateName, RANDOM_NAME_ALPHABET, randomString } from "../src/index.js";

describe("creation metadata", () => {
  it("formats timestamps as RFC 3339 whole seconds in UTC", () => {
    assert.equal(formatTimestamp(new Date("2026-01-02T15:04:05.999Z")), "2026-01-02T15:04:05Z");
  });

  it("generates names from kube's alphabet, cutting long bases to 58", () => {
    assert.equal(RANDOM_NAME_ALPHABET, "bcdfghjklmnpqrstvwxz2456789");
    for (let i = 0; i < 50; i++) {
      const n = generateName("web-");
      assert.match(n, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    }
    const long = generateName("x".repeat(80));
    assert.equal(long.length, 63);
    assert.ok(long.startsWith("x".repeat(58)));
    assert.match(randomString(200), /^[bcdfghjklmnpqrstvwxz2456789]{200}$/);
  });

  it("fills uid, timestamp, name and generation without touching the input", () => {
    const input = { generateName: "job-", labels: { a: "b" }, deletionTimestamp: "2026-01-01T00:00:00Z" };
    const out = fillCreateMeta(input, { hasSpec: true, now: new Date("2026-01-02T15:04:05Z") });
    assert.match(out.uid!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(out.creationTimestamp, "2026-01-02T15:04:05Z");
    assert.match(out.name!, /^job-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(out.generation, 1);
    assert.equal(out.deletionTimestamp, undefined);
    assert.deepEqual(out.labels, { a: "b" });
    assert.equal((input as { name?: string }).name, undefined);
    assert.notEqual(fillCreateMeta({ name: "x" }).uid, fillCreateMeta({ name: "x" }).uid);
  });

  it("keeps an explicit name and sets no generation without a spec", () => {
    const out = fillCreateMeta({ name: "fixed", generateName: "ignored-", generation: 7 });
    assert.equal(out.name, "fixed");
    assert.equal(out.generation, 7);
  });
});
