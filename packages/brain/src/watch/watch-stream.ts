import type { Event, ResponseHeader, WatchCreateRequest, WatchRequest, WatchResponse } from "@wharf/etcd-api";
import { WatchCreateRequest_FilterType } from "@wharf/etcd-api";
import type { StoredKv } from "../mvcc/stored-kv.js";
import type { PacedStream, Pacer } from "./delivery-pacer.js";
import { fragmentResponse } from "./fragment.js";
import { KeyRange } from "./key-range.js";
import { OutputQueue, type ResponseSink } from "./output-queue.js";
import { sharedEvent } from "./to-event.js";
import type { WatchHub } from "./watch-hub.js";
import { Watcher, type WatchTarget } from "./watcher.js";

export interface WatchStreamOptions {
  /** Completes a response header at a revision (cluster and member ids, term). */
  header(rev: number): ResponseHeader;
  /** etcd's --max-request-bytes, the fragment size. */
  maxRequestBytes: number;
  progressNotifyIntervalMs: number;
  /** Most bytes buffered for a client that is not reading before its watches are canceled. */
  maxQueuedBytes: number;
  /** Holds the stream's event responses between ticks once it is busy (absent: every response goes at once). */
  pacer?: Pacer;
}

// etcd's texts, which clients match on.
const ERR_COMPACTED = "etcdserver: mvcc: required revision has been compacted";
const ERR_DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";
const ERR_EMPTY_RANGE = "mvcc: watcher range is empty";
export const SLOW_CONSUMER_REASON = "etcdserver: watch canceled: slow consumer (client is not reading responses)";

/**
 * One Watch RPC stream (etcd's serverWatchStream): watch ids, create, cancel
 * and progress requests, response building (prev_kv, fragments) and bounded
 * output. Transport-agnostic: responses go to a ResponseSink.
 */
export class WatchStream implements WatchTarget, PacedStream {
  private readonly watchers = new Map<number, Watcher>();
  private nextId = 0;
  private readonly out: OutputQueue<WatchResponse>;
  private progressTimer: NodeJS.Timeout | undefined;
  private progressPending = false;
  private progressRecheck = false;
  private closed = false;
  /** The number of the last response other than events: deliveries queued before it are not added to. */
  private barrier = 0;
  private readonly previous = (kv: StoredKv) => this.hub.store.getAt(kv.key, kv.modRev - 1);

  constructor(
    private readonly hub: WatchHub,
    sink: ResponseSink<WatchResponse>,
    private readonly o: WatchStreamOptions,
  ) {
    this.out = new OutputQueue(sink, o.maxQueuedBytes, () => this.slowConsumer());
  }

  get congested(): boolean {
    // Held responses count too: catch-up stops adding to a held stream well before synced watchers would demote.
    return this.out.congested || this.out.queuedBytes > HELD_CATCH_UP_BYTES;
  }

  get size(): number {
    return this.watchers.size;
  }

  handle(req: WatchRequest): void {
    if (this.closed) return;
    if (req.createRequest) this.create(req.createRequest);
    else if (req.cancelRequest) this.cancel(Number(req.cancelRequest.watchId));
    else if (req.progressRequest) this.requestProgress();
  }

  /** The transport has room again. */
  drained(): void {
    this.out.drained();
    if (!this.congested) this.hub.kick();
  }

