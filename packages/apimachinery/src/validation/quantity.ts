// resource.Quantity: parsing kube's quantity syntax ("500m", "1.5Gi", "2e3"),
// exact comparison, and the canonical text kube prints (Quantity.String()).
// Values are kept exactly as a fraction of big integers.

export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

export class Quantity {
  constructor(
    /** The value is num / den, den > 0. */
    readonly num: bigint,
    readonly den: bigint,
    readonly format: QuantityFormat,
  ) {}

  cmp(other: Quantity): number {
    const a = this.num * other.den;
    const b = other.num * this.den;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  sign(): number {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }

  isInteger(): boolean {
    return this.num % this.den === 0n;
  }

  /** The value in thousandths, rounded up as kube's MilliValue does. */
  milliValue(): bigint {
    const n = this.num * 1000n;
    const q = n / this.den;
    return n % this.den !== 0n && n > 0n ? q + 1n : q;
  }

  toString(): string {
    return canonical(this);
  }
}

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** ParseQuantity; throws an Error with kube's message. */
export function parseQuantity(input: string): Quantity {
  const s = input.trim();
  if (s.length === 0) throw new Error(QUANTITY_FORMAT_ERROR);
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(s);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new Error(QUANTITY_FORMAT_ERROR);
  const neg = m[1] === "-";
  const whole = m[2]!;
  const frac = m[3] ?? "";
  const suffix = m[4]!;
  if (!/^[eEinumkKMGTP]*[-+]?[0-9]*$/.test(suffix)) throw new Error(QUANTITY_FORMAT_ERROR);
  let num = BigInt((whole || "0") + frac);
  let den = pow10(frac.length);
  let format: QuantityFormat;
  if (Object.hasOwn(decimalSuffixes, suffix)) {
    format = "DecimalSI";
    const e = decimalSuffixes[suffix]!;
    if (e >= 0) num *= pow10(e);
    else den *= pow10(-e);
  } else if (Object.hasOwn(binarySuffixes, suffix)) {
    format = "BinarySI";
    num *= 1024n ** BigInt(binarySuffixes[suffix]!);
  } else {
    const em = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
    if (!em) throw new Error(QUANTITY_SUFFIX_ERROR);
    format = "DecimalExponent";
    const e = Number.parseInt(em[1]!, 10);
    if (e >= 0) num *= pow10(e);
    else den *= pow10(-e);
  }
  if (neg) num = -num;
  // Kube keeps nine decimal places and rounds anything finer away from zero.
  const scaled = num * pow10(9);
  let nanos = scaled / den;
  if (scaled % den !== 0n) nanos += neg ? -1n : 1n;
  return reduce(nanos, pow10(9), format);
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

function reduce(num: bigint, den: bigint, format: QuantityFormat): Quantity {
  const g = gcd(num, den);
  return new Quantity(num / g, den / g, format);
}

const decimalSuffixFor = new Map<number, string>(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));

function canonical(q: Quantity): string {
  if (q.num === 0n) return "0";
  let format = q.format;
  if (format === "BinarySI") {
    const abs = q.num < 0n ? -q.num : q.num;
    if (abs < 1024n * q.den || !q.isInteger()) format = "DecimalSI";
  }
  const neg = q.num < 0n;
  const sign = neg ? "-" : "";
  if (format === "BinarySI") {
    let v = (neg ? -q.num : q.num) / q.den;
    let exp = 0;
    while (exp < 6 && v % 1024n === 0n) {
      v /= 1024n;
      exp++;
    }
    const suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][exp]!;
    return `${sign}${v}${suffix}`;
  }
  // value = mantissa * 10^exp with an integer mantissa free of trailing zeros; den divides 10^9.
  let mantissa = ((neg ? -q.num : q.num) * pow10(9)) / q.den;
  let exp = -9;
  while (mantissa !== 0n && mantissa % 10n === 0n) {
    mantissa /= 10n;
    exp++;
  }
  // Kube shows the exponent as a multiple of three, moving the rest into the number.
  const e3 = Math.floor(exp / 3) * 3;
  mantissa *= pow10(exp - e3);
  if (format === "DecimalExponent") return `${sign}${mantissa}${e3 === 0 ? "" : `e${e3}`}`;
  const suffix = decimalSuffixFor.get(e3);
  if (suffix !== undefined) return `${sign}${mantissa}${suffix}`;
  return `${sign}${mantissa}e${e3}`;
}
