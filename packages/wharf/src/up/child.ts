import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// One component of `wharf up`: `wharf <command>` as a child process through the
// same CLI entry, its output appended to a log file.

const WHARF_BIN = fileURLToPath(new URL("../../bin/wharf.js", import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why it could not be started at all. */
  error?: string;
}

export function describeExit(e: Exit): string {
  return e.error ?? (e.signal ? `killed by signal ${e.signal}` : `exit code ${e.code}`);
}

export class Component {
  readonly pid: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;
  private readonly proc: ChildProcess;
  private readonly logStart: number;

  constructor(
    readonly name: string,
    args: string[],
    readonly logFile: string,
  ) {
    const fd = openSync(logFile, "a", 0o600);
    this.logStart = fstatSync(fd).size;
    try {
      // Its own process group: the terminal's Ctrl-C reaches only `wharf up`, which stops the
      // components in order. The IPC channel stops them when `wharf up` is killed (see serve.ts).
      this.proc = spawn(process.execPath, [WHARF_BIN, name, ...args], {
        stdio: ["ignore", fd, fd, "ipc"],
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    this.exited = new Promise((resolve) => {
      this.proc.once("error", (e) => {
        this.exit ??= { code: null, signal: null, error: e.message };
        resolve(this.exit);
      });
      this.proc.once("exit", (code, signal) => {
        this.exit ??= { code, signal };
        resolve(this.exit);
      });
    });
    this.pid = this.proc.pid ?? 0;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /**
   * SIGTERM, then SIGKILL after timeoutMs or as soon as `force` settles (a second Ctrl-C).
   * Returns whether it had to be killed.
   */
  async stop(timeoutMs: number, force: Promise<void>): Promise<boolean> {
    if (!this.running) return false;
    this.proc.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), timeoutMs);
      void force.then(() => resolve("late"));
    });
    const r = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (r !== "late") return false;
    this.proc.kill("SIGKILL");
    await this.exited;
    return true;
  }

  /** The last lines this run logged, pino's JSON made readable. */
  logTail(lines = 10): string[] {
    let text: string;
    try {
      text = readFileSync(this.logFile).subarray(this.logStart).toString("utf8");
    } catch {
      return [];
    }
    return text
      .split("\n")
      .filter((l) => l.trim() !== "")
      .slice(-lines)
      .map(readable);
  }
}

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };

function readable(line: string): string {
  try {
    const o = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
    if (typeof o.msg !== "string") return line;
    const err = o.err?.message ? `: ${o.err.message}` : "";
    return `${LEVELS[o.level ?? 30] ?? o.level} ${o.msg}${err}`;
  } catch {
    return line;
  }
}
