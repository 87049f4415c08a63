import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { ETCDCTL_BIN, freePort, requireProgram, startBrain, tempDir } from "@wharf/testing";
import { Etcd3 } from "etcd3";
import { createCa, createCrl, issueCertificate } from "../src/index.js";

const run = promisify(execFile);

async function etcdctl(endpoint: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await run(ETCDCTL_BIN, [`--endpoints=${endpoint}`, "--dial-timeout=3s", "--command-timeout=5s", ...args]);
    return { ok: true, out: r.stdout.trim() };
  } catch (e) {
    return { ok: false, out: String((e as { stderr?: string }).stderr ?? e) };
  }
}

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string; alpn: string | false | null }> {
  return new Promise((resolve, reject) => {
    // Offer h2 first, as curl does: the server must still pick http/1.1 for such a client.
    const req = request(
      url,
      { ca, ALPNProtocols: ["h2", "http/1.1"] } as import("node:https").RequestOptions,
      (res) => {
        const alpn = (res.socket as import("node:tls").TLSSocket).alpnProtocol;
        let body = "";
        res.on("data", (d) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, alpn }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** A CA, a server certificate for 127.0.0.1 and the brain flags for mutual TLS, written into `dir`. */
async function mtls(dir: string) {
  const ca = await createCa("wharf-test-ca");
  const server = await issueCertificate(ca, { commonName: "brain", hosts: ["127.0.0.1"], server: true });
  const file = (name: string, pem: string) => {
    const p = join(dir, name);
    writeFileSync(p, pem);
    return p;
  };
  const caFile = file("ca.pem", ca.certPem);
  const args = [
    `--cert-file=${file("srv.pem", server.certPem)}`,
    `--key-file=${file("srv.key", server.keyPem)}`,
    `--trusted-ca-file=${caFile}`,
    "--client-cert-auth",
  ];
  return { ca, caFile, file, args };
}

describe("client TLS", () => {
  it("serves gRPC and HTTP on one https port with a CA-signed certificate", async (t) => {
    if (!requireProgram(t, ETCDCTL_BIN, "etcd-client")) return;
    const dir = tempDir();
    const ca = await createCa("wharf-test-ca");
    const server = await issueCertificate(ca, { commonName: "brain", hosts: ["127.0.0.1", "localhost"], server: true });
    const files = { ca: join(dir.path, "ca.pem"), cert: join(dir.path, "srv.pem"), key: join(dir.path, "srv.key") };
    writeFileSync(files.ca, ca.certPem);
    writeFileSync(files.cert, server.certPem);
    writeFileSync(files.key, server.keyPem);
    const brain = await startBrain({ tls: true, args: [`--cert-file=${files.cert}`, `--key-file=${files.key}`] });
    try {
      const put = await etcdctl(brain.url, [`--cacert=${files.ca}`, "put", "tls-key", "v"]);
      assert.equal(put.out, "OK", put.out);
      const get = await etcdctl(brain.url, [`--cacert=${files.ca}`, "get", "tls-key", "--print-value-only"]);
      assert.equal(get.out, "v");
      // Without the CA the client must refuse the server.
      assert.equal((await etcdctl(brain.url, ["get", "tls-key"])).ok, false);
      // The npm etcd3 client (grpc-js) over TLS.
      const client = new Etcd3({ hosts: brain.url, credentials: { rootCertificate: Buffer.from(ca.certPem) } });
      try {
        assert.equal(await client.get("tls-key").string(), "v");
      } finally {
        client.close();
      }
      // HTTP/1.1 clients (curl, browsers) negotiate http/1.1 and reach the HTTP endpoints.
      const health = await httpsGet(`${brain.url}/health`, ca.certPem);
      assert.equal(health.status, 200);
      assert.equal(health.alpn, "http/1.1");
      assert.deepEqual(JSON.parse(health.body), { health: "true", reason: "" });
    } finally {
      await brain.stop();
      dir.remove();
    }
  });

  it("--client-cert-auth refuses clients without a certificate from the trusted CA", async (t) => {
    if (!requireProgram(t, ETCDCTL_BIN, "etcd-client")) return;
    const dir = tempDir();
    const { ca, caFile, file: f, args } = await mtls(dir.path);
    const other = await createCa("some-other-ca");
    const client = await issueCertificate(ca, { commonName: "alice", client: true });
    const stranger = await issueCertificate(other, { commonName: "mallory", client: true });
    const brain = await startBrain({ tls: { cert: client.certPem, key: client.keyPem }, args });
    try {
      const good = await etcdctl(brain.url, [
        `--cacert=${caFile}`,
        `--cert=${f("alice.pem", client.certPem)}`,
        `--key=${f("alice.key", client.keyPem)}`,
        "put",
        "k",
        "v",
      ]);
      assert.equal(good.out, "OK", good.out);
      const none = await etcdctl(brain.url, [`--cacert=${caFile}`, "get", "k"]);
      assert.equal(none.ok, false, "a client without a certificate must be refused");
      const bad = await etcdctl(brain.url, [
        `--cacert=${caFile}`,
        `--cert=${f("mallory.pem", stranger.certPem)}`,
        `--key=${f("mallory.key", stranger.keyPem)}`,
        "get",
        "k",
      ]);
      assert.equal(bad.ok, false, "a certificate from another CA must be refused");
    } finally {
      await brain.stop();
      dir.remove();
    }
  });

  it("--client-crl-file refuses a client whose certificate the CA revoked", async (t) => {
    if (!requireProgram(t, ETCDCTL_BIN, "etcd-client")) return;
    const dir = tempDir();
    const { ca, caFile, file: f, args } = await mtls(dir.path);
    const good = await issueCertificate(ca, { commonName: "alice", client: true });
    const revoked = await issueCertificate(ca, { commonName: "eve", client: true });
    const revokedSerial = new X509Certificate(revoked.certPem).serialNumber;
    assert.notEqual(new X509Certificate(good.certPem).serialNumber, revokedSerial);
    const crl = await createCrl(ca, [revokedSerial]);
    assert.match(crl, /^-----BEGIN X509 CRL-----\n/);
    args.push(`--client-crl-file=${f("crl.pem", crl)}`);
    const brain = await startBrain({ tls: { cert: good.certPem, key: good.keyPem }, args });
    try {
      const asGood = [
        `--cacert=${caFile}`,
        `--cert=${f("alice.pem", good.certPem)}`,
        `--key=${f("alice.key", good.keyPem)}`,
      ];
      const asRevoked = [
        `--cacert=${caFile}`,
        `--cert=${f("eve.pem", revoked.certPem)}`,
        `--key=${f("eve.key", revoked.keyPem)}`,
      ];
      const put = await etcdctl(brain.url, [...asGood, "put", "crl-key", "v"]);
      assert.equal(put.out, "OK", put.out);
      const get = await etcdctl(brain.url, [...asGood, "get", "crl-key", "--print-value-only"]);
      assert.equal(get.out, "v", get.out);
      const badPut = await etcdctl(brain.url, [...asRevoked, "put", "crl-key", "evil"]);
      assert.equal(badPut.ok, false, `a revoked certificate must be refused: ${badPut.out}`);
      // The refused write changed nothing.
      assert.equal((await etcdctl(brain.url, [...asGood, "get", "crl-key", "--print-value-only"])).out, "v");
    } finally {
      await brain.stop();
      dir.remove();
    }
  });

  it("--auto-tls generates a certificate once, in the data dir, and reuses it after a restart", async (t) => {
    if (!requireProgram(t, ETCDCTL_BIN, "etcd-client")) return;
    const dir = tempDir();
    const port = await freePort();
    const certFile = join(dir.path, "fixtures", "client", "cert.pem");
    const fingerprint = () => createHash("sha256").update(readFileSync(certFile)).digest("hex");
    let brain = await startBrain({ dataDir: dir.path, port, tls: true, args: ["--auto-tls"] });
    try {
      const cert = new X509Certificate(readFileSync(certFile));
      assert.match(cert.subjectAltName ?? "", /IP Address:127\.0\.0\.1/);
      const first = fingerprint();
      // etcdctl 3.4 skips verification only with --insecure-transport=false, against etcd too.
      const skip = ["--insecure-skip-tls-verify", "--insecure-transport=false"];
      assert.equal((await etcdctl(brain.url, [...skip, "put", "a", "1"])).out, "OK");
      await brain.stop();
      brain = await startBrain({ dataDir: dir.path, port, tls: true, args: ["--auto-tls"] });
      assert.equal(fingerprint(), first);
      assert.equal((await etcdctl(brain.url, [...skip, "get", "a", "--print-value-only"])).out, "1");
    } finally {
      await brain.stop();
      dir.remove();
    }
  });
});
