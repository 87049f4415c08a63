// Brain's main thread (the sequencer) as its /metrics shows it: time in
// garbage collection by kind and the heap in use, so a row whose latency
// moved can be told apart from one where the sequencer was paused.

export interface GcSnapshot {
  /** Seconds spent in each GC kind (major, minor, incremental, weakcb) so far. */
  seconds: Record<string, number>;
  counts: Record<string, number>;
  /** Pauses of 100 ms or longer so far, all kinds. */
  longPauses: number;
  heapUsedBytes: number;
}

export async function gcSnapshot(endpoint: string): Promise<GcSnapshot | undefined> {
  let text: string;
  try {
    const res = await fetch(`http://${endpoint}/metrics`);
    text = await res.text();
  } catch {
    return undefined;
  }
  const s: GcSnapshot = { seconds: {}, counts: {}, longPauses: 0, heapUsedBytes: 0 };
  for (const line of text.split("\n")) {
    const m =
      /^nodejs_gc_duration_seconds_(sum|count|bucket)\{(?:le="([^"]+)",)?kind="(\w+)"(?:,le="([^"]+)")?\} (\S+)$/.exec(
        line,
      );
    if (m) {
      const [, part, le1, kind, le2, value] = m;
      const v = Number(value);
      if (part === "sum") s.seconds[kind!] = v;
      else if (part === "count") s.counts[kind!] = v;
      else if ((le1 ?? le2) === "0.1") s.longPauses -= v;
      else if ((le1 ?? le2) === "+Inf") s.longPauses += v;
      continue;
    }
    if (line.startsWith("nodejs_heap_size_used_bytes ")) s.heapUsedBytes = Number(line.split(" ")[1]);
  }
  return s;
}

/** One line: what the sequencer spent in GC between two snapshots. */
export function gcDelta(a: GcSnapshot, b: GcSnapshot): string {
  const kinds = Object.keys(b.seconds)
    .filter((k) => (b.counts[k] ?? 0) > (a.counts[k] ?? 0))
    .map(
      (k) =>
        `${k} ${((b.seconds[k] ?? 0) - (a.seconds[k] ?? 0)).toFixed(2)} s/${(b.counts[k] ?? 0) - (a.counts[k] ?? 0)}`,
    );
  const heap = (b.heapUsedBytes / 2 ** 20).toFixed(0);
  return `GC ${kinds.join(", ") || "none"}; pauses ≥100 ms: ${b.longPauses - a.longPauses}; heap used ${heap} MiB`;
}
