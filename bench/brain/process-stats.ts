import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** User plus system CPU seconds a process has used so far (/proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident memory in bytes: all of it, and the anonymous part (without mapped file pages such as lmdb's). */
export function memory(pid: number): { rss: number; rssAnon: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib("VmRSS"), rssAnon: kib("RssAnon") };
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
