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
  private overflowed = false;

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

  push(msg: T, size: number): void {
    if (!this.full) {
      if (!this.sink.write(msg)) this.full = true;
      return;
    }
    this.waiting.push([msg, size]);
    this.bytes += size;
    if (this.bytes > this.limitBytes && !this.overflowed) {
      this.overflowed = true;
      this.onOverflow(this.bytes);
    }
  }

  /** The transport has room again: write what waits until it is full again. */
  drained(): void {
    this.full = false;
    while (this.head < this.waiting.length) {
      const [msg, size] = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as unknown as [T, number];
      this.bytes -= size;
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
  }

  clear(): void {
    this.waiting.length = 0;
    this.head = 0;
    this.bytes = 0;
  }
}
