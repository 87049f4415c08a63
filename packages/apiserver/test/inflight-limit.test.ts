import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import type { ClientRequest, IncomingMessage } from "node:http";
import { request } from "node:https";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ETCD_BIN, type ProcessServer, requireProgram, startBrain, startEtcd, tempDir } from "@wharf/testing";
import { type RunningApiServer, startApiServer } from "../src/index.js";
import { ADMIN_TOKEN, adminRequest, localServerOptions } from "./support/local-server.js";

// --max-requests-inflight and --max-mutating-requests-inflight as kube's
// limiter without priority and fairness: one request past a limit is a 429
// with Retry-After at once; watches and system:masters are not counted. On
// etcd and on brain, as every suite of the issue runs.

const USER_TOKEN = "user-token";

/** A request as a plain (not system:masters) user; `hold` leaves the body unfinished so the request stays in flight. */
function userRequest(
  server: string,
  method: string,
  path: string,
  body?: string,
  hold = false,
): { req: ClientRequest; reply: Promise<{ code: number; headers: Record<string, unknown>; text: string }> } {
  let req!: ClientRequest;
  const reply = new Promise<{ code: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
    req = request(
      `${server}${path}`,
      {
        method,
        headers: {
          authorization: `Bearer ${USER_TOKEN}`,
          "content-type": "application/json",
          ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) }),
        },
        rejectUnauthorized: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ code: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on("error", reject);
  });
  if (body === undefined) req.end();
  else if (hold) req.write(body.slice(0, 10));
  else req.end(body);
  return { req, reply };
}

const configMap = (name: string) => JSON.stringify({ metadata: { name }, data: { a: "1" } });
const CMS = "/api/v1/namespaces/default/configmaps";

for (const backend of ["etcd", "brain"] as const) {
  describe(`in-flight request limits on ${backend}`, { timeout: 60_000 }, () => {
    const dir = tempDir("wharf-inflight-");
    let store: ProcessServer | undefined;
    let api: RunningApiServer | undefined;

    before(async (t) => {
      // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
      if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
      store = backend === "etcd" ? await startEtcd() : await startBrain();
      const tokens = join(dir.path, "tokens.csv");
      writeFileSync(tokens, `${ADMIN_TOKEN},admin,1,"system:masters"\n${USER_TOKEN},jane,2,"devs"\n`);
      api = await startApiServer(
        localServerOptions(store.url, dir.path, {
          tokenAuthFile: tokens,
          maxRequestsInflight: 1,
          maxMutatingRequestsInflight: 1,
        }),
      );
    });
    after(async () => {
      await api?.close();
      await store?.stop();
      dir.remove();
    });

    it("a mutating request past the limit is 429 with Retry-After; system:masters and reads are not held up", async (t) => {
      if (!store) return t.skip("no backend");
      const body = configMap("held");
      const held = userRequest(api!.url, "POST", CMS, body, true);
      // The held request is in flight once the server has read its headers: poll until a second write is refused.
      let refused: { code: number; headers: Record<string, unknown>; text: string } | undefined;
      for (let i = 0; i < 100 && !refused; i++) {
        const r = await userRequest(api!.url, "POST", CMS, configMap(`other-${i}`)).reply;
        if (r.code === 429) refused = r;
        else assert.equal(r.code, 201, `a write before the held one counted: ${r.text}`);
      }
      assert.ok(refused, "a second mutating request was refused");
      assert.equal(refused.headers["retry-after"], "1");
      assert.equal(refused.text, "Too many requests, please try again later.\n");
      // Reads have their own limit; system:masters is never limited.
      const read = await userRequest(api!.url, "GET", CMS).reply;
      assert.equal(read.code, 200, read.text);
      const admin = await adminRequest(
        api!.url,
        "POST",
        CMS,
        { "content-type": "application/json" },
        configMap("by-admin"),
      );
      assert.equal(admin.code, 201, admin.body.toString());
      // Finishing the held request frees its slot.
      held.req.end(body.slice(10));
      assert.equal((await held.reply).code, 201);
      const after = await userRequest(api!.url, "POST", CMS, configMap("after")).reply;
      assert.equal(after.code, 201, after.text);
    });

    it("watches are not counted: a read goes through while a watch is open", async (t) => {
      if (!store) return t.skip("no backend");
      const watch = userRequest(api!.url, "GET", `${CMS}?watch=true`);
      // The watch's first event proves it is being served.
      await new Promise<void>((resolve, reject) => {
        watch.req.on("response", (res: IncomingMessage) => res.once("data", () => resolve()));
        watch.req.on("error", reject);
      });
      for (let i = 0; i < 3; i++) {
        const r = await userRequest(api!.url, "GET", `${CMS}/held`).reply;
        assert.equal(r.code, 200, `read ${i} while a watch is open: ${r.text}`);
      }
      watch.req.destroy();
    });
  });
}
