// Where brain's time goes under one workload: runs brain with V8's CPU
// profiler, drives it with the load generator, and prints self time by
// function and by component.
//   npm run bench:brain:profile -- -workload=create -clients=256 -duration=10s
// Arguments are passed to the load generator; the .cpuprofile is kept for
// Chrome DevTools and its path printed.

import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@wharf/testing";
import { buildLoadgen } from "./loadgen-build.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}

const repoRoot = join(fileURLToPath(import.meta.url), "..", "..", "..");
const args = process.argv.slice(2);
const binary = buildLoadgen();
const dir = mkdtempSync(join(tmpdir(), "wharf-profile-"));
const port = await freePort();
const brain = spawn(
  process.execPath,
  [
    "--cpu-prof",
    `--cpu-prof-dir=${dir}`,
    "--import",
    "tsx",
    join(repoRoot, "packages/wharf/src/main.ts"),
    "brain",
    `--data-dir=${join(dir, "data")}`,
    `--listen-client-urls=http://127.0.0.1:${port}`,
    "--log-level=warn",
  ],
  { stdio: "inherit" },
);
const exited = new Promise((r) => brain.once("exit", r));
for (let i = 0; ; i++) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    if (res.ok) break;
  } catch {
    if (i > 300) throw new Error("brain did not start");
  }
  await new Promise((r) => setTimeout(r, 50));
}
const needsKeys = args.some((a) => /-workload=(update|delete|get|list)/.test(a));
if (needsKeys) {
  const keys = args.find((a) => a.startsWith("-keys="));
  const valSize = args.find((a) => a.startsWith("-val-size="));
  execFileSync(binary, [
    `-endpoint=127.0.0.1:${port}`,
    "-workload=preload",
    "-clients=64",
    ...(keys ? [keys] : []),
    ...(valSize ? [valSize] : []),
  ]);
}
const out = execFileSync(binary, [`-endpoint=127.0.0.1:${port}`, ...args]).toString();
brain.kill("SIGTERM");
await exited;
console.log(out.trim());

// One main-thread profile (thread 0) per process: the sequencer's and each protocol worker's; tsx's loader thread
// writes others, which are left out.
rmSync(join(dir, "data"), { recursive: true, force: true });
const files = readdirSync(dir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f));
if (files.length === 0) throw new Error(`no profile written in ${dir}`);
for (const file of files) {
  const pid = Number(file.split(".")[3]);
  report(file, pid === brain.pid ? `sequencer (pid ${pid})` : `protocol worker (pid ${pid})`);
}

function report(file: string, title: string): void {
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
  };
  const total = profile.nodes.reduce((s, n) => s + n.hitCount, 0);
  const byFunction = new Map<string, number>();
  const byComponent = new Map<string, number>();
  const component = (url: string, name: string): string => {
    if (name.startsWith("(")) return name;
    if (url.includes("@grpc/grpc-js")) return "grpc-js";
    if (url.includes("node_modules/lmdb") || url.includes("node_modules/msgpackr")) return "lmdb";
    if (url.includes("node_modules/sorted-btree")) return "sorted-btree";
    if (url.includes("/packages/etcd-api/")) return "protobuf (etcd-api)";
    if (url.includes("/packages/brain/src/")) return `brain ${url.split("/packages/brain/src/")[1]!.split("/")[0]}`;
    if (url.startsWith("node:")) return `node ${url.slice(5).split("/")[0]}`;
    if (url === "") return "native";
    return url.split("/node_modules/")[1]?.split("/")[0] ?? url;
  };
  for (const n of profile.nodes) {
    const { functionName, url, lineNumber } = n.callFrame;
    const where = `${functionName || "(anonymous)"} ${url.replace(/^.*\/(packages|node_modules)\//, "")}:${lineNumber + 1}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + n.hitCount);
    const c = component(url, functionName);
    byComponent.set(c, (byComponent.get(c) ?? 0) + n.hitCount);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join("\n");
  console.log(
    `\n=== ${title}\nprofile: ${join(dir, file)} (${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s)`,
  );
  console.log(`\nby component (self time):\n${top(byComponent, 25)}`);
  console.log(`\nby function (self time):\n${top(byFunction, 40)}`);
}
