// IP addresses and CIDRs as Go's net package reads and prints them, for the
// service IP allocator: addresses are bigints, families are kube's names.

export type IPFamily = "IPv4" | "IPv6";

export interface IP {
  family: IPFamily;
  value: bigint;
}

export interface CIDR {
  family: IPFamily;
  /** The masked network address. */
  network: bigint;
  prefix: number;
  /** 32 or 128. */
  bits: number;
}

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    // ParseIPSloppy: decimal octets, leading zeros allowed.
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function parseIPv6(s: string): bigint | undefined {
  let head = s;
  let tailV4: bigint | undefined;
  const lastColon = s.lastIndexOf(":");
  if (s.slice(lastColon + 1).includes(".")) {
    tailV4 = parseIPv4(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  let v = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(Number.parseInt(g, 16));
  }
  if (tailV4 !== undefined) v = (v & ~0xffffffffn) | tailV4;
  return v;
}

const V4_MAPPED_PREFIX = 0xffffn << 32n;

/** Parses an IP as Go's ParseIPSloppy does; an IPv4-mapped IPv6 address is IPv4, as Go's To4 says. */
export function parseIP(s: string): IP | undefined {
  if (s.includes(":")) {
    const v = parseIPv6(s);
    if (v === undefined) return undefined;
    if (v >> 32n === 0xffffn) return { family: "IPv4", value: v & 0xffffffffn };
    return { family: "IPv6", value: v };
  }
  const v = parseIPv4(s);
  return v === undefined ? undefined : { family: "IPv4", value: v };
}

/** Go's net.IP.String(): dotted IPv4; IPv6 lower-case with the longest run of two or more zero groups as "::". */
export function formatIP(ip: IP): string {
  if (ip.family === "IPv4") {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join(".");
  }
  if (ip.value >> 32n === 0xffffn && ip.value < V4_MAPPED_PREFIX + (1n << 32n)) {
    return formatIP({ family: "IPv4", value: ip.value & 0xffffffffn });
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(":");
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

export function bitsOf(family: IPFamily): number {
  return family === "IPv4" ? 32 : 128;
}

/** Parses "addr/prefix" as Go's ParseCIDR: the network is the masked address. */
export function parseCIDR(s: string): CIDR | undefined {
  const slash = s.indexOf("/");
  if (slash < 0) return undefined;
  const ip = s.includes(":") ? parseIPv6(s.slice(0, slash)) : parseIPv4(s.slice(0, slash));
  const prefixText = s.slice(slash + 1);
  if (ip === undefined || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const family: IPFamily = s.includes(":") ? "IPv6" : "IPv4";
  const bits = bitsOf(family);
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  return { family, network: (ip >> hostBits) << hostBits, prefix, bits };
}

/** Go's IPNet.String(): "10.0.0.0/24", "fd00::/108". */
export function formatCIDR(c: CIDR): string {
  return `${formatIP({ family: c.family, value: c.network })}/${c.prefix}`;
}

/** How many addresses the CIDR holds. */
export function cidrSize(c: CIDR): bigint {
  return 1n << BigInt(c.bits - c.prefix);
}

export function cidrContains(c: CIDR, ip: IP): boolean {
  return ip.family === c.family && ip.value >= c.network && ip.value < c.network + cidrSize(c);
}
