import type { Logger } from "pino";
import { BrainError, ErrorCode } from "./errors.js";
import type { MvccStore } from "./mvcc/store.js";

// etcd's --auto-compaction-mode/--auto-compaction-retention, with etcd's
// schedule: "periodic" keeps `retention` of history, sampling the revision
// every tenth of min(retention, 1h) and compacting to the sample taken
// `retention` ago; "revision" compacts to current - retention every 5 minutes.

const HOUR = 3_600_000;

export interface AutoCompactionOptions {
  mode: "periodic" | "revision";
  /** As etcd parses it: periodic takes a duration ("1h", "30m") or a bare number of hours; revision a count. */
  retention: string;
  /** Revision mode's check interval (etcd: 5 minutes). */
  revisionIntervalMs?: number;
}

/** Parses the retention flag; 0 means auto-compaction is off. */
export function parseRetention(mode: "periodic" | "revision", value: string): number {
  const v = value.trim();
  if (mode === "revision") {
    if (!/^\d+$/.test(v))
      throw new Error(`invalid auto-compaction-retention "${value}" for revision mode: not a count`);
    return Number(v);
  }
  if (/^\d+$/.test(v)) return Number(v) * HOUR;
  let ms = 0;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  for (;;) {
    m = re.exec(v);
    if (!m) break;
    consumed = re.lastIndex;
    ms += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: HOUR }[m[2] as "ms" | "s" | "m" | "h"];
  }
  if (consumed !== v.length || v.length === 0) throw new Error(`invalid auto-compaction-retention "${value}"`);
  return Math.round(ms);
}

export class AutoCompactor {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: MvccStore,
    private readonly options: AutoCompactionOptions,
    private readonly log?: Logger,
  ) {}

  start(): void {
    const retention = parseRetention(this.options.mode, this.options.retention);
    if (retention <= 0) return;
    if (this.options.mode === "revision") this.runRevision(retention);
    else this.runPeriodic(retention);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(ms: number, fn: () => void): void {
    if (this.stopped) return;
    this.timer = setTimeout(fn, ms);
    this.timer.unref();
  }

  private async compact(rev: number): Promise<boolean> {
    try {
      await this.store.compact(rev, false);
      this.log?.info({ revision: rev, mode: this.options.mode }, "completed auto compaction");
      return true;
    } catch (e) {
      if (e instanceof BrainError && e.code === ErrorCode.Compacted) return true;
      this.log?.warn({ revision: rev, err: e }, "failed auto compaction");
      return false;
    }
  }

  private runRevision(retention: number): void {
    const interval = this.options.revisionIntervalMs ?? 5 * 60_000;
    let prev = 0;
    const tick = async () => {
      const rev = this.store.currentRev - retention;
      if (rev > 0 && rev !== prev && (await this.compact(rev))) prev = rev;
      this.schedule(interval, tick);
    };
    this.schedule(interval, tick);
  }

  private runPeriodic(period: number): void {
    const compactInterval = Math.min(period, HOUR);
    const retry = Math.max(1, Math.floor(compactInterval / 10));
    const keep = Math.floor(period / retry) + 1;
    const revs: number[] = [];
    let lastSuccess = Date.now();
    let base = period;
    const tick = async () => {
      revs.push(this.store.currentRev);
      if (revs.length > keep) revs.shift();
      if (Date.now() - lastSuccess >= base) {
        base = compactInterval;
        const rev = revs[0]!;
        if (rev > this.store.compactRev && (await this.compact(rev))) lastSuccess = Date.now();
        else if (rev <= this.store.compactRev) lastSuccess = Date.now();
      }
      this.schedule(retry, tick);
    };
    revs.push(this.store.currentRev);
    this.schedule(retry, tick);
  }
}
