// resource.Quantity in its canonical form, the way kube-apiserver writes
// quantities back out (and so prints them in PV/PVC capacity, quota and HPA
// cells): "1000m" is "1", "1536Mi" is "1536Mi", "2048Mi" is "2Gi", "0.5" is
// "500m", "1e3" stays in exponent form as "1e3".

type Format = "DecimalSI" | "BinarySI" | "DecimalExponent";

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const BINARY_NAMES = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
const DECIMAL_NAMES: Record<number, string> = {
  [-9]: "n",
  [-6]: "u",
  [-3]: "m",
  0: "",
  3: "k",
  6: "M",
  9: "G",
  12: "T",
  15: "P",
  18: "E",
};

const NANO = 10n ** 9n;

interface Parsed {
  /** The value in units of 10^-9, rounded away from zero as kube rounds sub-nano precision. */
  nanos: bigint;
  format: Format;
}

function parse(s: string): Parsed | undefined {
  const m = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(.*)$/.exec(s.trim());
  if (!m) return undefined;
  const [, sign, number, suffix] = m;
  const [whole, frac = ""] = number.split(".");
  let num = BigInt((whole || "0") + frac);
  let den = 10n ** BigInt(frac.length);
  let format: Format;
  if (suffix in BINARY_SUFFIXES) {
    format = "BinarySI";
    num *= 2n ** BigInt(BINARY_SUFFIXES[suffix]);
  } else if (suffix in DECIMAL_SUFFIXES) {
    format = "DecimalSI";
    const e = DECIMAL_SUFFIXES[suffix];
    if (e >= 0) num *= 10n ** BigInt(e);
    else den *= 10n ** BigInt(-e);
  } else if (/^[eE][+-]?\d+$/.test(suffix)) {
    format = "DecimalExponent";
    const e = Number(suffix.slice(1));
    if (e >= 0) num *= 10n ** BigInt(e);
    else den *= 10n ** BigInt(-e);
  } else {
    return undefined;
  }
  const scaled = num * NANO;
  let nanos = scaled / den;
  if (scaled % den !== 0n) nanos += 1n;
  return { nanos: sign === "-" ? -nanos : nanos, format };
}

const abs = (n: bigint): bigint => (n < 0n ? -n : n);

/** A quantity (string or number) in kube's canonical form; strings it cannot parse come back unchanged. */
export function canonicalQuantity(q: unknown): string {
  if (q === undefined || q === null) return "0";
  const text = typeof q === "number" ? String(q) : String(q);
  const p = parse(text);
  if (!p) return text;
  if (p.nanos === 0n) return "0";
  let format = p.format;
  if (format === "BinarySI") {
    const whole = p.nanos % NANO === 0n;
    if (abs(p.nanos) < 1024n * NANO || !whole) format = "DecimalSI";
  }
  if (format === "BinarySI") {
    let amount = p.nanos / NANO;
    let exp = 0;
    while (amount % 1024n === 0n && exp < BINARY_NAMES.length - 1) {
      amount /= 1024n;
      exp++;
    }
    return `${amount}${BINARY_NAMES[exp]}`;
  }
  let mantissa = p.nanos;
  let exp = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exp++;
  }
  const rem = ((exp % 3) + 3) % 3;
  if (rem === 1) {
    mantissa *= 10n;
    exp -= 1;
  } else if (rem === 2) {
    mantissa *= 100n;
    exp -= 2;
  }
  if (format === "DecimalExponent") return exp === 0 ? `${mantissa}` : `${mantissa}e${exp}`;
  const suffix = DECIMAL_NAMES[exp];
  return suffix === undefined ? `${mantissa}e${exp}` : `${mantissa}${suffix}`;
}
