// Brain's key layout inside an engine. Every version of every key lives once,
// under its revision: the revision log is the store, so watch history back to
// the compaction point is a scan of the `r` prefix.
//
//   r <rev:8 BE> <sub:4 BE>   one KeyValue version (or tombstone) written at rev
//   m <name>                   store metadata: current revision, compaction
//   l <lease id:8 BE>          one lease
// Big-endian fixed-width numbers keep engine key order equal to revision order.

const REV = 0x72; // 'r'
const META = 0x6d; // 'm'
const LEASE = 0x6c; // 'l'
const TWO32 = 2 ** 32;

export function revKey(rev: number, sub: number, into?: Buffer): Buffer {
  const b = into ?? Buffer.allocUnsafe(13);
  b[0] = REV;
  b.writeUInt32BE(Math.floor(rev / TWO32), 1);
  b.writeUInt32BE(rev >>> 0, 5);
  b.writeUInt32BE(sub, 9);
  return b;
}

export function revKeyRev(key: Buffer): number {
  return key.readUInt32BE(1) * TWO32 + key.readUInt32BE(5);
}

export function revKeySub(key: Buffer): number {
  return key.readUInt32BE(9);
}

/** The first engine key at or after revision `rev`. */
export function revLowerBound(rev: number): Buffer {
  return revKey(rev, 0);
}

export const revPrefixEnd = Buffer.from([REV + 1]);

export function metaKey(name: string): Buffer {
  return Buffer.concat([Buffer.from([META]), Buffer.from(name, "utf8")]);
}

export function leaseKey(id: bigint): Buffer {
  const b = Buffer.allocUnsafe(9);
  b[0] = LEASE;
  b.writeBigInt64BE(id, 1);
  return b;
}

export const leasePrefix = Buffer.from([LEASE]);
export const leasePrefixEnd = Buffer.from([LEASE + 1]);

export function encodeUint(n: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeDoubleBE(n, 0);
  return b;
}

export function decodeUint(b: Buffer | undefined): number | undefined {
  return b && b.length === 8 ? b.readDoubleBE(0) : undefined;
}
