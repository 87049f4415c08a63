import { existsSync } from "node:fs";
import type { TestContext } from "node:test";

/**
 * Whether an external program a test needs is installed. Where it is not,
 * the test is skipped with the reason in its output, unless
 * WHARF_REQUIRE_SERVICES=1 (as CI sets), which turns the skip into a failure.
 */
export function requireProgram(t: TestContext, path: string, pkg: string): boolean {
  if (existsSync(path)) return true;
  const why = `${path} not found: install Debian's ${pkg} to run this test`;
  if (process.env.WHARF_REQUIRE_SERVICES === "1") throw new Error(`${why} (WHARF_REQUIRE_SERVICES=1)`);
  t.skip(why);
  return false;
}

export const ETCD_BIN = "/usr/bin/etcd";
export const ETCDCTL_BIN = "/usr/bin/etcdctl";
