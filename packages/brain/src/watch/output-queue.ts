/** The transport a watch stream writes to; write() returns false when its buffer is full. */
export interface ResponseSink<T> {
  write(msg: T): boolean;
}

/**
 * Bounded buffering in front of a transport with backpressure. Once the
 * transport reports full, messages wait here (their estimated bytes counted)
 * until drained() is called; `onOverflow` fires once the waiting bytes exceed
 * the limit, so the owner can cancel instead of buffering without bound.
 */
export class OutputQueue<T> {
  private readonly waiting: Array<[T, number]> = [];
  private head = 0;
  private bytes = 0;
  private full = false;
  /** Held by the owner (pacing): messages wait as if the transport were full, and may still grow. */
  private held = false;
  private overflowed = false;
  /** Messages pushed, and messages handed to the transport, since the start: a message's number tells if it waits. */
  private pushed = 0;
  private written = 0;

  constructor(
    private readonly sink: ResponseSink<T>,
    private readonly limitBytes: number,
    private readonly onOverflow: (queuedBytes: number) => void,
  ) {}

  /** Whether the client is behind: the transport is full or messages are waiting. */
  get congested(): boolean {
    return this.full;
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  /** Queues a message; returns its number (see waits). */
  push(msg: T, size: number): number {
    const n = ++this.pushed;
    if (!this.full && !this.held) {
      this.written++;
      if (!this.sink.write(msg)) this.full = true;
      return n;
    }
    this.waiting.push([msg, size]);
    this.count(size);
    return n;
  }

  /** Whether message number `n` is still waiting here (the owner may still change it). */
  waits(n: number): boolean {
    return n > this.written;
  }

  /** Waiting message number `n` grew by `size` bytes. */
  grow(n: number, size: number): void {
    this.waiting[this.head + n - this.written - 1]![1] += size;
    this.count(size);
  }

  private count(size: number): void {
    this.bytes += size;
    if (this.bytes > this.limitBytes && !this.overflowed) {
      this.overflowed = true;
      this.onOverflow(this.bytes);
    }
  }

  /** Messages wait from now on until release(), even while the transport has room. */
  hold(): void {
    this.held = true;
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** Ends a hold: what waits is written while the transport has room. Returns how many messages were written. */
  release(): number {
    this.held = false;
    return this.full ? 0 : this.writeWaiting();
  }

  /** The transport has room again: write what waits until it is full again (unless held). */
  drained(): void {
    this.full = false;
    if (!this.held) this.writeWaiting();
  }

  private writeWaiting(): number {
    const before = this.written;
    while (this.head < this.waiting.length) {
      const [msg, size] = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as unknown as [T, number];
      this.bytes -= size;
      this.written++;
      if (!this.sink.write(msg)) {
        this.full = true;
        break;
      }
    }
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
      this.overflowed = false;
    }
    return this.written - before;
  }

  clear(): void {
    this.written += this.waiting.length - this.head;
    this.waiting.length = 0;
    this.head = 0;
    this.bytes = 0;
  }
}
