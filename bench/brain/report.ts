import { appendFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** What the load generator prints for one run. */
export interface LoadgenResult {
  workload: string;
  ops: number;
  errors: number;
  seconds: number;
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  clientCpuSeconds: number;
  extra?: Record<string, number>;
}

/** One workload on one server, with the server's own costs. */
export interface Measurement {
  server: "etcd" | "brain";
  load: LoadgenResult;
  serverCpuSeconds: number;
  peakRss: number;
  peakRssAnon: number;
  /** Percent of the machine's CPU time stolen by the hypervisor while the workload ran. */
  hostStealPercent: number;
}

export interface Row {
  name: string;
  group: number;
  bar: boolean;
  etcd: Measurement;
  brain: Measurement;
}

export interface ScaleResult {
  server: "etcd" | "brain";
  keys: number;
  loadSeconds: number;
  restartToReadySeconds: number;
  rssAfterRestart: number;
  rssAnonAfterRestart: number;
  peakRssAnon: number;
}

const mib = (b: number) => (b / 1024 / 1024).toFixed(0);
const f = (n: number, d = 0) => n.toFixed(d);
const lat = (m: Measurement) => `${f(m.load.p50Ms, 1)}/${f(m.load.p99Ms, 1)}/${f(m.load.p999Ms, 1)}`;
/** Cores the load generator kept busy: near the machine's count means it, not the server, was the limit. */
const loadCores = (m: Measurement) => f(m.load.clientCpuSeconds / m.load.seconds, 2);

export const COLUMNS = [
  "workload",
  "etcd ops/s",
  "brain ops/s",
  "brain/etcd",
  "etcd p50/p99/p999 ms",
  "brain p50/p99/p999 ms",
  "server CPU s etcd/brain",
  "peak RSS MiB etcd/brain",
  "loadgen cores etcd/brain",
  "host steal % etcd/brain",
];

export function cells(r: Row): string[] {
  return [
    r.name,
    f(r.etcd.load.throughput),
    f(r.brain.load.throughput),
    `${(r.brain.load.throughput / r.etcd.load.throughput).toFixed(2)}×`,
    lat(r.etcd),
    lat(r.brain),
    `${f(r.etcd.serverCpuSeconds, 1)}/${f(r.brain.serverCpuSeconds, 1)}`,
    `${mib(r.etcd.peakRss)}/${mib(r.brain.peakRss)}`,
    `${loadCores(r.etcd)}/${loadCores(r.brain)}`,
    `${f(r.etcd.hostStealPercent ?? 0, 1)}/${f(r.brain.hostStealPercent ?? 0, 1)}`,
  ];
}

export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function markdownTable(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

export const SCALE_COLUMNS = [
  "server",
  "keys",
  "load s",
  "restart to ready s",
  "RSS MiB",
  "RssAnon MiB",
  "peak RssAnon MiB",
];

export function scaleCells(s: ScaleResult): string[] {
  return [
    s.server,
    String(s.keys),
    f(s.loadSeconds, 1),
    f(s.restartToReadySeconds, 2),
    mib(s.rssAfterRestart),
    mib(s.rssAnonAfterRestart),
    mib(s.peakRssAnon),
  ];
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}

/** Appends one dated section to the results log, creating it with a heading the first time. */
export function appendMarkdown(path: string, section: string): void {
  mkdirSync(dirname(path), { recursive: true });
  if (!existsSync(path)) {
    writeFileSync(
      path,
      "# brain vs etcd\n\nOne section per full run of `npm run bench:brain` (docs/brain.md explains the workloads and how to reproduce them).\n",
    );
  }
  appendFileSync(path, `\n${section}\n`);
}
