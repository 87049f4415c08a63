import { mkdirSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { type Database, open, type RootDatabase } from "lmdb";
import type { Engine, EngineStats, WriteBatch } from "./engine.js";

export interface LmdbEngineOptions {
  /** Directory holding the lmdb environment. */
  path: string;
  /** Upper bound of the memory map in bytes; lmdb grows the file up to it. */
  mapSize?: number;
}

/** The memory map's default upper bound (address space, not memory). */
export const DEFAULT_MAP_SIZE = 64 * 1024 ** 3;
/** The database inside the environment that holds brain's records. */
export const DB_NAME = "brain";

/**
 * The embedded default engine. Writes go through lmdb-js's asynchronous write
 * thread; with `separateFlushed`, each commit promise carries a `flushed`
 * promise that lmdb resolves only after the transaction has been synced to
 * disk. commit() waits for that, which is the durability point of brain.
 */
export class LmdbEngine implements Engine {
  readonly stats: EngineStats = { batchesCommitted: 0, batchesDurable: 0 };
  observeCommit?: (seconds: number) => void;
  private readonly root: RootDatabase;
  private readonly db: Database<Buffer, Buffer>;
  /** size() reads lmdb's statistics; the quota check asks on every write, so the answer is kept until the next commit. */
  private cachedSize: { total: number; inUse: number } | undefined;

  /** The environment's directory (protocol workers open it to read records). */
  readonly path: string;

  constructor(options: LmdbEngineOptions) {
    this.path = options.path;
    mkdirSync(options.path, { recursive: true });
    this.root = open({
      path: options.path,
      mapSize: options.mapSize ?? DEFAULT_MAP_SIZE,
      overlappingSync: true,
      separateFlushed: true,
    });
    this.db = this.root.openDB({ name: DB_NAME, encoding: "binary", keyEncoding: "binary" });
  }

  async commit(batch: WriteBatch): Promise<void> {
    this.stats.batchesCommitted++;
    const started = performance.now();
    const db = this.db;
    const committed = db.batch(() => {
      for (const key of batch.deletes) db.remove(key);
      for (const [key, value] of batch.puts) db.put(key, value);
    }) as Promise<boolean> & { flushed?: Promise<void> };
    await committed;
    this.cachedSize = undefined;
    // overlappingSync: the commit is visible now; durable only once flushed.
    await (committed.flushed ?? this.root.flushed);
    this.stats.batchesDurable++;
    this.observeCommit?.((performance.now() - started) / 1000);
  }

  get(key: Buffer): Buffer | undefined {
    return this.db.getBinary(key) ?? undefined;
  }

  peek(key: Buffer, use: (value: Buffer, length: number) => void): boolean {
    // getBinaryFast answers with lmdb's shared read buffer, whose own length
    // property says how much of it is this value (the buffer is larger).
    const v = this.db.getBinaryFast(key);
    if (v === undefined) return false;
    use(v, v.length);
    return true;
  }

  scan(start: Buffer, end: Buffer, visit: (key: Buffer, value: Buffer) => boolean | undefined): void {
    for (const { key, value } of this.db.getRange({ start, end })) {
      if (visit(key, value) === false) return;
    }
  }

  size(): { total: number; inUse: number } {
    if (this.cachedSize) return this.cachedSize;
    const s = this.db.getStats() as {
      pageSize: number;
      lastPageNumber: number;
      treeBranchPageCount: number;
      treeLeafPageCount: number;
      overflowPages: number;
    };
    // The file holds pages up to lastPageNumber; live pages are this tree's plus lmdb's two meta pages.
    const total = (s.lastPageNumber + 1) * s.pageSize;
    const inUse = (s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages + 2) * s.pageSize;
    this.cachedSize = { total, inUse: Math.min(inUse, total) };
    return this.cachedSize;
  }

  async backup(file: string): Promise<void> {
    // lmdb copies a directory-mode environment into a directory, as data.mdb.
    const dir = `${file}.d`;
    await mkdir(dir, { recursive: true });
    try {
      await this.root.backup(dir, true);
      await rename(join(dir, "data.mdb"), file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    await this.root.flushed;
    await this.root.close();
  }
}
