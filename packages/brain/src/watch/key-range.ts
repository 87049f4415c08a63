/**
 * The keys one watcher covers, as etcd reads a WatchCreateRequest: an empty
 * range_end is the single key, "\0" is every key ≥ key, anything else is
 * [key, range_end). Keys compare as latin1 strings, which is byte order.
 */
export class KeyRange {
  readonly start: string;
  /** undefined: the single key; "": unbounded above; else the exclusive end. */
  readonly end: string | undefined;

  constructor(key: Buffer, rangeEnd: Buffer) {
    // etcd watches "\0" (the smallest key) when no key is given.
    this.start = key.length === 0 ? "\0" : key.toString("latin1");
    if (rangeEnd.length === 0) this.end = undefined;
    else if (rangeEnd.length === 1 && rangeEnd[0] === 0) this.end = "";
    else this.end = rangeEnd.toString("latin1");
  }

  get single(): boolean {
    return this.end === undefined;
  }

  /** etcd refuses a range whose end is not above its start. */
  get empty(): boolean {
    return this.end !== undefined && this.end !== "" && this.start >= this.end;
  }

  contains(key: string): boolean {
    if (this.end === undefined) return key === this.start;
    return key >= this.start && (this.end === "" || key < this.end);
  }
}
