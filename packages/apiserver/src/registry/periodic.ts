// The apiserver's periodic work (repairs, reconcilers, leases): one run at a
// time, the next `ms` after the last ended, so a slow run never piles up; a
// failure is reported and the work runs again at the next turn. The timer
// does not keep the process alive.

export interface Periodic {
  stop(): void;
}

export function repeat(ms: number, work: () => Promise<void>, failed: (e: unknown) => void): Periodic {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      try {
        await work();
      } catch (e) {
        failed(e);
      }
      next();
    }, ms);
    timer.unref();
  };
  next();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
