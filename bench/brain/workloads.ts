// The workloads of the brain-vs-etcd benchmark (issue 4), after KubeBrain's:
// 70-byte keys, 256 B and 1 KiB values, kube-apiserver's own request shapes.

export interface Workload {
  /** Shown in the table, e.g. "create 256B c256". */
  name: string;
  /** The workload number (1 creates … 6 scale). */
  group: number;
  /** Counts toward the bar (workloads 1-5 at 256 clients). */
  bar: boolean;
  /** Key prefix of this workload's keys. */
  prefix: string;
  /** Untimed setup: keys created before the measured run. */
  preload?: { keys: number; valSize: number };
  /** Load generator flags of the measured run. */
  args: string[];
}

export interface Plan {
  workloads: Workload[];
  /** Keys of the scale run (0: no scale run). */
  scaleKeys: number;
  /** Measured seconds per duration-bound run. */
  seconds: number;
}

const size = (v: number) => (v >= 1024 ? `${v / 1024}KiB` : `${v}B`);

export function plan(smoke: boolean): Plan {
  const seconds = smoke ? 1 : 10;
  const readKeys = smoke ? 1000 : 10_000;
  const deleteKeys = smoke ? 1000 : 30_000;
  const duration = `-duration=${seconds}s`;
  const w: Workload[] = [];
  for (const v of [256, 1024]) {
    for (const c of smoke ? [1, 256] : [1, 64, 256]) {
      w.push({
        name: `create ${size(v)} c${c}`,
        group: 1,
        bar: c === 256,
        prefix: `/registry/bench/create-${v}-${c}/`,
        args: ["-workload=create", `-clients=${c}`, `-val-size=${v}`, duration],
      });
    }
  }
  for (const v of [256, 1024]) {
    w.push({
      name: `update ${size(v)} c256 1% conflicts`,
      group: 2,
      bar: true,
      prefix: `/registry/bench/update-${v}/`,
      preload: { keys: readKeys, valSize: v },
      args: ["-workload=update", "-clients=256", `-keys=${readKeys}`, `-val-size=${v}`, "-conflict-pct=1", duration],
    });
  }
  for (const v of [256, 1024]) {
    w.push({
      name: `delete ${size(v)} c256`,
      group: 3,
      bar: true,
      prefix: `/registry/bench/delete-${v}/`,
      preload: { keys: deleteKeys, valSize: v },
      args: ["-workload=delete", "-clients=256", `-keys=${deleteKeys}`],
    });
  }
  for (const v of [256, 1024]) {
    const prefix = `/registry/bench/read-${v}/`;
    for (const [consistency, label] of [
      ["l", "linearizable"],
      ["s", "serializable"],
    ] as const) {
      w.push({
        name: `get ${label} ${size(v)} c256`,
        group: 4,
        bar: true,
        prefix,
        preload: { keys: readKeys, valSize: v },
        args: ["-workload=get", "-clients=256", `-consistency=${consistency}`, `-keys=${readKeys}`, duration],
      });
    }
    w.push({
      name: `list ${readKeys} keys ${size(v)} pages of 500 c256`,
      group: 4,
      bar: true,
      prefix,
      preload: { keys: readKeys, valSize: v },
      args: ["-workload=list", "-clients=256", `-keys=${readKeys}`, "-page-limit=500", duration],
    });
  }
  for (const v of [256, 1024]) {
    const watchers = smoke ? 50 : 1000;
    const rate = smoke ? 200 : 500;
    w.push({
      name: `watch ${watchers} watchers ${rate} writes/s ${size(v)}`,
      group: 5,
      bar: true,
      prefix: `/registry/bench/watch-${v}/`,
      args: [
        "-workload=watch",
        "-clients=16",
        `-watchers=${watchers}`,
        `-rate=${rate}`,
        `-total=${rate * seconds}`,
        `-val-size=${v}`,
      ],
    });
  }
  return { workloads: w, scaleKeys: smoke ? 0 : 1_000_000, seconds };
}
