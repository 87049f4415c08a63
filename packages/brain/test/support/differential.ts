import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type ProcessServer, startBrain, startEtcd } from "@wharf/testing";
import { GrpcPeer } from "./grpc-peer.js";
import { normalize } from "./normalize.js";

const run = promisify(execFile);

/** One side of a differential run: a server and the transcript of what it answered. */
export class Side {
  readonly transcript: Array<[string, unknown]> = [];
  base = 0;
  constructor(
    readonly name: "etcd" | "brain",
    readonly server: ProcessServer,
    readonly grpc: GrpcPeer,
  ) {}

  async currentRevision(): Promise<number> {
    const r = await this.grpc.call<object, { header: { revision: bigint } }>(this.grpc.kv, "range", {
      key: Buffer.from("\0"),
    });
    return Number(r.ok!.header.revision);
  }

  record(label: string, value: unknown): void {
    this.transcript.push([label, normalize(value, this.base)]);
  }
}

/** What a case uses: the same calls go to both servers, in the same order. */
export interface CaseContext {
  /** A key unique to this case. */
  key(name: string): Buffer;
  /** Calls a unary gRPC method on one service and records the normalised answer. */
  call(service: "kv" | "lease" | "maintenance" | "cluster", method: string, req: object, label?: string): Promise<void>;
  /** Runs etcdctl -w json with the given args against the side's endpoint and records its parsed output. */
  etcdctl(args: string[], label?: string): Promise<void>;
  /** Runs arbitrary code per side and records what it returns. */
  each(label: string, fn: (side: Side) => Promise<unknown>): Promise<void>;
}

export interface DifferentialCase {
  name: string;
  run(c: CaseContext): Promise<void>;
}

export interface DifferentialPair {
  etcd: Side;
  brain: Side;
  close(): Promise<void>;
}

export async function startPair(): Promise<DifferentialPair> {
  const [etcdServer, brainServer] = await Promise.all([startEtcd(), startBrain()]);
  const etcd = new Side("etcd", etcdServer, new GrpcPeer(etcdServer.endpoint));
  const brain = new Side("brain", brainServer, new GrpcPeer(brainServer.endpoint));
  return {
    etcd,
    brain,
    close: async () => {
      etcd.grpc.close();
      brain.grpc.close();
      await Promise.all([etcdServer.stop(), brainServer.stop()]);
    },
  };
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
    etcdctl: async (args, label) => {
      step++;
      for (const s of sides) {
        let out: unknown;
        try {
          const r = await run("etcdctl", [`--endpoints=${s.server.endpoint}`, "-w", "json", ...args], {
            env: { ...process.env, ETCDCTL_API: "3" },
          });
          out = r.stdout.trim() ? JSON.parse(r.stdout) : r.stdout;
        } catch (e) {
          const err = e as { stderr?: string; code?: number };
          out = { exitCode: err.code, stderr: lastLine(err.stderr ?? "") };
        }
        s.record(label ?? `${step}:etcdctl ${args.join(" ")}`, out);
      }
    },
    each: async (label, fn) => {
      step++;
      for (const s of sides) s.record(`${step}:${label}`, await fn(s));
    },
  };
  await kase.run(ctx);
  assert.deepStrictEqual(pair.brain.transcript, pair.etcd.transcript, `case "${kase.name}" differs from etcd`);
}

function lastLine(s: string): string {
  const lines = s.trim().split("\n");
  return lines[lines.length - 1] ?? "";
}
