import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { applyDifferences, assertAllowListUsed, etcdDifferences, matchCount } from "./support/etcd-differences.js";

// docs/brain.md's table "Differences from etcd 3.4.23" and the allow-list the
// differential suite reads must list the same differences, with the same text.

const docs = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docs", "brain.md");

/** The rows of the first table under the "Differences from etcd 3.4.23" heading, as [what, brain, why]. */
function docRows(): string[][] {
  const text = readFileSync(docs, "utf8");
  const start = text.indexOf("## Differences from etcd 3.4.23");
  assert.ok(start >= 0, "docs/brain.md has no 'Differences from etcd 3.4.23' section");
  const section = text.slice(start).split(/\n## /)[0]!;
  const rows = section
    .split("\n")
    .filter((l) => l.startsWith("|"))
    .map((l) =>
      l
        .slice(1, -1)
        .split(" | ")
        .map((c) => c.trim()),
    );
  assert.deepEqual(rows[0], ["what", "brain", "why"], "table header");
  assert.match(rows[1]!.join(""), /^-+$/, "table separator");
  return rows.slice(2);
}

describe("the allow-list and docs/brain.md's differences table", () => {
  it("every allow-list entry is a row of the table, with the same brain and why text", () => {
    const rows = new Map(docRows().map((r) => [r[0], r]));
    for (const d of etcdDifferences) {
      const row = rows.get(d.what);
      assert.ok(row, `allow-list entry ${d.id} ("${d.what}") is missing from docs/brain.md`);
      assert.equal(row[1], d.brain, `brain column of ${d.id}`);
      assert.equal(row[2], d.why, `why column of ${d.id}`);
    }
  });

  it("every row of the table is an allow-list entry", () => {
    const whats = new Set(etcdDifferences.map((d) => d.what));
    for (const [what] of docRows()) assert.ok(whats.has(what!), `docs/brain.md row "${what}" has no allow-list entry`);
  });

  it("entries have unique ids and unique what texts, and each names a suite it must match in", () => {
    const ids = etcdDifferences.map((d) => d.id);
    assert.equal(new Set(ids).size, ids.length, "duplicate id");
    const whats = etcdDifferences.map((d) => d.what);
    assert.equal(new Set(whats).size, whats.length, "duplicate what");
    assert.equal(docRows().length, etcdDifferences.length, "one row per entry");
    for (const d of etcdDifferences) assert.ok(d.suites.length > 0, `${d.id} names no suite`);
  });
});

describe("the allow-list's rules", () => {
  it("a stale entry (one that never matched in its suite) fails the suite", () => {
    // Nothing has been compared in this process, so every entry of the watch suite is unmatched.
    assert.throws(() => assertAllowListUsed("watch"), /never matched in suite "watch".*progress-while-catching-up/);
  });

  it("rewrite only where each side answers as the entry says, and count the matches", () => {
    const status = (version: string) => ({ ok: { version, dbSize: 20480 } });
    const label = "1:maintenance status";
    assert.deepEqual(applyDifferences("clients", "etcd", label, status("3.4.23")), {
      ok: { version: "<allowed:status-version>", dbSize: "<allowed:status-db-size>" },
    });
    assert.deepEqual(applyDifferences("clients", "brain", label, status("3.5.16")), {
      ok: { version: "<allowed:status-version>", dbSize: "<allowed:status-db-size>" },
    });
    // brain claiming 3.5.12 (too old for kube-apiserver's cached reads) is not allowed: left as is, so it differs.
    assert.deepEqual(applyDifferences("clients", "brain", label, status("3.5.12")), {
      ok: { version: "3.5.12", dbSize: "<allowed:status-db-size>" },
    });
    // Not in a suite that declares the entry, and not in a step the rule names: untouched.
    assert.deepEqual(applyDifferences("kv", "brain", label, status("3.5.16")), status("3.5.16"));
    assert.deepEqual(applyDifferences("clients", "brain", "1:kv.range", status("3.5.16")), status("3.5.16"));
    assert.equal(matchCount("status-version"), 2);
    // A delete rule removes the field only on the side that sends it as the entry says.
    const header = { revision: 0, raft_term: 2 };
    assert.deepEqual(
      applyDifferences("clients", "brain", "2:etcdctl alarm list", { header: { ...header, revision: "r3" } }),
      {},
    );
    assert.deepEqual(applyDifferences("clients", "etcd", "2:etcdctl alarm list", {}), {});
    assert.deepEqual(applyDifferences("clients", "brain", "2:etcdctl alarm list", { header }), { header });
  });
});
