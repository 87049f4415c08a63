// Parsers for etcd-style flag values.

export function list(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function int(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`invalid value "${value}" for flag --${name}: not a non-negative integer`);
    return n;
  };
}

/** Go-style booleans: `--flag`, `--flag=true`, `--flag=false`. */
export function bool(name: string): (value: string | undefined) => boolean {
  return (value) => {
    if (value === undefined || value === "" || value === "true" || value === "1") return true;
    if (value === "false" || value === "0") return false;
    throw new Error(`invalid boolean value "${value}" for flag --${name}`);
  };
}

/** A duration like etcd's (Go's) "100ms", "5s", "10m", "1h", or a bare number of seconds. */
export function durationMs(name: string): (value: string) => number {
  return (value) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
    if (!m) throw new Error(`invalid duration "${value}" for flag --${name}`);
    const n = Number(m[1]);
    const unit = m[2] ?? "s";
    return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!);
  };
}

/** A TCP port: 1 to 65535 (0 would leave `wharf up` not knowing where to look). */
export function port(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      throw new Error(`invalid value "${value}" for flag --${name}: not a port (1-65535)`);
    return n;
  };
}
