import assert from "node:assert/strict";
import { test } from "node:test";
import { KeyIndex } from "../src/mvcc/key-index.js";

// KeyIndex keeps its oldest entry in fields and the rest in an array; this
// checks it against a plain list of entries under random writes, deletes,
// reads at every revision and compactions.

type Entry = { rev: number; sub: number; tombstone: boolean };

function modelVisible(entries: Entry[], rev: number): Entry | undefined {
  let found: Entry | undefined;
  for (const e of entries) if (e.rev <= rev) found = e;
  return found && !found.tombstone ? found : undefined;
}

function modelCompact(entries: Entry[], rev: number): { kept: Entry[]; dropped: Array<[number, number]> } {
  let keepFrom = -1;
  for (let i = entries.length - 1; i >= 0; i--) {
    if (entries[i]!.rev <= rev) {
      keepFrom = entries[i]!.tombstone ? i + 1 : i;
      break;
    }
  }
  if (keepFrom <= 0) return { kept: entries, dropped: [] };
  return {
    kept: entries.slice(keepFrom),
    dropped: entries.slice(0, keepFrom).map((e) => [e.rev, e.sub]),
  };
}

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function check(ki: KeyIndex, entries: Entry[], upTo: number, where: string): void {
  assert.equal(ki.size, entries.length, `${where}: size`);
  assert.equal(ki.empty, entries.length === 0, `${where}: empty`);
  if (entries.length > 0) {
    const last = entries[entries.length - 1]!;
    assert.equal(ki.modRev, last.rev, `${where}: modRev`);
    assert.equal(ki.modSub, last.sub, `${where}: modSub`);
  }
  for (let rev = 0; rev <= upTo + 1; rev++) {
    const want = modelVisible(entries, rev);
    const e = ki.visibleAt(rev);
    if (!want) {
      assert.equal(e, -1, `${where}: nothing visible at ${rev}`);
      continue;
    }
    assert.notEqual(e, -1, `${where}: a version visible at ${rev}`);
    assert.equal(ki.revAt(e), want.rev, `${where}: revision visible at ${rev}`);
    assert.equal(ki.subAt(e), want.sub, `${where}: sub-revision visible at ${rev}`);
  }
}

test("KeyIndex answers reads and compactions as a plain list of entries does", () => {
  for (let seed = 1; seed <= 200; seed++) {
    const next = random(seed);
    const ki = new KeyIndex("k");
    let entries: Entry[] = [];
    let rev = 1;
    for (let step = 0; step < 40; step++) {
      const where = `seed ${seed} step ${step}`;
      const roll = next();
      if (roll < 0.6) {
        rev += 1 + Math.floor(next() * 3);
        const e = { rev, sub: Math.floor(next() * 5), tombstone: next() < 0.25 };
        ki.record(e.rev, e.sub, e.tombstone);
        entries.push(e);
      } else {
        const at = Math.floor(next() * (rev + 1));
        const dropped: Array<[number, number]> = [];
        ki.compact(at, dropped);
        const want = modelCompact(entries, at);
        assert.deepEqual(dropped, want.dropped, `${where}: entries dropped by compacting at ${at}`);
        entries = want.kept;
      }
      check(ki, entries, rev, where);
    }
  }
});

test("a key compacted to nothing can be written again", () => {
  const ki = new KeyIndex("k");
  ki.record(5, 0, false);
  ki.record(7, 1, true);
  const dropped: Array<[number, number]> = [];
  ki.compact(8, dropped);
  assert.deepEqual(dropped, [
    [5, 0],
    [7, 1],
  ]);
  assert.equal(ki.empty, true);
  ki.record(9, 2, false);
  assert.equal(ki.visibleAt(9), 0);
  assert.equal(ki.subAt(0), 2);
  assert.equal(ki.visibleAt(8), -1);
});
