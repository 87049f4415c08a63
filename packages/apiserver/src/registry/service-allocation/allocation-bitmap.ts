// The allocation bitmap of kube's service allocators: one bit per offset in a
// range, set when allocated. Its snapshot is the `data` of a RangeAllocation:
// the big-endian bytes of the bitmap read as one unsigned integer (Go's
// big.Int.Bytes()), bit i being offset i, base64 in JSON.

export class AllocationBitmap {
  private readonly bits: Uint8Array;
  private used = 0;

  /**
   * `max` offsets; dynamic allocation picks at random from [offset, max)
   * first and only then from [0, offset), kube's randomScanStrategyWithOffset:
   * the low band is kept for addresses people ask for by value.
   */
  constructor(
    readonly max: number,
    readonly offset = 0,
  ) {
    this.bits = new Uint8Array(Math.ceil(max / 8));
  }

  get count(): number {
    return this.used;
  }

  free(): number {
    return this.max - this.used;
  }

  has(i: number): boolean {
    return i >= 0 && i < this.max && (this.bits[i >> 3]! & (1 << (i & 7))) !== 0;
  }

  /** Sets offset `i`; false if it was already set. */
  allocate(i: number): boolean {
    if (this.has(i)) return false;
    this.bits[i >> 3]! |= 1 << (i & 7);
    this.used++;
    return true;
  }

  release(i: number): void {
    if (!this.has(i)) return;
    this.bits[i >> 3]! &= ~(1 << (i & 7));
    this.used--;
  }

  /**
   * A free offset, allocated, or undefined when the range is full. `skip`
   * offsets are never handed out here (they can still be asked for by value).
   */
  allocateNext(skip: ReadonlySet<number> = new Set(), random: (n: number) => number = randomInt): number | undefined {
    const scan = (lo: number, hi: number): number | undefined => {
      const size = hi - lo;
      if (size <= 0) return undefined;
      const start = random(size);
      for (let k = 0; k < size; k++) {
        const at = lo + ((start + k) % size);
        if (!skip.has(at) && !this.has(at)) return at;
      }
      return undefined;
    };
    if (this.used >= this.max) return undefined;
    const at = scan(this.offset, this.max) ?? scan(0, Math.min(this.offset, this.max));
    if (at !== undefined) this.allocate(at);
    return at;
  }

  forEach(fn: (i: number) => void): void {
    for (let b = 0; b < this.bits.length; b++) {
      const byte = this.bits[b]!;
      if (byte === 0) continue;
      for (let k = 0; k < 8; k++) if (byte & (1 << k)) fn(b * 8 + k);
    }
  }

  /** Go's big.Int.Bytes() of the bitmap, base64: RangeAllocation.data. */
  snapshot(): string {
    let last = this.bits.length - 1;
    while (last >= 0 && this.bits[last] === 0) last--;
    const out = new Uint8Array(last + 1);
    for (let b = 0; b <= last; b++) out[last - b] = this.bits[b]!;
    return Buffer.from(out).toString("base64");
  }

  /** A bitmap restored from RangeAllocation.data; bits beyond `max` are dropped. */
  static restore(max: number, offset: number, data: string | undefined): AllocationBitmap {
    const bitmap = new AllocationBitmap(max, offset);
    const bytes = Buffer.from(data ?? "", "base64");
    for (let k = 0; k < bytes.length; k++) {
      const byte = bytes[bytes.length - 1 - k]!;
      for (let j = 0; j < 8; j++) if (byte & (1 << j) && k * 8 + j < max) bitmap.allocate(k * 8 + j);
    }
    return bitmap;
  }
}

function randomInt(n: number): number {
  return Math.floor(Math.random() * n);
}
