import { type Database, open, type RootDatabase } from "lmdb";
import { revKey } from "../mvcc/layout.js";
import { DB_NAME, DEFAULT_MAP_SIZE } from "./lmdb-engine.js";

/**
 * Reads records of an lmdb environment another process writes (lmdb allows
 * readers in many processes). A record, once written under its revision key,
 * never changes, so an older snapshot can only lack a record, never show a
 * wrong one: a miss is retried on a fresh snapshot before it counts.
 */
export class LmdbReader {
  private readonly root: RootDatabase;
  private readonly db: Database<Buffer, Buffer>;
  private readonly key = Buffer.allocUnsafe(13);

  constructor(path: string, mapSize = DEFAULT_MAP_SIZE) {
    this.root = open({ path, mapSize, readOnly: true });
    this.db = this.root.openDB({ name: DB_NAME, encoding: "binary", keyEncoding: "binary" });
  }

  /** The record at (revision, sub): a view valid until the next read; undefined if it is gone (compacted). */
  readonly record = (rev: number, sub: number): Buffer | undefined => {
    const key = revKey(rev, sub, this.key);
    const v = this.db.getBinaryFast(key);
    if (v !== undefined) return v;
    this.root.resetReadTxn();
    return this.db.getBinaryFast(key);
  };

  async close(): Promise<void> {
    await this.root.close();
  }
}
