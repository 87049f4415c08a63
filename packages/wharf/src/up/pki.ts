import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import { type CertificateAuthority, createCa, issueCertificate, loadCa, type PemPair } from "@wharf/pki";
import { write } from "./write-file.js";

// `wharf up`'s certificates: one CA, kept for good, that signs the apiserver's
// serving certificate and the admin's client certificate.

export interface PkiFiles {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
}

export interface Pki {
  files: PkiFiles;
  /** What this run made (the rest was reused). */
  created: string[];
}

const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

export function pkiFiles(dir: string): PkiFiles {
  return {
    caCert: join(dir, "ca.crt"),
    caKey: join(dir, "ca.key"),
    servingCert: join(dir, "apiserver.crt"),
    servingKey: join(dir, "apiserver.key"),
    adminCert: join(dir, "admin.crt"),
    adminKey: join(dir, "admin.key"),
  };
}

/** Creates what is missing, stale or no longer fits (new hosts), reuses the rest. */
export async function ensurePki(dir: string, servingHosts: string[]): Promise<Pki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = pkiFiles(dir);
  const created: string[] = [];
  let ca: CertificateAuthority;
  const caUsable =
    existsSync(files.caCert) && existsSync(files.caKey) && fresh(new X509Certificate(readFileSync(files.caCert)));
  if (caUsable) {
    ca = await loadCa(readFileSync(files.caCert, "utf8"), readFileSync(files.caKey, "utf8"));
  } else {
    ca = await createCa("wharf-ca");
    save(ca, files.caCert, files.caKey);
    created.push("CA");
  }
  const caX509 = new X509Certificate(ca.certPem);
  if (!usable(files.servingCert, files.servingKey, caX509, servingHosts)) {
    save(
      await issueCertificate(ca, { commonName: "kube-apiserver", hosts: servingHosts, server: true }),
      files.servingCert,
      files.servingKey,
    );
    created.push("serving certificate");
  }
  if (!usable(files.adminCert, files.adminKey, caX509, [])) {
    save(
      await issueCertificate(ca, { commonName: "kubernetes-admin", organizations: ["system:masters"], client: true }),
      files.adminCert,
      files.adminKey,
    );
    created.push("admin client certificate");
  }
  return { files, created };
}

function fresh(cert: X509Certificate): boolean {
  return new Date(cert.validTo).getTime() - Date.now() > RENEW_BEFORE_MS;
}

function usable(certFile: string, keyFile: string, ca: X509Certificate, hosts: string[]): boolean {
  if (!existsSync(certFile) || !existsSync(keyFile)) return false;
  const cert = new X509Certificate(readFileSync(certFile));
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey) || !fresh(cert)) return false;
  return hosts.every((h) => (isIP(h) ? cert.checkIP(h) : cert.checkHost(h)) !== undefined);
}

function save(pair: PemPair, certFile: string, keyFile: string): void {
  write(keyFile, pair.keyPem, 0o600);
  write(certFile, pair.certPem, 0o644);
}

/** What the serving certificate covers: the addresses kubectl may use, and the in-cluster names of the API. */
export function servingHosts(bindAddress: string): string[] {
  const hosts = ["localhost", "127.0.0.1"];
  if (bindAddress === "0.0.0.0" || bindAddress === "::") {
    hosts.push(hostname());
    for (const addrs of Object.values(networkInterfaces()))
      for (const a of addrs ?? [])
        if (!a.internal && (a.scopeid ?? 0) === 0 && (bindAddress === "::" || a.family === "IPv4"))
          hosts.push(a.address);
  } else {
    hosts.push(bindAddress);
  }
  // The kubernetes Service: its names and the first address of the apiserver's default --service-cluster-ip-range.
  hosts.push("kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local");
  hosts.push("10.0.0.1");
  return [...new Set(hosts)];
}
