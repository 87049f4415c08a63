import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

// One `wharf up` per data directory: a pid file holding its pid and then its
// children's, so a run that was killed (kill -9) is told apart from a live one.

export const LOCK_FILE = "wharf-up.pid";

export class LockHeld extends Error {}

export class UpLock {
  private constructor(readonly file: string) {}

  static async acquire(dir: string): Promise<UpLock> {
    const file = join(dir, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(file, `${process.pid}\n`, { flag: "wx", mode: 0o644 });
        return new UpLock(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const held = readLock(file);
      if (held.pid !== process.pid && runs(held.pid, "up"))
        throw new LockHeld(
          `another \`wharf up\` (pid ${held.pid}) is running on ${dir}; stop it first (Ctrl-C in its terminal, or kill ${held.pid})`,
        );
      // Stale: the children of a killed run stop by themselves once their IPC channel closes.
      const deadline = Date.now() + 10_000;
      let left = held.children.filter((c) => runs(c.pid, c.name));
      while (left.length > 0 && Date.now() < deadline) {
        await sleep(100);
        left = left.filter((c) => runs(c.pid, c.name));
      }
      if (left.length > 0)
        throw new LockHeld(
          `${left.map((c) => `${c.name} (pid ${c.pid})`).join(" and ")}, left by a \`wharf up\` that was killed, ` +
            `still running on ${dir}; stop ${left.length > 1 ? "them" : "it"} first (kill ${left.map((c) => c.pid).join(" ")})`,
        );
      rmSync(file, { force: true });
    }
    throw new LockHeld(`another \`wharf up\` is starting on ${dir}`);
  }

  recordChild(name: string, pid: number): void {
    appendFileSync(this.file, `${name} ${pid}\n`);
  }

  release(): void {
    try {
      if (readLock(this.file).pid === process.pid) rmSync(this.file, { force: true });
    } catch {
      // already gone
    }
  }
}

function readLock(file: string): { pid: number; children: { name: string; pid: number }[] } {
  let lines: string[];
  try {
    lines = readFileSync(file, "utf8").split("\n");
  } catch {
    return { pid: 0, children: [] };
  }
  const children = lines
    .slice(1)
    .map((l) => l.split(" "))
    .filter((p) => p.length === 2 && Number(p[1]) > 0)
    .map(([name, pid]) => ({ name: name!, pid: Number(pid) }));
  return { pid: Number(lines[0]) || 0, children };
}

/** Whether pid is alive and (where /proc tells) a wharf process with `arg` on its command line: pids get reused. */
function runs(pid: number, arg: string): boolean {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return true;
  }
  return argv.includes(arg) && argv.some((a) => a.includes("wharf"));
}
