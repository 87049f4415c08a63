// How field.Error prints a resource.Quantity: Go's %#v of the value 1.28's
// ParseQuantity builds from the text sent (String has a pointer receiver, so
// the value is no fmt.Stringer). A few 422 messages show it (LimitRange,
// ResourceQuota, HorizontalPodAutoscaler).

import { GoValue, goQuote, parseQuantity } from "@wharf/apimachinery";

const decimalExponents: Record<string, number> = {
  "": 0,
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binaryExponents: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
export const INT64_MAX = 2n ** 63n - 1n;

/**
 * %#v of the quantity sent as `raw` (a JSON number as its digits): its inner form as ParseQuantity builds it. `s`
 * is the cached string: the text itself when ParseQuantity found it canonical, or the canonical form once the
 * message's own String() call filled it (`stringCalled`). Values ParseQuantity keeps as an inf.Dec print a heap
 * address kube alone knows; a fixed one stands in. Throws kube's parse message for a text that is no quantity.
 */
export function goQuantity(raw: string, stringCalled = false): GoValue {
  const q = parseQuantity(raw);
  const canonical = q.toString();
  let value = 0n;
  let scale = 0;
  let cached = "";
  let dec = false;
  let format: string = q.format;
  if (raw === "0") {
    cached = "0";
    format = "DecimalSI";
  } else {
    const m = /^([+-]?)0*([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(raw);
    const num = m?.[2] || "0";
    const denom = m?.[3] ?? "";
    const suffix = m?.[4] ?? "";
    let exponent = 0;
    let base2 = false;
    if (Object.hasOwn(decimalExponents, suffix)) exponent = decimalExponents[suffix]!;
    else if (Object.hasOwn(binaryExponents, suffix)) {
      exponent = binaryExponents[suffix]!;
      base2 = true;
    } else exponent = Number.parseInt(suffix.slice(1), 10);
    let precision: number;
    let mantissa = 1n;
    if (base2) {
      scale = 0;
      if (exponent >= 0 && denom.length === 0) {
        mantissa = 1n << BigInt(exponent);
        precision = 15 - num.length - Math.trunc(Math.fround((Math.fround(exponent) * 3) / 10)) - 1;
      } else precision = -1;
    } else {
      scale = exponent;
      precision = 18 - (num.length + denom.length);
    }
    dec = true;
    if (precision >= 0) {
      scale -= denom.length;
      if (scale >= -9) {
        const shifted = num + denom;
        const v = BigInt(shifted);
        const product = v * mantissa;
        if (product <= INT64_MAX) {
          dec = false;
          value = m?.[1] === "-" ? -product : product;
          const canonicalText = base2
            ? exponent % 10 === 0 && (v & 7n) !== 0n
            : scale % 3 === 0 && !shifted.endsWith("000") && shifted[0] !== "0";
          if (canonicalText) cached = raw;
        }
      }
    }
    if (dec) {
      scale = 0;
      // ParseQuantity's inf.Dec path shows a binary value strictly between -1 and 1 as decimal.
      const abs = q.num < 0n ? -q.num : q.num;
      if (format === "BinarySI" && abs !== 0n && abs < q.den) format = "DecimalSI";
    }
  }
  if (cached === "" && stringCalled) cached = canonical;
  const d = dec ? "(*inf.Dec)(0xc000000000)" : "(*inf.Dec)(nil)";
  return new GoValue(
    `resource.Quantity{i:resource.int64Amount{value:${value}, scale:${scale}}, d:resource.infDecAmount{Dec:${d}}, s:${goQuote(cached)}, Format:${goQuote(format)}}`,
  );
}

/** Go's zero resource.Quantity: what a required quantity never sent is. */
export const GO_ZERO_QUANTITY = new GoValue(
  `resource.Quantity{i:resource.int64Amount{value:0, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"", Format:""}`,
);
