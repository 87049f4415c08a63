import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { EtcdStorage } from "@wharf/apiserver";
import { eventually, freePort, type ProcessServer, startBrain, tempDir } from "@wharf/testing";

// `wharf apiserver` with kube-apiserver's flags given on the command line, as
// users start it: each flag is checked by what it changes in the running server.

const WHARF = fileURLToPath(new URL("../bin/wharf.js", import.meta.url));
const TOKEN = "flag-token";

interface Reply {
  code: number;
  body: string;
}

function call(port: number, method: string, path: string, token?: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        rejectUnauthorized: false,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(data ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(data)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

describe("wharf apiserver: kube-apiserver's flags on the command line", { timeout: 120_000 }, () => {
  const dir = tempDir("wharf-apiserver-flags-");
  let brain: ProcessServer | undefined;
  let proc: ChildProcess | undefined;
  let port = 0;
  let stderr = "";

  before(async () => {
    brain = await startBrain();
    port = await freePort();
    const tokens = join(dir.path, "tokens.csv");
    writeFileSync(tokens, `${TOKEN},flagger,7,"system:masters"\n`);
    proc = spawn(
      process.execPath,
      [
        WHARF,
        "apiserver",
        "--etcd-servers",
        brain.url,
        "--etcd-prefix",
        "/custom",
        "--bind-address",
        "127.0.0.1",
        "--secure-port",
        String(port),
        "--cert-dir",
        join(dir.path, "certs"),
        "--token-auth-file",
        tokens,
        "--service-cluster-ip-range",
        "10.99.0.0/24",
        "--service-node-port-range",
        "31000-31002",
        "--max-requests-inflight",
        "50",
        "--max-mutating-requests-inflight",
        "20",
        "--watch-cache-sizes",
        "configmaps#10",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    proc.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    await eventually(async () => {
      const r = await call(port, "GET", "/readyz", TOKEN);
      assert.equal(r.code, 200, `readyz: ${r.code} ${r.body}; log: ${stderr.slice(-2000)}`);
    }, 60_000);
  });
  after(async () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    await brain?.stop();
    dir.remove();
  });

  it("--token-auth-file lets its tokens in; requests without credentials get 401", async () => {
    assert.equal((await call(port, "GET", "/api/v1/namespaces")).code, 401);
    assert.equal((await call(port, "GET", "/api/v1/namespaces", "not-a-token")).code, 401);
    assert.equal((await call(port, "GET", "/api/v1/namespaces", TOKEN)).code, 200);
  });

  it("--service-cluster-ip-range and --service-node-port-range are where Services get their addresses", async () => {
    const svc = JSON.parse((await call(port, "GET", "/api/v1/namespaces/default/services/kubernetes", TOKEN)).body);
    assert.equal(svc.spec.clusterIP, "10.99.0.1");
    const ports: number[] = [];
    for (const name of ["np-a", "np-b", "np-c"]) {
      const r = await call(port, "POST", "/api/v1/namespaces/default/services", TOKEN, {
        metadata: { name },
        spec: { type: "NodePort", ports: [{ port: 80 }] },
      });
      assert.equal(r.code, 201, r.body);
      const created = JSON.parse(r.body);
      assert.match(created.spec.clusterIP, /^10\.99\.0\.\d+$/);
      ports.push(created.spec.ports[0].nodePort);
    }
    assert.deepEqual([...ports].sort(), [31000, 31001, 31002]);
    // The range is used up: a fourth is refused and nothing is stored.
    const full = await call(port, "POST", "/api/v1/namespaces/default/services", TOKEN, {
      metadata: { name: "np-d" },
      spec: { type: "NodePort", ports: [{ port: 80 }] },
    });
    assert.ok(full.code >= 400, full.body);
    assert.equal((await call(port, "GET", "/api/v1/namespaces/default/services/np-d", TOKEN)).code, 404);
  });

  it("--etcd-prefix is where every object is kept", async () => {
    const r = await call(port, "POST", "/api/v1/namespaces/default/configmaps", TOKEN, { metadata: { name: "kept" } });
    assert.equal(r.code, 201, r.body);
    const storage = EtcdStorage.connect([brain!.url]);
    try {
      const keys = (await storage.list("/", { limit: 0 })).items.map((i) => i.key);
      assert.ok(keys.includes("/custom/configmaps/default/kept"), keys.join("\n"));
      assert.ok(
        keys.every((k) => k.startsWith("/custom/")),
        `only /custom/ keys: ${keys.filter((k) => !k.startsWith("/custom/"))}`,
      );
    } finally {
      storage.close();
    }
  });

  it("stops cleanly on SIGTERM", async () => {
    const exit = new Promise<number | null>((resolve) => proc!.once("exit", (code) => resolve(code)));
    proc!.kill("SIGTERM");
    assert.equal(await exit, 0, stderr.slice(-2000));
  });
});