  /** The client went away: every watcher of the stream goes with it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.watchers.values()) this.hub.remove(w);
    this.watchers.clear();
    this.out.clear();
    this.o.pacer?.forget(this);
    if (this.progressTimer) clearInterval(this.progressTimer);
  }

  private create(c: WatchCreateRequest): void {
    const range = new KeyRange(c.key, c.rangeEnd);
    let id = Number(c.watchId);
    let refusal: string | undefined;
    if (c.startRevision < 0n) refusal = ERR_COMPACTED;
    else if (range.empty) refusal = ERR_EMPTY_RANGE;
    else if (id !== 0 && this.watchers.has(id)) refusal = ERR_DUPLICATE_ID;
    if (refusal !== undefined) {
      this.send({ watchId: -1n, created: true, canceled: true, cancelReason: refusal });
      return;
    }
    if (id === 0) {
      // Server-assigned ids count up from 0, skipping ids the client chose.
      while (this.watchers.has(this.nextId)) this.nextId++;
      id = this.nextId++;
    }
    const w = new Watcher(
      {
        id,
        range,
        startRev: Number(c.startRevision),
        noPut: c.filters.includes(WatchCreateRequest_FilterType.Noput),
        noDelete: c.filters.includes(WatchCreateRequest_FilterType.Nodelete),
        prevKv: c.prevKv,
        fragment: c.fragment,
        progressNotify: c.progressNotify,
      },
      this,
    );
    this.watchers.set(id, w);
    // Created goes out before the hub can deliver anything for the watcher.
    this.send({ watchId: BigInt(id), created: true });
    this.hub.add(w);
    if (w.progressNotify) this.startProgressTimer();
  }

  private cancel(id: number): void {
    const w = this.watchers.get(id);
    if (!w) return; // etcd answers nothing for an unknown id
    this.remove(w);
    this.send({ watchId: BigInt(id), canceled: true });
  }

  private remove(w: Watcher): void {
    this.hub.remove(w);
    this.watchers.delete(w.id);
    this.checkProgress();
  }

  // ---- WatchTarget ------------------------------------------------------------

  deliver(w: Watcher, kvs: StoredKv[], rev: number): void {
    if (this.closed || this.watchers.get(w.id) !== w) return;
    if (w.isSynced && this.out.queuedBytes > SYNCED_QUEUE_BYTES) {
      // The client is well behind: the watcher reads this revision and later ones from history when it catches up.
      w.queued = undefined;
      this.hub.demote(w, rev);
      return;
    }
    w.progressDue = false;
    let events: Event[];
    let size: number;
    if (!w.prevKv && kvs === lastPlain.kvs) {
      events = lastPlain.events;
      size = lastPlain.size;
    } else {
      events = kvs.map((kv) => sharedEvent(kv, w.prevKv ? this.previous : undefined));
      size = eventsSize(events);
      // The same changes delivered to the next watcher (one revision fanned out) reuse these.
      if (!w.prevKv) lastPlain = { kvs, events, size };
    }
    const header = this.o.header(rev);
    if (!w.fragment) {
      const q = w.queued;
      if (
        q !== undefined &&
        w.queuedAt > this.barrier &&
        this.out.waits(w.queuedAt) &&
        w.queuedBytes + size <= MAX_BATCH_BYTES
      ) {
        // As etcd does for a watcher whose client is behind, later revisions join
        // the response still waiting: a client that lags gets fewer, larger messages.
        // This is most deliveries to a paced stream, so it allocates nothing.
        if (!w.queuedOwnsEvents) {
          q.events = q.events.slice();
          w.queuedOwnsEvents = true;
        }
        for (const e of events) q.events.push(e);
        q.header = header;
        w.queuedBytes += size;
        this.out.grow(w.queuedAt, size);
        return;
      }
    }
    const wr: WatchResponse = {
      header,
      watchId: BigInt(w.id),
      created: false,
      canceled: false,
      compactRevision: 0n,
      cancelReason: "",
      fragment: false,
      events,
    };
    if (!w.fragment) {
      const at = this.out.push(wr, RESPONSE_OVERHEAD + size);
      if (this.out.waits(at)) {
        w.queued = wr;
        w.queuedAt = at;
        w.queuedBytes = size;
        w.queuedOwnsEvents = false;
      } else {
        w.queued = undefined;
        this.pace();
      }
      return;
    }
    for (const p of fragmentResponse(wr, this.o.maxRequestBytes)) this.out.push(p, estimateSize(p));
  }

  /**
   * Events just went out: later revisions wait for the pacer's tick (and join the watchers' waiting responses).
   * The hold starts after the current fanout, so every watcher of the stream gets this revision at once.
   */
  private pace(): void {
    const pacer = this.o.pacer;
    if (pacer === undefined || this.pacePending || this.out.isHeld) return;
    // Only a busy stream is held: one that sends few responses gets every revision at once, as from etcd.
    const period = Math.floor(performance.now() / pacer.intervalMs);
    if (period !== this.pacePeriod) {
      this.pacePeriod = period;
      this.paceCount = 0;
    }
    if (++this.paceCount < pacer.burst) return;
    this.pacePending = true;
    queueMicrotask(this.startHold);
  }

  /** The pacer period this stream counts its event responses in, and how many it wrote in it. */
  private pacePeriod = -1;
  private paceCount = 0;
  private pacePending = false;
  private readonly startHold = () => {
    this.pacePending = false;
    if (this.closed || this.out.isHeld) return;
    this.out.hold();
    this.o.pacer!.hold(this);
  };

  releasePace(): boolean {
    if (this.closed) return false;
    const wrote = this.out.release();
    // Watchers reading history wait while the stream is congested (held counts): they may go on now.
    if (!this.congested) this.hub.kick();
    if (wrote === 0) return false;
    this.out.hold();
    return true;
  }

