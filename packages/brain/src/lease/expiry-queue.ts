/**
 * A min-heap of (expiry, lease id) entries. Entries are never updated in
 * place: a renewal pushes a new one, and the lessor drops stale entries when
 * they surface (their expiry no longer matches the lease's).
 */
export class ExpiryQueue {
  private readonly heap: Array<{ at: number; id: bigint }> = [];

  get size(): number {
    return this.heap.length;
  }

  push(at: number, id: bigint): void {
    const h = this.heap;
    h.push({ at, id });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= h[i]!.at) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  /** Removes and returns the earliest entry if it is due at `now`. */
  popDue(now: number): { at: number; id: bigint } | undefined {
    const h = this.heap;
    if (h.length === 0 || h[0]!.at > now) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.at < h[m]!.at) m = l;
        if (r < h.length && h[r]!.at < h[m]!.at) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}
