// A lease's durable form under layout.leaseKey(id): only the granted TTL.
// The remaining time is not stored, because every start refreshes it to the
// full TTL (etcd's Promote when a member becomes leader).
// Format: version byte 1, then the granted TTL in seconds as an int64 BE.

const FORMAT = 1;

export function encodeLeaseRecord(ttl: number): Buffer {
  const b = Buffer.allocUnsafe(9);
  b[0] = FORMAT;
  b.writeBigInt64BE(BigInt(ttl), 1);
  return b;
}

/** The granted TTL, or undefined for a record this version cannot read. */
export function decodeLeaseRecord(b: Buffer): number | undefined {
  if (b.length !== 9 || b[0] !== FORMAT) return undefined;
  return Number(b.readBigInt64BE(1));
}

export function leaseIdOfKey(key: Buffer): bigint {
  return key.readBigInt64BE(1);
}