  compacted(w: Watcher, compactRev: number): void {
    if (this.watchers.get(w.id) !== w) return;
    this.watchers.delete(w.id);
    this.send({ watchId: BigInt(w.id), canceled: true, compactRevision: BigInt(compactRev) });
    this.checkProgress();
  }

  synced(_w: Watcher): void {
    this.checkProgress();
  }

  // ---- progress -----------------------------------------------------------------

  /**
   * etcd 3.5's RequestProgress: one response with watch_id -1 at the current
   * revision once every watcher of the stream is synced, so the client knows
   * it has seen everything up to it. Deferred until then if some are not.
   */
  private requestProgress(): void {
    this.progressPending = true;
    this.checkProgress();
  }

  private allProgressed(): boolean {
    for (const w of this.watchers.values()) if (!this.hub.progressed(w)) return false;
    return true;
  }

  private checkProgress(): void {
    if (!this.progressPending || this.closed) return;
    // As etcd, a stream without watchers gets no progress response.
    if (this.watchers.size === 0) {
      this.progressPending = false;
      return;
    }
    if (this.allProgressed()) {
      this.progressPending = false;
      this.send({ watchId: -1n });
      return;
    }
    // A watcher with a future start counts once the store reaches it.
    if (this.progressRecheck) return;
    this.progressRecheck = true;
    this.hub.runAfterNextCommit(() => {
      this.progressRecheck = false;
      this.checkProgress();
    });
  }

  private startProgressTimer(): void {
    if (this.progressTimer) return;
    this.progressTimer = setInterval(() => this.progressTick(), this.o.progressNotifyIntervalMs);
    this.progressTimer.unref();
  }

  /** etcd's progress_notify: an empty response to each idle, synced watcher that asked for it. */
  private progressTick(): void {
    for (const w of this.watchers.values()) {
      if (!w.progressNotify) continue;
      if (w.progressDue && this.hub.progressed(w)) this.send({ watchId: BigInt(w.id) });
      w.progressDue = true;
    }
  }

  // ---- output ---------------------------------------------------------------------

  /** Cancels every watcher of a stream whose client stopped reading, instead of buffering without bound. */
  private slowConsumer(): void {
    for (const w of [...this.watchers.values()]) {
      this.hub.remove(w);
      this.watchers.delete(w.id);
      this.send({ watchId: BigInt(w.id), canceled: true, cancelReason: SLOW_CONSUMER_REASON });
    }
  }

  private send(partial: Partial<WatchResponse>): void {
    const wr = this.response(this.hub.lastRev, partial);
    // Events never join a response queued before this one (a progress notification must follow them).
    this.barrier = this.out.push(wr, estimateSize(wr));
  }

  private response(rev: number, partial: Partial<WatchResponse>): WatchResponse {
    return {
      header: this.o.header(rev),
      watchId: 0n,
      created: false,
      canceled: false,
      compactRevision: 0n,
      cancelReason: "",
      fragment: false,
      events: [],
      ...partial,
    };
  }
}

/** The last changes delivered without prev_kv, as events, with their size: a revision's next watcher shares them. */
let lastPlain: { kvs: StoredKv[]; events: Event[]; size: number } = { kvs: [], events: [], size: 0 };

const RESPONSE_OVERHEAD = 64;
/**
 * Bytes waiting for a client beyond which its synced watchers stop queueing
 * events and catch up from history instead (maxQueuedBytes, far above, only
 * bounds what cannot be re-read: created, canceled and progress responses).
 */
const SYNCED_QUEUE_BYTES = 8 * 1024 * 1024;
/** Bytes waiting in a held stream beyond which catch-up deliveries to it wait for the pacer's tick. */
const HELD_CATCH_UP_BYTES = 4 * 1024 * 1024;
/** The most bytes of events one waiting response gathers before the next revision starts another. */
const MAX_BATCH_BYTES = 1024 * 1024;

/** Bytes a response holds in memory, roughly: its keys and values plus fixed overheads. */
function estimateSize(wr: WatchResponse): number {
  return RESPONSE_OVERHEAD + wr.cancelReason.length + eventsSize(wr.events);
}

function eventsSize(events: Event[]): number {
  let n = 0;
  for (const e of events) {
    n += 48 + (e.kv ? e.kv.key.length + e.kv.value.length : 0);
    if (e.prevKv) n += 48 + e.prevKv.key.length + e.prevKv.value.length;
  }
  return n;
}
