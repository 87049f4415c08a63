import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import {
  ETCD_BIN,
  ETCDCTL_BIN,
  freePort,
  type ProcessServer,
  requireProgram,
  startBrain,
  startEtcd,
} from "@wharf/testing";
import { Etcd3 } from "etcd3";
import { applyDifferences, assertAllowListUsed, type SuiteName } from "./etcd-differences.js";
import { GrpcPeer } from "./grpc-peer.js";
import { normalize } from "./normalize.js";

/** One side of a differential run: a server and the transcript of what it answered. */
export class Side {
  readonly transcript: Array<[string, unknown]> = [];
  base = 0;
  /** The npm `etcd3` client connected to this side. */
  readonly etcd3: Etcd3;
  constructor(
    readonly name: "etcd" | "brain",
    readonly server: ProcessServer,
    readonly grpc: GrpcPeer,
  ) {
    this.etcd3 = new Etcd3({ hosts: `http://${server.endpoint}` });
  }

  async currentRevision(): Promise<number> {
    const r = await this.grpc.call<object, { header: { revision: bigint } }>(this.grpc.kv, "range", {
      key: Buffer.from("\0"),
    });
    return Number(r.ok!.header.revision);
  }

  record(label: string, value: unknown): void {
    this.transcript.push([label, normalize(value, this.base, this.server.endpoint)]);
  }

  close(): void {
    this.grpc.close();
    this.etcd3.close();
  }
}

/** The output of one etcdctl run: parsed JSON, `{ text }` for plain output, or `{ exitCode, stderr }`. */
export type EtcdctlOutput = unknown;

export interface EtcdctlOptions {
  /** A label for the transcript (default: the step number and the command line). */
  label?: string;
  /** Written to etcdctl's stdin (e.g. the script of an interactive `txn -i`). */
  stdin?: string | ((side: Side) => string);
  /** Rewrites the output before it is recorded (e.g. absolute revisions in plain text). */
  map?: (out: EtcdctlOutput, side: Side) => unknown;
}

/** What a case uses: the same calls go to both servers, in the same order. */
export interface CaseContext {
  /** A key unique to this case. */
  key(name: string): Buffer;
  /** Calls a unary gRPC method on one service and records the normalised answer. */
  call(service: "kv" | "lease" | "maintenance" | "cluster", method: string, req: object, label?: string): Promise<void>;
  /**
   * Runs etcdctl -w json with the given args (or per-side args) against the side's endpoint and records
   * its parsed output; returns each side's output.
   */
  etcdctl(
    args: string[] | ((side: Side) => string[]),
    options?: string | EtcdctlOptions,
  ): Promise<Record<"etcd" | "brain", EtcdctlOutput>>;
  /** Runs arbitrary code per side and records what it returns. */
  each(label: string, fn: (side: Side) => Promise<unknown>): Promise<void>;
  /** Runs code with the side's npm `etcd3` client and records what it returns (or the error it throws). */
  client(label: string, fn: (client: Etcd3, side: Side) => Promise<unknown>): Promise<void>;
}

export interface DifferentialCase {
  name: string;
  run(c: CaseContext): Promise<void>;
}

export interface DifferentialPair {
  suite: SuiteName;
  etcd: Side;
  brain: Side;
  close(): Promise<void>;
}

export interface PairOptions {
  /** Extra flags for both servers. */
  args?: string[];
}

/**
 * Starts etcd and brain for one suite. Brain gets etcd's peer URL, member name and cluster token, so it derives
 * the same member and cluster IDs; headers are compared with them.
 */
