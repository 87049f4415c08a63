import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TlsOptions } from "node:tls";
import { selfSignedCertificate } from "@wharf/pki";
import type { TlsConfig } from "../config.js";

/**
 * Node TLS server options from etcd's client TLS flags. With --auto-tls and no
 * certificate given, a self-signed one for `hosts` is generated once into
 * <data-dir>/fixtures/client and reused, as etcd does.
 */
export async function clientTlsOptions(c: TlsConfig, dataDir: string, hosts: string[]): Promise<TlsOptions> {
  let certFile = c.certFile;
  let keyFile = c.keyFile;
  if ((!certFile || !keyFile) && c.autoTls) {
    const dir = join(dataDir, "fixtures", "client");
    certFile = join(dir, "cert.pem");
    keyFile = join(dir, "key.pem");
    if (!existsSync(certFile) || !existsSync(keyFile)) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const pair = await selfSignedCertificate(hosts);
      await writeFile(certFile, pair.certPem, { mode: 0o600 });
      await writeFile(keyFile, pair.keyPem, { mode: 0o600 });
    }
  }
  if (!certFile || !keyFile) {
    throw new Error("an https client URL needs --cert-file and --key-file, or --auto-tls");
  }
  const opts: TlsOptions = {
    cert: await readFile(certFile),
    key: await readFile(keyFile),
    minVersion: "TLSv1.2",
  };
  if (c.trustedCaFile) opts.ca = await readFile(c.trustedCaFile);
  if (c.clientCertAuth) {
    if (!c.trustedCaFile) throw new Error("--client-cert-auth needs --trusted-ca-file");
    opts.requestCert = true;
    opts.rejectUnauthorized = true;
  }
  if (c.crlFile) opts.crl = await readFile(c.crlFile);
  return opts;
}
