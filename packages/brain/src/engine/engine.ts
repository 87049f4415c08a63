// A storage engine: ordered byte keys, atomic batches that resolve only once
// durable, and ordered range scans. Brain's MVCC layer owns the key layout;
// an engine knows nothing of revisions.

export interface WriteBatch {
  puts: Array<[key: Buffer, value: Buffer]>;
  deletes: Buffer[];
}

export interface EngineStats {
  /** Batches handed to commit(). */
  batchesCommitted: number;
  /** Batches whose commit() promise resolved after the engine confirmed them durable. */
  batchesDurable: number;
}

export interface Engine {
  /**
   * Writes the batch atomically. The promise resolves only when the batch is
   * durable (fsynced); batches become durable in the order they were committed.
   */
  commit(batch: WriteBatch): Promise<void>;
  /** Reads one key from the last committed state, as a buffer the caller owns. */
  get(key: Buffer): Buffer | undefined;
  /**
   * Reads one key without copying it: `use` sees the engine's own bytes, valid
   * only during the call, in value[0, length). Returns false when absent.
   */
  peek(key: Buffer, use: (value: Buffer, length: number) => void): boolean;
  /** Visits [start, end) in key order until the visitor returns false. */
  scan(start: Buffer, end: Buffer, visit: (key: Buffer, value: Buffer) => boolean | undefined): void;
  /** Bytes the engine occupies on disk, and of those the bytes holding live data. */
  size(): { total: number; inUse: number };
  readonly stats: EngineStats;
  /** Called with each durable commit's duration in seconds (for metrics). */
  observeCommit?: (seconds: number) => void;
  /** Writes a consistent, compacted copy of the whole engine to one file (for Snapshot). */
  backup(file: string): Promise<void>;
  close(): Promise<void>;
}
