// One version of a key as brain stores it, and its byte encoding.
//
// Encoding: flags u8 (bit 0: tombstone) | create f64 | version f64 | lease i64
//           | key length u32 | key | value        (little-endian numbers)
// mod revision and sub index are not stored in the value: they are the
// record's engine key (see layout.ts).

export interface StoredKv {
  key: Buffer;
  value: Buffer;
  createRev: number;
  modRev: number;
  /** Position of this change inside its revision (etcd's sub revision). */
  sub: number;
  version: number;
  lease: bigint;
  tombstone: boolean;
}

const HEADER = 1 + 8 + 8 + 8 + 4;

export function encodeStoredKv(kv: StoredKv): Buffer {
  const b = Buffer.allocUnsafe(HEADER + kv.key.length + kv.value.length);
  b[0] = kv.tombstone ? 1 : 0;
  b.writeDoubleLE(kv.createRev, 1);
  b.writeDoubleLE(kv.version, 9);
  b.writeBigInt64LE(kv.lease, 17);
  b.writeUInt32LE(kv.key.length, 25);
  kv.key.copy(b, HEADER);
  kv.value.copy(b, HEADER + kv.key.length);
  return b;
}

/** Decodes a record; key and value are copied out so `b` may be reused by the engine. */
export function decodeStoredKv(b: Buffer, modRev: number, sub: number, withValue = true): StoredKv {
  const keyLen = b.readUInt32LE(25);
  const keyEnd = HEADER + keyLen;
  return {
    key: Buffer.from(b.subarray(HEADER, keyEnd)),
    value: withValue ? Buffer.from(b.subarray(keyEnd)) : EMPTY,
    createRev: b.readDoubleLE(1),
    modRev,
    sub,
    version: b.readDoubleLE(9),
    lease: b.readBigInt64LE(17),
    tombstone: (b[0] & 1) === 1,
  };
}

export const EMPTY = Buffer.alloc(0);
