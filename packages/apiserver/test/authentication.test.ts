import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createCa, issueCertificate, type PemPair } from "@wharf/pki";
import { ETCD_BIN, type ProcessServer, requireProgram, startBrain, startEtcd, tempDir } from "@wharf/testing";
import { type RunningApiServer, startApiServer } from "../src/index.js";
import { localServerOptions } from "./support/local-server.js";

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

function get(url: string, o: { token?: string; cert?: PemPair; method?: string; body?: unknown } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: o.method ?? "GET",
        rejectUnauthorized: false,
        headers: {
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
          ...(o.body ? { "content-type": "application/json" } : {}),
        },
        ...(o.cert ? { cert: o.cert.certPem, key: o.cert.keyPem } : {}),
      },
      (res) => {
        let text = "";
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(o.body ? JSON.stringify(o.body) : undefined);
  });
}

const UNAUTHORIZED = {
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message: "Unauthorized",
  reason: "Unauthorized",
  code: 401,
};

for (const backend of ["etcd", "brain"] as const) {
  describe(`apiserver authentication on ${backend}`, () => {
    let brain: ProcessServer | undefined;
    const servers: RunningApiServer[] = [];
    const dir = tempDir("wharf-apiserver-auth-");
    let strict: RunningApiServer;
    let anonymous: RunningApiServer;
    let alice: PemPair;
    let stranger: PemPair;

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      brain = backend === "etcd" ? await startEtcd() : await startBrain();
      const ca = await createCa("wharf-test-client-ca");
      alice = await issueCertificate(ca, { commonName: "alice", organizations: ["dev", "ops"], client: true });
      stranger = await issueCertificate(await createCa("other-ca"), { commonName: "mallory", client: true });
      const caFile = join(dir.path, "client-ca.pem");
      writeFileSync(caFile, ca.certPem);
      const tokens = join(dir.path, "tokens.csv");
      writeFileSync(tokens, 'secret-1,bob,42,"dev,qa"\n\nsecret-2,carol,43\n');
      const common = localServerOptions(brain.url, dir.path, { clientCaFile: caFile, tokenAuthFile: tokens });
      strict = await startApiServer(common);
      anonymous = await startApiServer({ ...common, anonymousAuth: true });
      servers.push(strict, anonymous);
    });
    after(async () => {
      for (const s of servers) await s.close();
      await brain?.stop();
      dir.remove();
    });

    it("refuses requests without credentials with kube-apiserver's 401 Status", async (t) => {
      if (!brain) return t.skip("no backend");
      const r = await get(`${strict.url}/api/v1/namespaces`);
      assert.equal(r.status, 401);
      assert.deepEqual(r.body, UNAUTHORIZED);
    });

    it("accepts a bearer token from --token-auth-file and refuses an unknown one", async (t) => {
      if (!brain) return t.skip("no backend");
      const ok = await get(`${strict.url}/api/v1/namespaces`, { token: "secret-1" });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.kind, "NamespaceList");
      assert.equal((await get(`${strict.url}/api/v1/namespaces`, { token: "secret-2" })).status, 200);
      const bad = await get(`${strict.url}/api/v1/namespaces`, { token: "nope" });
      assert.equal(bad.status, 401);
      assert.deepEqual(bad.body, UNAUTHORIZED);
    });

    it("accepts a client certificate signed by --client-ca-file and refuses one from another CA", async (t) => {
      if (!brain) return t.skip("no backend");
      assert.equal((await get(`${strict.url}/api/v1/namespaces`, { cert: alice })).status, 200);
      assert.equal((await get(`${strict.url}/api/v1/namespaces`, { cert: stranger })).status, 401);
    });

    it("SelfSubjectReview tells each caller who it is, with system:authenticated added", async (t) => {
      if (!brain) return t.skip("no backend");
      const review = { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" };
      const path = `${strict.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`;
      const byCert = await get(path, { method: "POST", body: review, cert: alice });
      assert.equal(byCert.status, 201);
      assert.deepEqual(byCert.body.status, {
        userInfo: { username: "alice", groups: ["dev", "ops", "system:authenticated"] },
      });
      const byToken = await get(path, { method: "POST", body: review, token: "secret-1" });
      assert.deepEqual(byToken.body.status, {
        userInfo: { username: "bob", uid: "42", groups: ["dev", "qa", "system:authenticated"] },
      });
      const anon = await get(`${anonymous.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
        method: "POST",
        body: review,
      });
      assert.deepEqual(anon.body.status, {
        userInfo: { username: "system:anonymous", groups: ["system:unauthenticated"] },
      });
    });

    it("with --anonymous-auth lets requests without credentials in, but still refuses bad ones", async (t) => {
      if (!brain) return t.skip("no backend");
      assert.equal((await get(`${anonymous.url}/api/v1/namespaces`)).status, 200);
      assert.equal((await get(`${anonymous.url}/api/v1/namespaces`, { token: "nope" })).status, 401);
    });
  });
}
