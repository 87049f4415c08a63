import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { tempDir } from "@wharf/testing";
import { ensurePki, pkiFiles } from "../src/up/pki.js";

// `wharf up`'s certificates: made once, reused, re-issued by the same CA only when they no longer fit.

describe("wharf up's pki", () => {
  const dir = tempDir("wharf-up-pki-");
  after(() => dir.remove());
  const pki = join(dir.path, "pki");
  const files = pkiFiles(pki);
  const cert = (f: string) => new X509Certificate(readFileSync(f));
  const hosts = ["localhost", "127.0.0.1", "kubernetes.default.svc", "10.0.0.1"];

  it("creates a CA, a serving and an admin certificate, keys readable by the owner only", async () => {
    assert.deepEqual((await ensurePki(pki, hosts)).created, ["CA", "serving certificate", "admin client certificate"]);
    const ca = cert(files.caCert);
    assert.ok(ca.ca, "ca.crt is not a CA");
    for (const f of [files.servingCert, files.adminCert]) {
      assert.ok(cert(f).checkIssued(ca) && cert(f).verify(ca.publicKey), `${f} is not signed by the CA`);
    }
    for (const h of hosts.filter((h) => !/^\d/.test(h))) assert.equal(cert(files.servingCert).checkHost(h), h);
    assert.equal(cert(files.servingCert).checkIP("10.0.0.1"), "10.0.0.1");
    assert.match(cert(files.adminCert).subject, /CN=kubernetes-admin/);
    assert.match(cert(files.adminCert).subject, /O=system:masters/);
    for (const f of [files.caKey, files.servingKey, files.adminKey]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
  });

  it("reuses everything on a second run", async () => {
    const before = Object.values(files).map((f) => readFileSync(f, "utf8"));
    assert.deepEqual((await ensurePki(pki, hosts)).created, []);
    assert.deepEqual(
      Object.values(files).map((f) => readFileSync(f, "utf8")),
      before,
    );
  });

  it("re-issues only the serving certificate, from the same CA, when a host is added", async () => {
    const ca = readFileSync(files.caCert, "utf8");
    const admin = readFileSync(files.adminCert, "utf8");
    const oldServing = readFileSync(files.servingCert, "utf8");
    assert.deepEqual((await ensurePki(pki, [...hosts, "192.0.2.7"])).created, ["serving certificate"]);
    assert.equal(readFileSync(files.caCert, "utf8"), ca);
    assert.equal(readFileSync(files.adminCert, "utf8"), admin);
    assert.notEqual(readFileSync(files.servingCert, "utf8"), oldServing);
    const serving = cert(files.servingCert);
    assert.equal(serving.checkIP("192.0.2.7"), "192.0.2.7");
    assert.ok(serving.verify(cert(files.caCert).publicKey), "the new serving certificate is not signed by the kept CA");
  });
});
