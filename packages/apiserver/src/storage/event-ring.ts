// The watch cache's window of recent events: a cyclic buffer in revision
// order whose capacity follows kube-apiserver 1.28's policy. It starts at a
// lower bound (kube: 100), doubles (up to an upper bound, kube: 100 × 1024)
// when it is full and its oldest event is still fresh (kube: younger than
// 75 s), and halves (not below the lower bound) when it is full and even the
// newest quarter of it is stale. A freshness of 0 keeps the capacity fixed.

export interface EventRingOptions {
  /** Capacity it starts with and never shrinks below. */
  minCapacity: number;
  /** Capacity it never grows above. */
  maxCapacity: number;
  /** Grow while the oldest event is younger than this (ms); 0 never grows. */
  freshMs: number;
}

interface Slot<E> {
  event: E;
  /** When the event was added (ms). */
  at: number;
}

export class EventRing<E extends { resourceVersion: number }> {
  private slots: Array<Slot<E> | undefined>;
  /** Index of the oldest event in `slots`. */
  private head = 0;
  private count = 0;
  private everEvicted = false;

  constructor(private readonly o: EventRingOptions) {
    this.slots = new Array(Math.max(1, o.minCapacity));
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.slots.length;
  }

  /** Whether an event has been dropped since the last reset (the window no longer reaches back to it). */
  get evicted(): boolean {
    return this.everEvicted;
  }

  /** The oldest event kept. */
  oldest(): E | undefined {
    return this.count === 0 ? undefined : this.at(0).event;
  }

  /** Appends an event (events arrive in revision order), dropping the oldest when full. */
  push(event: E, now: number): void {
    this.resize(now);
    const cap = this.slots.length;
    if (this.count === cap) {
      this.head = (this.head + 1) % cap;
      this.count--;
      this.everEvicted = true;
    }
    this.slots[(this.head + this.count) % cap] = { event, at: now };
    this.count++;
  }

  /** The events with a resourceVersion above `revision`, oldest first. */
  after(revision: number): E[] {
    // Binary search for the first event past `revision`.
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).event.resourceVersion > revision) hi = mid;
      else lo = mid + 1;
    }
    const out: E[] = [];
    for (let i = lo; i < this.count; i++) out.push(this.at(i).event);
    return out;
  }

  /** Forgets every event and returns to the starting capacity (after a relist). */
  reset(): void {
    this.slots = new Array(Math.max(1, this.o.minCapacity));
    this.head = 0;
    this.count = 0;
    this.everEvicted = false;
  }

  private at(i: number): Slot<E> {
    return this.slots[(this.head + i) % this.slots.length]!;
  }

  private resize(now: number): void {
    const cap = this.slots.length;
    if (this.count < cap || this.o.freshMs <= 0) return;
    if (now - this.at(0).at < this.o.freshMs) {
      const grown = Math.min(cap * 2, Math.max(this.o.maxCapacity, this.o.minCapacity));
      if (grown > cap) this.rebuild(grown);
      return;
    }
    if (now - this.at(this.count - Math.max(1, Math.floor(cap / 4))).at > this.o.freshMs) {
      const shrunk = Math.max(Math.floor(cap / 2), this.o.minCapacity);
      if (shrunk < cap) this.rebuild(shrunk);
    }
  }

  /** Copies the newest events (as many as fit) into a buffer of a new capacity. */
  private rebuild(capacity: number): void {
    const keep = Math.min(this.count, capacity);
    if (keep < this.count) this.everEvicted = true;
    const slots: Array<Slot<E> | undefined> = new Array(capacity);
    for (let i = 0; i < keep; i++) slots[i] = this.at(this.count - keep + i);
    this.slots = slots;
    this.head = 0;
    this.count = keep;
  }
}
