// The side-by-side benchmark of brain against Debian's etcd (issue 4).
//   npm run bench:brain              full run; appends to bench/results/brain.md
//   npm run bench:brain -- --smoke   a short run that checks the machinery (CI)
// Options: --only=<substring>[,<substring>…] runs the workloads matching any of them (results in
// bench/results/brain-only.json, nothing appended); --no-scale skips the 1M-key run.

import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { defaultProtocolWorkers } from "@wharf/brain";
import { ETCD_BIN, type ProcessServer, startBrain, startEtcd, tempDir } from "@wharf/testing";
import { gcDelta, gcSnapshot } from "./brain-gc.js";
import { buildLoadgen } from "./loadgen-build.js";
import { cpuSeconds, hostCpu, memory, sampleMemory, stealPercent } from "./process-stats.js";
import {
  appendMarkdown,
  COLUMNS,
  cells,
  type LoadgenResult,
  type Measurement,
  markdownTable,
  type Row,
  SCALE_COLUMNS,
  type ScaleResult,
  scaleCells,
  textTable,
  writeJson,
} from "./report.js";
import { plan, type Workload } from "./workloads.js";

const run = promisify(execFile);
const repoRoot = join(fileURLToPath(import.meta.url), "..", "..", "..");
const argv = process.argv.slice(2);
const smoke = argv.includes("--smoke");
const only = argv
  .find((a) => a.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
const noScale = argv.includes("--no-scale") || only !== undefined;
/** Room for the scale run's million 1 KiB keys plus their history, on both servers. */
const QUOTA = String(8 * 1024 * 1024 * 1024);

type Name = "etcd" | "brain";
interface Server {
  name: Name;
  proc: ProcessServer;
  dataDir: string;
  port: number;
}

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

async function start(name: Name, dataDir: string, port?: number): Promise<Server> {
  const proc =
    name === "etcd"
      ? await startEtcd({ dataDir, port, args: [`--quota-backend-bytes=${QUOTA}`] })
      : await startBrain({ dataDir, port, args: [`--quota-backend-bytes=${QUOTA}`] });
  return { name, proc, dataDir, port: Number(proc.endpoint.split(":")[1]) };
}

async function loadgen(binary: string, server: Server, prefix: string, args: string[]): Promise<LoadgenResult> {
  const { stdout } = await run(
    binary,
    [`-endpoint=${server.proc.endpoint}`, "-conns=8", `-prefix=${prefix}`, ...args],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout) as LoadgenResult;
}

/** Prefixes each server has been loaded with in this run: workloads sharing keys load them once. */
const loaded = new Map<Server, Set<string>>();

async function measure(binary: string, server: Server, w: Workload): Promise<Measurement> {
  const done = loaded.get(server) ?? new Set<string>();
  loaded.set(server, done);
  if (w.preload && !done.has(w.prefix)) {
    done.add(w.prefix);
    const p = await loadgen(binary, server, w.prefix, [
      "-workload=preload",
      "-clients=64",
      `-keys=${w.preload.keys}`,
      `-val-size=${w.preload.valSize}`,
    ]);
    if (p.errors > 0) throw new Error(`${server.name}: preload of ${w.name} had ${p.errors} errors`);
  }
  const cpu0 = cpuSeconds(server.proc.pid);
  const host0 = hostCpu();
  const mem = sampleMemory(server.proc.pid);
  const gc0 = server.name === "brain" ? await gcSnapshot(server.proc.endpoint) : undefined;
  const load = await loadgen(binary, server, w.prefix, w.args);
  const hostStealPercent = stealPercent(host0, hostCpu());
  const peak = mem.stop();
  const gc1 = gc0 && (await gcSnapshot(server.proc.endpoint));
  if (gc0 && gc1) progress(`brain sequencer: ${gcDelta(gc0, gc1)}`);
  const x = load.extra as { eventsDelivered?: number; eventResponses?: number } | undefined;
  // How much the server batched revisions for watchers behind: fewer responses cost the client less.
  if (x?.eventResponses) progress(`${server.name}: ${x.eventsDelivered} events in ${x.eventResponses} responses`);
  return {
    server: server.name,
    load,
    serverCpuSeconds: cpuSeconds(server.proc.pid) - cpu0,
    peakRss: peak.rss,
    peakRssAnon: peak.rssAnon,
    hostStealPercent,
  };
}

/** Problems that make a run's numbers meaningless: failed requests, lost or reordered watch events. */
function problems(m: Measurement): string[] {
  const out: string[] = [];
  if (m.load.errors > 0) out.push(`${m.server}: ${m.load.errors} errors (${JSON.stringify(m.load.extra ?? {})})`);
  if (m.load.ops === 0) out.push(`${m.server}: no operations completed`);
  return out;
}

async function scale(binary: string, server: Server, keys: number): Promise<{ server: Server; result: ScaleResult }> {
  progress(`${server.name}: loading ${keys} keys of 1 KiB`);
  const mem = sampleMemory(server.proc.pid, 500);
  const load = await loadgen(binary, server, "/registry/bench/scale/", [
    "-workload=preload",
    "-clients=256",
    `-keys=${keys}`,
    "-val-size=1024",
  ]);
  mem.stop();
  if (load.errors > 0) throw new Error(`${server.name}: scale load had ${load.errors} errors`);
  progress(`${server.name}: loaded in ${load.seconds.toFixed(0)} s; restarting`);
  await server.proc.stop();
  const t0 = performance.now();
  const restarted = await start(server.name, server.dataDir, server.port);
  const restartToReadySeconds = (performance.now() - t0) / 1000;
  const after = memory(restarted.proc.pid);
  return {
    server: restarted,
    result: {
      server: server.name,
      keys,
      loadSeconds: load.seconds,
      restartToReadySeconds,
      rssAfterRestart: after.rss,
      rssAnonAfterRestart: after.rssAnon,
      peakRssAnon: after.rssAnon,
    },
  };
}

async function main(): Promise<void> {
  if (!existsSync(ETCD_BIN)) throw new Error(`${ETCD_BIN} not found: apt-get install -y etcd-server`);
  const binary = buildLoadgen();
  const hostAtStart = hostCpu();
  const p = plan(smoke);
  const workloads = p.workloads.filter((w) => !only || only.some((o) => w.name.includes(o)));
  const dirs = { etcd: tempDir("wharf-bench-etcd-"), brain: tempDir("wharf-bench-brain-") };
  const servers: Record<Name, Server> = {
    etcd: await start("etcd", dirs.etcd.path),
    brain: await start("brain", dirs.brain.path),
  };
  const etcdVersion = execFileSync(ETCD_BIN, ["--version"]).toString().split("\n")[0]!.trim();
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot }).toString().trim();
  const rows: Row[] = [];
  const scaleRows: Row[] = [];
  const scaleResults: ScaleResult[] = [];
  const issues: string[] = [];
  try {
    // Alternate which server goes first, so neither always meets a warmer (or more loaded) machine.
    const both = async (w: Workload, i: number, into: Row[]) => {
      const order: Name[] = i % 2 === 0 ? ["etcd", "brain"] : ["brain", "etcd"];
      const m: Partial<Record<Name, Measurement>> = {};
      for (const name of order) {
        progress(`${w.name}: ${name}`);
        try {
          m[name] = await measure(binary, servers[name], w);
        } catch (e) {
          // One failed workload must not cost the rest of a long run: report it and go on.
          issues.push(`${w.name}: ${name}: ${(e as Error).message.split("\n")[0]}`);
          return;
        }
        issues.push(...problems(m[name]!).map((x) => `${w.name}: ${x}`));
      }
      into.push({ name: w.name, group: w.group, bar: w.bar, etcd: m.etcd!, brain: m.brain! });
    };
    for (const [i, w] of workloads.entries()) await both(w, i, rows);
    if (p.scaleKeys > 0 && !noScale) {
      for (const name of ["etcd", "brain"] as const) {
        const s = await scale(binary, servers[name], p.scaleKeys);
        servers[name] = s.server;
        scaleResults.push(s.result);
      }
      // Workloads 1 and 4 again, on the large stores: creates under a fresh prefix, reads of the keys
      // workload 4 loaded (still there, so no preload).
      const again = p.workloads.filter((w) => w.bar && (w.group === 1 || w.group === 4) && w.name.includes("1KiB"));
      for (const [i, w] of again.entries()) {
        const prefix = w.group === 1 ? `${w.prefix}1m/` : w.prefix;
        await both({ ...w, name: `${w.name} @1M`, prefix, preload: undefined }, i, scaleRows);
      }
      for (const r of scaleResults) {
        const rs = scaleRows.map((x) => x[r.server].peakRssAnon);
        r.peakRssAnon = Math.max(r.rssAnonAfterRestart, ...rs);
      }
    }
  } finally {
    for (const s of Object.values(servers)) await s.proc.stop().catch(() => {});
    dirs.etcd.remove();
    dirs.brain.remove();
  }

  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
  const header = `${new Date().toISOString().slice(0, 10)}: ${machine}; ${etcdVersion}; brain ${commit} (default settings: ${defaultProtocolWorkers()} protocol workers; CPU and RSS summed over its processes); Go clientv3 load generator, 8 connections; host steal over the run ${stealPercent(hostAtStart, hostCpu()).toFixed(1)}%`;
  const all = [...rows, ...scaleRows];
  console.log(`\n${header}\n\n${textTable(COLUMNS, all.map(cells))}`);
  if (scaleResults.length > 0) console.log(`\n${textTable(SCALE_COLUMNS, scaleResults.map(scaleCells))}`);
  const barRows = rows.filter((r) => r.bar);
  const behind = barRows.filter(
    (r) => r.brain.load.throughput < r.etcd.load.throughput || r.brain.load.p99Ms > r.etcd.load.p99Ms,
  );
  console.log(
    `\nbar (workloads 1-5 at 256 clients: throughput ≥ 1.0× etcd and p99 ≤ etcd): ${barRows.length - behind.length}/${barRows.length} hold`,
  );
  // A partial run's figures (every field, e.g. a watch row's event responses) go beside the full run's, not over them.
  if (!smoke) {
    const json = only ? "brain-only.json" : "brain.json";
    writeJson(join(repoRoot, "bench", "results", json), { header, rows, scaleRows, scaleResults });
  }
  if (!smoke && !only) {
    let section = `## ${header}\n\n${markdownTable(COLUMNS, all.map(cells))}\n`;
    if (scaleResults.length > 0) section += `\n${markdownTable(SCALE_COLUMNS, scaleResults.map(scaleCells))}\n`;
    section += `\nBar: ${barRows.length - behind.length}/${barRows.length} workloads at 256 clients hold (throughput ≥ 1.0× etcd and p99 ≤ etcd's).\n`;
    appendMarkdown(join(repoRoot, "bench", "results", "brain.md"), section);
  }
  if (issues.length > 0) {
    console.error(`\nruns with problems:\n${issues.join("\n")}`);
    process.exitCode = 1;
  }
}

await main();
