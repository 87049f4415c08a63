import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "loadgen", "main.go");
/** Build output stays out of git (.gitignore: bench/brain/.build/). */
export const loadgenBinary = join(here, ".build", "loadgen");
/** Debian's golang-etcd-server-dev installs clientv3 and its dependencies here. */
const DEBIAN_GOPATH = "/usr/share/gocode";

/**
 * Builds the Go load generator from Debian's clientv3 sources, offline, in
 * GOPATH mode; rebuilds only when the source is newer than the binary.
 */
export function buildLoadgen(): string {
  if (spawnSync("go", ["version"]).status !== 0 || !existsSync(join(DEBIAN_GOPATH, "src/go.etcd.io/etcd/clientv3"))) {
    throw new Error(
      "the load generator needs Go and etcd's Go client: apt-get install -y golang-go golang-etcd-server-dev",
    );
  }
  if (existsSync(loadgenBinary) && statSync(loadgenBinary).mtimeMs >= statSync(source).mtimeMs) return loadgenBinary;
  mkdirSync(dirname(loadgenBinary), { recursive: true });
  execFileSync("go", ["build", "-o", loadgenBinary, source], {
    env: { ...process.env, GO111MODULE: "off", GOPATH: DEBIAN_GOPATH, GOFLAGS: "" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return loadgenBinary;
}
