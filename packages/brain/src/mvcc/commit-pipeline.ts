import type { Engine, WriteBatch } from "../engine/engine.js";
import { BrainError, ErrorCode } from "../errors.js";
import { encodeUint, metaKey } from "./layout.js";

/** What one durable batch carries for each revision it completes. */
export interface CommittedRevision<T> {
  rev: number;
  payload: T;
}

interface Batch<T> {
  batch: WriteBatch;
  bytes: number;
  revisions: Array<CommittedRevision<T>>;
  maxRev: number;
  /** Called when this batch is durable (for writes that do not advance the revision). */
  done: Array<(e?: Error) => void>;
}

interface Waiter {
  rev: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export interface CommitPipelineOptions {
  /** Refuse new writes while more than this many bytes wait to become durable. */
  maxPendingBytes: number;
}

const REV_META = metaKey("rev");
const RESOLVED = Promise.resolve();

/**
 * Group commit. The sequencer appends each revision's records as it assigns
 * the revision; everything appended in one event-loop turn goes to the engine
 * as one atomic batch, together with the new revision counter. Batches are
 * pipelined (the next one fills while the previous one syncs) but complete
 * strictly in order: a revision is acknowledged, published to watchers and
 * made readable only after its batch, and every batch before it, is durable.
 */
export class CommitPipeline<T> {
  /** Highest revision known durable and published. */
  durableRev: number;
  private open: Batch<T> | undefined;
  private tail: Promise<void> = RESOLVED;
  private readonly waiters: Waiter[] = [];
  private waiterHead = 0;
  private pendingBytes = 0;
  private failure: Error | undefined;
  private inFlight = 0;
  private idleResolvers: Array<() => void> = [];

  constructor(
    private readonly engine: Engine,
    startRev: number,
    private readonly options: CommitPipelineOptions,
    private readonly onDurable: (revisions: Array<CommittedRevision<T>>, maxRev: number) => void,
    private readonly onFailure: (e: Error) => void,
  ) {
    this.durableRev = startRev;
  }

  /** Throws when the pipeline cannot take more writes (failed engine, or too far behind). */
  admit(): void {
    if (this.failure) throw new BrainError(ErrorCode.Stopped);
    if (this.pendingBytes > this.options.maxPendingBytes) throw new BrainError(ErrorCode.TooManyRequests);
  }

  /** Adds engine writes for `rev`; `payload` is handed to onDurable once the batch is durable. */
  append(rev: number, puts: Array<[Buffer, Buffer]>, deletes: Buffer[], payload: T | undefined): void {
    let b = this.open;
    if (!b) {
      b = this.open = { batch: { puts: [], deletes: [] }, bytes: 0, revisions: [], maxRev: 0, done: [] };
      setImmediate(() => this.flush());
    }
    for (const p of puts) {
      b.batch.puts.push(p);
      b.bytes += p[0].length + p[1].length;
    }
    for (const d of deletes) b.batch.deletes.push(d);
    if (payload !== undefined) b.revisions.push({ rev, payload });
    if (rev > b.maxRev) b.maxRev = rev;
  }

  /** Resolves once everything appended so far is durable. */
  barrier(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const b = this.open;
    if (!b) return this.idle();
    return new Promise((resolve, reject) => b.done.push((e) => (e ? reject(e) : resolve())));
  }

  /** Resolves once `rev` is durable (immediately if it already is). */
  waitDurable(rev: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (rev <= this.durableRev) return RESOLVED;
    return new Promise((resolve, reject) => this.waiters.push({ rev, resolve, reject }));
  }

  /** Resolves when nothing is pending. */
  idle(): Promise<void> {
    if (!this.open && this.inFlight === 0) return RESOLVED;
    return new Promise((resolve) => this.idleResolvers.push(resolve));
  }

  private flush(): void {
    const b = this.open;
    this.open = undefined;
    if (!b) return;
    if (b.maxRev > 0) b.batch.puts.push([REV_META, encodeUint(b.maxRev)]);
    this.pendingBytes += b.bytes;
    this.inFlight++;
    const committed = this.failure ? Promise.reject(this.failure) : this.engine.commit(b.batch);
    // Chain on the previous batch so completions run in commit order.
    this.tail = this.tail
      .then(() => committed)
      .then(
        () => this.complete(b),
        (e: Error) => this.fail(e, b),
      );
  }

  private complete(b: Batch<T>): void {
    this.inFlight--;
    this.pendingBytes -= b.bytes;
    // After a failed batch nothing later may be published: it would skip the lost revisions.
    if (this.failure) {
      for (const f of b.done) f(this.failure);
      this.maybeIdle();
      return;
    }
    for (const f of b.done) f();
    if (b.maxRev > this.durableRev) this.durableRev = b.maxRev;
    this.onDurable(b.revisions, b.maxRev);
    const w = this.waiters;
    while (this.waiterHead < w.length && w[this.waiterHead]!.rev <= this.durableRev) {
      w[this.waiterHead++]!.resolve();
    }
    if (this.waiterHead > 1024 && this.waiterHead * 2 > w.length) {
      w.splice(0, this.waiterHead);
      this.waiterHead = 0;
    }
    this.maybeIdle();
  }

  private fail(e: Error, b: Batch<T>): void {
    this.inFlight--;
    if (!this.failure) {
      this.failure = new BrainError(ErrorCode.Stopped, undefined, { cause: e });
      this.onFailure(e);
    }
    for (let i = this.waiterHead; i < this.waiters.length; i++) this.waiters[i]!.reject(this.failure);
    this.waiters.length = 0;
    this.waiterHead = 0;
    for (const f of b.done) f(this.failure);
    this.maybeIdle();
  }

  private maybeIdle(): void {
    if (!this.open && this.inFlight === 0) {
      const r = this.idleResolvers;
      this.idleResolvers = [];
      for (const f of r) f();
    }
  }
}
