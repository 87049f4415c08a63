import { parseQuantity } from "@wharf/apimachinery";

/**
 * A quantity (string or number) in kube's canonical form, as kube-apiserver
 * writes quantities back out and so prints them in PV/PVC capacity, quota and
 * HPA cells ("1000m" is "1", "2048Mi" is "2Gi", "0.5" is "500m"); text that
 * does not parse comes back unchanged.
 */
export function canonicalQuantity(q: unknown): string {
  if (q === undefined || q === null) return "0";
  const text = String(q);
  try {
    return parseQuantity(text).toString();
  } catch {
    return text;
  }
}
