import { X509Certificate } from "node:crypto";
import type { KubeObject } from "../strategy.js";

// kube-system/extension-apiserver-authentication as kube-apiserver 1.28's
// cluster authentication trust controller keeps it: the client CA bundle
// (and the front proxy's request-header settings, which this server does not
// have but keeps when another apiserver wrote them), merged with what is
// stored, so that apiservers sharing an etcd, or one restarted with another
// CA, add their CAs to those already trusted.

export const AUTHENTICATION_CONFIGMAP = { namespace: "kube-system", name: "extension-apiserver-authentication" };

const CLIENT_CA = "client-ca-file";
const REQUEST_HEADER_CA = "requestheader-client-ca-file";
/** The request-header keys kube 1.28 writes beside the front proxy's CA: JSON lists of strings. */
const REQUEST_HEADER_LISTS = [
  "requestheader-username-headers",
  "requestheader-group-headers",
  "requestheader-extra-headers-prefix",
  "requestheader-allowed-names",
] as const;

/** kube drops certificates that expired more than five minutes ago when it merges bundles. */
const EXPIRY_SLACK_MS = 5 * 60 * 1000;

/** The DER of each CERTIFICATE block of a PEM bundle (blocks with headers skipped), as Go's ParseCertsPEM. */
function certificatesOf(bundle: string): Buffer[] {
  const out: Buffer[] = [];
  const block = /-----BEGIN ([^-\n]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (const m of bundle.matchAll(block)) {
    if (m[1] !== "CERTIFICATE" || /^[\w-]+:/m.test(m[2]!)) continue;
    const der = Buffer.from(m[2]!.replace(/\s+/g, ""), "base64");
    new X509Certificate(der); // throws on a malformed certificate, as Go's parse fails
    out.push(der);
  }
  if (out.length === 0) throw new Error("data does not contain any valid RSA or ECDSA certificates");
  return out;
}

/** Go's pem.Encode of a CERTIFICATE: base64 in lines of 64. */
function pemOf(der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

/** The stored bundle's certificates, then the required ones: unexpired, each once, re-encoded. */
function combinedBundle(stored: string | undefined, required: string | undefined, now: Date): string {
  const all = [...(stored ? certificatesOf(stored) : []), ...(required ? certificatesOf(required) : [])];
  const unique: Buffer[] = [];
  for (const der of all) {
    if (Date.parse(new X509Certificate(der).validTo) <= now.getTime() - EXPIRY_SLACK_MS) continue;
    if (!unique.some((u) => u.equals(der))) unique.push(der);
  }
  return unique.map(pemOf).join("");
}

/** The data kube writes for the stored data merged with this server's client CA. */
export function authenticationData(
  stored: Record<string, string>,
  clientCa: string | undefined,
  now = new Date(),
): Record<string, string> {
  const data: Record<string, string> = {};
  const client = combinedBundle(stored[CLIENT_CA], clientCa, now);
  if (client) data[CLIENT_CA] = client;
  const requestHeader = combinedBundle(stored[REQUEST_HEADER_CA], undefined, now);
  if (requestHeader) {
    // Each list is the stored one without repeats: this server adds no request-header settings.
    for (const key of REQUEST_HEADER_LISTS) {
      const list = stored[key] ? (JSON.parse(stored[key]) as string[] | null) : [];
      data[key] = JSON.stringify([...new Set(list ?? [])]);
    }
    data[REQUEST_HEADER_CA] = requestHeader;
  }
  return data;
}

function sameData(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

/**
 * The ConfigMap to write given what is stored (undefined: nothing), or
 * undefined when nothing needs writing (kube writes only a changed ConfigMap,
 * and none without content).
 */
export function authenticationConfigMap(clientCa: string) {
  return (stored: KubeObject | undefined): KubeObject | undefined => {
    const storedData = (stored?.data ?? {}) as Record<string, string>;
    const data = authenticationData(storedData, clientCa);
    if (stored) return sameData(storedData, data) ? undefined : { ...stored, data };
    if (Object.keys(data).length === 0) return undefined;
    return { apiVersion: "v1", kind: "ConfigMap", metadata: { ...AUTHENTICATION_CONFIGMAP }, data };
  };
}
