import type { ServiceError } from "@grpc/grpc-js";
import type { WatchResponse, WatchServer } from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import { DeliveryPacer } from "../watch/delivery-pacer.js";
import { WatchHub } from "../watch/watch-hub.js";
import { WatchStream } from "../watch/watch-stream.js";
import { directWriter } from "./grpc-direct-writer.js";
import { toServiceError } from "./grpc-status.js";
import { GRPC_OVERHEAD_BYTES } from "./request-size.js";
import { framedWatchResponse } from "./watch-response-encoder.js";

/** Revisions kept in memory for watchers that are a little behind; override with WHARF_WATCH_RING_REVISIONS. */
const RING_REVISIONS = envInt("WHARF_WATCH_RING_REVISIONS", 10_000);
/** Bytes buffered for a client that stopped reading; override with WHARF_WATCH_MAX_QUEUED_BYTES. */
const MAX_QUEUED_BYTES = envInt("WHARF_WATCH_MAX_QUEUED_BYTES", 64 * 1024 * 1024);
/** How long a busy stream's event responses gather before they go out (0: never held); WHARF_WATCH_PACE_MS. */
const PACE_MS = envInt("WHARF_WATCH_PACE_MS", 50);
/** Event responses a stream sends in one pace period before it is held (WHARF_WATCH_PACE_BURST). */
const PACE_BURST = envInt("WHARF_WATCH_PACE_BURST", 64);

/** etcd's Watch service: a thin adapter from a grpc-js bidi stream to a WatchStream on the shared hub. */
export function watchService(brain: Brain): WatchServer {
  const hub = new WatchHub(brain.store, { ringRevisions: RING_REVISIONS });
  brain.watchHub = hub;
  const pacer = PACE_MS > 0 ? new DeliveryPacer(PACE_MS, PACE_BURST) : undefined;
  // Every response at one revision shares one header object, so the serializer encodes it once.
  // It is asked for once per watcher and revision, so the check compares numbers (a BigInt each time would allocate).
  let headerRev = 0;
  let header = brain.fill({ header: { clusterId: 0n, memberId: 0n, revision: 0n, raftTerm: 0n } }).header!;
  const headerAt = (rev: number) => {
    if (headerRev !== rev) {
      header = brain.fill({ header: { clusterId: 0n, memberId: 0n, revision: BigInt(rev), raftTerm: 0n } }).header!;
      headerRev = rev;
    }
    return header;
  };
  return {
    watch: (call) => {
      const direct = directWriter(call, framedWatchResponse, () => stream.drained());
      const stream: WatchStream = new WatchStream(
        hub,
        // grpc-js returns false from write() once its buffer is full and emits 'drain' later.
        direct ?? { write: (r: WatchResponse) => call.write(r) },
        {
          header: headerAt,
          // etcd fragments at --max-request-bytes plus the framing allowance it grants requests.
          maxRequestBytes: brain.config.maxRequestBytes + GRPC_OVERHEAD_BYTES,
          progressNotifyIntervalMs: Math.max(100, brain.config.watchProgressNotifyIntervalMs),
          maxQueuedBytes: MAX_QUEUED_BYTES,
          pacer,
        },
      );
      call.on("data", (req) => {
        try {
          stream.handle(req);
        } catch (e) {
          // A request the stream cannot take ends this stream, never the server.
          call.emit("error", toServiceError(e) as ServiceError);
        }
      });
      if (!direct) call.on("drain", () => stream.drained());
      // As etcd, a client's half-close leaves the watches running; only the end of the call removes them.
      const close = () => stream.close();
      call.on("cancelled", close);
      call.on("close", close);
      call.on("error", close);
    },
  };
}

function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
