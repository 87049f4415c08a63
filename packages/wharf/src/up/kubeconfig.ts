import { readFileSync } from "node:fs";
import type { PkiFiles } from "./pki.js";
import { write } from "./write-file.js";

/** A kubeconfig for the admin, everything embedded, so it works when copied elsewhere. */
export function writeKubeconfig(file: string, server: string, pki: PkiFiles): void {
  const b64 = (f: string) => readFileSync(f).toString("base64");
  const yaml = `apiVersion: v1
kind: Config
clusters:
  - name: wharf
    cluster:
      server: ${server}
      certificate-authority-data: ${b64(pki.caCert)}
users:
  - name: wharf
    user:
      client-certificate-data: ${b64(pki.adminCert)}
      client-key-data: ${b64(pki.adminKey)}
contexts:
  - name: wharf
    context:
      cluster: wharf
      user: wharf
current-context: wharf
preferences: {}
`;
  write(file, yaml, 0o600);
}
