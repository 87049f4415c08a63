import { WatchResponse } from "@wharf/etcd-api";

/**
 * etcd's sendFragments: a response at least `maxBytes` long with two or more
 * events is split into several, each as large as fits (always at least one
 * event), with fragment=true on all but the last.
 */
export function fragmentResponse(wr: WatchResponse, maxBytes: number): WatchResponse[] {
  if (wr.events.length < 2 || encodedSize(wr) < maxBytes) return [wr];
  const out: WatchResponse[] = [];
  let idx = 0;
  const base = encodedSize({ ...wr, events: [], fragment: true });
  while (idx < wr.events.length) {
    const cur: WatchResponse = { ...wr, events: [], fragment: true };
    let size = base;
    while (idx < wr.events.length) {
      const ev = wr.events[idx]!;
      const evSize = eventSize(ev);
      if (cur.events.length > 0 && size + evSize >= maxBytes) break;
      cur.events.push(ev);
      size += evSize;
      idx++;
    }
    if (idx === wr.events.length) cur.fragment = false;
    out.push(cur);
  }
  return out;
}

function encodedSize(wr: WatchResponse): number {
  return WatchResponse.encode(wr).finish().length;
}

/** An event's cost inside a response: its bytes plus the field tag and length prefix. */
function eventSize(ev: WatchResponse["events"][number]): number {
  return encodedSize(WatchResponse.fromPartial({ events: [ev] }));
}
