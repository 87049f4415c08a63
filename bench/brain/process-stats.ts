import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** A process and its live descendants (brain's protocol workers are its children): servers are measured whole. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const taskDir = `/proc/${out[i]}/task`;
    if (!existsSync(taskDir)) continue;
    for (const tid of readdirSync(taskDir)) {
      try {
        const kids = readFileSync(join(taskDir, tid, "children"), "utf8").trim();
        if (kids) out.push(...kids.split(/\s+/).map(Number));
      } catch {
        // The thread has gone.
      }
    }
  }
  return out;
}

/** User plus system CPU seconds a process and its descendants have used so far (/proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {
      // A descendant that has just exited.
    }
  }
  return total;
}

/**
 * Resident memory in bytes of a process and its descendants: all of it, and the anonymous part (without mapped
 * file pages such as lmdb's).
 */
export function memory(pid: number): { rss: number; rssAnon: number } {
  const sum = { rss: 0, rssAnon: 0 };
  for (const p of processTree(pid)) {
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
      sum.rss += kib("VmRSS");
      sum.rssAnon += kib("RssAnon");
    } catch {
      if (p === pid) throw new Error(`process ${pid} has gone`);
    }
  }
  return sum;
}

/** Samples a process's memory every interval and keeps the peaks, until stop(). */
export function sampleMemory(pid: number, intervalMs = 100): { stop(): { rss: number; rssAnon: number } } {
  const peak = { rss: 0, rssAnon: 0 };
  const take = () => {
    try {
      const m = memory(pid);
      peak.rss = Math.max(peak.rss, m.rss);
      peak.rssAnon = Math.max(peak.rssAnon, m.rssAnon);
    } catch {
      // The process has gone; the peaks so far stand.
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

/** The machine's CPU time so far, all cores (/proc/stat): total, and what the hypervisor stole from this VM. */
export interface HostCpu {
  total: number;
  steal: number;
}

export function hostCpu(): HostCpu {
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is counted in user already).
  const fields = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 };
}

/**
 * Percent of the machine's CPU time stolen between two readings: a VM's neighbours taking its cores. A row
 * measured while it was high says more about the host than about either server.
 */
export function stealPercent(a: HostCpu, b: HostCpu): number {
  const total = b.total - a.total;
  return total > 0 ? (100 * (b.steal - a.steal)) / total : 0;
}