export async function startPair(suite: SuiteName = "unnamed", options: PairOptions = {}): Promise<DifferentialPair> {
  const peerUrl = `http://127.0.0.1:${await freePort()}`;
  const args = options.args ?? [];
  const [etcdServer, brainServer] = await Promise.all([
    startEtcd({ args, peerUrl }),
    startBrain({
      args: [
        "--name=default",
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=default=${peerUrl}`,
        "--initial-cluster-token=etcd-cluster",
        ...args,
      ],
    }),
  ]);
  const etcd = new Side("etcd", etcdServer, new GrpcPeer(etcdServer.endpoint));
  const brain = new Side("brain", brainServer, new GrpcPeer(brainServer.endpoint));
  return {
    suite,
    etcd,
    brain,
    close: async () => {
      etcd.close();
      brain.close();
      await Promise.all([etcdServer.stop(), brainServer.stop()]);
    },
  };
}

/**
 * For a suite's after() hook: stops the pair, then fails if an allow-list entry declared for the suite never
 * matched (a stale entry). Does nothing when the pair never started (etcd not installed) or when only some
 * cases ran (`--test-name-pattern`, `only`).
 */
export async function finishSuite(pair: DifferentialPair | undefined, casesRun: number, casesTotal: number) {
  if (!pair) return;
  await pair.close();
  if (casesRun === casesTotal) assertAllowListUsed(pair.suite);
}

/** Runs one case against both sides in lockstep and asserts the transcripts are equal. */
export async function runCase(pair: DifferentialPair, index: number, kase: DifferentialCase): Promise<void> {
  const sides = [pair.etcd, pair.brain];
  for (const s of sides) {
    s.transcript.length = 0;
    s.base = await s.currentRevision();
  }
  const prefix = `/diff/${String(index).padStart(3, "0")}/`;
  let step = 0;
  const ctx: CaseContext = {
    key: (name) => Buffer.from(prefix + name),
    call: async (service, method, req, label) => {
      step++;
      for (const s of sides) {
        const client = s.grpc[service];
        s.record(label ?? `${step}:${service}.${method}`, await s.grpc.call(client, method, req));
      }
    },
    etcdctl: async (args, options) => {
      step++;
      const opts: EtcdctlOptions = typeof options === "string" ? { label: options } : (options ?? {});
      const outs = {} as Record<"etcd" | "brain", EtcdctlOutput>;
      for (const s of sides) {
        const a = typeof args === "function" ? args(s) : args;
        const stdin = typeof opts.stdin === "function" ? opts.stdin(s) : opts.stdin;
        const out = await etcdctl(s.server.endpoint, a, stdin);
        outs[s.name] = out;
        const label = opts.label ?? `etcdctl ${typeof args === "function" ? "<per side>" : args.join(" ")}`;
        s.record(`${step}:${label}`, opts.map ? opts.map(out, s) : out);
      }
      return outs;
    },
    each: async (label, fn) => {
      step++;
      for (const s of sides) s.record(`${step}:${label}`, await fn(s));
    },
    client: async (label, fn) => {
      step++;
      for (const s of sides) {
        let out: unknown;
        try {
          out = await fn(s.etcd3, s);
        } catch (e) {
          const err = e as Error;
          out = { thrown: err.constructor?.name, message: err.message };
        }
        s.record(`${step}:${label}`, out);
      }
    },
  };
  await kase.run(ctx);
  const [etcdT, brainT] = sides.map((s) =>
    s.transcript.map(([label, value]) => [label, applyDifferences(pair.suite, s.name, label, value)]),
  );
  if (process.env.WHARF_DIFF_DUMP) {
    process.stderr.write(`${JSON.stringify({ case: kase.name, etcd: pair.etcd.transcript, compared: etcdT })}\n`);
  }
  assert.deepStrictEqual(brainT, etcdT, `case "${kase.name}" differs from etcd`);
}

/**
 * Runs etcdctl -w json; integers too large for a double (IDs) are kept exactly, as decimal strings.
 * Non-JSON output (e.g. `compaction`) becomes `{ text }`; a failure `{ exitCode, stderr }` (last line).
 */
export function etcdctl(endpoint: string, args: string[], stdin?: string): Promise<EtcdctlOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn("etcdctl", [`--endpoints=${endpoint}`, "-w", "json", ...args], {
      env: { ...process.env, ETCDCTL_API: "3" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return resolve({ exitCode: code, stderr: lastLine(stderr) });
      const text = stdout.trim();
      try {
        resolve(JSON.parse(text.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,}\]])/g, '$1"$2"')));
      } catch {
        resolve({ text });
      }
    });
    // etcdctl may exit without reading its input (most commands take none): its exit code and output
    // decide the answer, not a broken pipe.
    child.stdin.on("error", () => {});
    child.stdin.end(stdin ?? "");
  });
}

function lastLine(s: string): string {
  const lines = s.trim().split("\n");
  return lines[lines.length - 1] ?? "";
}

/**
 * Declares a node:test suite that runs `cases` against a fresh etcd/brain pair (skipped when etcd is not
 * installed) and, once all have run, checks the suite's allow-list entries all matched.
 */
export function differentialSuite(
  title: string,
  suite: SuiteName,
  cases: DifferentialCase[],
  options: PairOptions & { indexBase?: number; etcdctl?: boolean } = {},
): void {
  describe(title, () => {
    let pair: DifferentialPair | undefined;
    let ran = 0;
    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      const ctx = t as any;
      if (!requireProgram(ctx, ETCD_BIN, "etcd-server")) return;
      if (options.etcdctl !== false && !requireProgram(ctx, ETCDCTL_BIN, "etcd-client")) return;
      pair = await startPair(suite, options);
    });
    after(async () => {
      await finishSuite(pair, ran, cases.length);
    });
    cases.forEach((kase, i) => {
      it(kase.name, async (t) => {
        if (!pair) return t.skip("etcd is not installed");
        await runCase(pair, (options.indexBase ?? 0) + i, kase);
        ran++;
      });
    });
  });
}
