import { writeFileSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { request } from "node:https";
import { join } from "node:path";
import { after, before } from "node:test";
import {
  ETCD_BIN,
  type ProcessServer,
  requireProgram,
  startBrain,
  startEtcd,
  type TempDir,
  tempDir,
} from "@wharf/testing";
import { type ApiServerOptions, type RunningApiServer, startApiServer } from "../../src/index.js";

/** Options for an API server on a free loopback port over `etcdUrl`, its certificate kept under `dir`. */
export function localServerOptions(
  etcdUrl: string,
  dir: string,
  extra: Partial<ApiServerOptions> = {},
): ApiServerOptions {
  return {
    etcdServers: [etcdUrl],
    etcdPrefix: "/registry",
    bindAddress: "127.0.0.1",
    securePort: 0,
    certDir: join(dir, "certs"),
    ...extra,
  };
}

/** The bearer token of the admin (system:masters) user of startAdminServer's API server. */
export const ADMIN_TOKEN = "admin-token";

/**
 * Starts etcd or brain and an API server over it that knows one admin token,
 * and writes a kubeconfig for that user to `<dir>/kubeconfig`.
 */
export async function startAdminServer(
  backend: "etcd" | "brain",
  dir: string,
): Promise<{ store: ProcessServer; api: RunningApiServer; kubeconfig: string }> {
  const store = backend === "etcd" ? await startEtcd() : await startBrain();
  const tokens = join(dir, "tokens.csv");
  writeFileSync(tokens, `${ADMIN_TOKEN},admin,1,"system:masters"\n`);
  const api = await startApiServer(localServerOptions(store.url, dir, { tokenAuthFile: tokens }));
  const kubeconfig = join(dir, "kubeconfig");
  writeAdminKubeconfig(kubeconfig, api.url);
  return { store, api, kubeconfig };
}

/** The backend and admin API server of one describe block (adminServerSuite). */
export interface AdminServerSuite {
  store?: ProcessServer;
  api?: RunningApiServer;
  /** The admin kubeconfig's path ("" until started). */
  kubeconfig: string;
  /** Where the suite keeps its files; removed after it. */
  readonly dir: TempDir;
  /** The API server, or undefined after marking the test skipped (etcd is not installed). */
  ready(t: { skip(message: string): void }): RunningApiServer | undefined;
}

/**
 * Registers the enclosing describe's hooks: before, etcd (skipped with a clear message when Debian's etcd-server
 * is missing) or brain and an admin API server over it; after, both stopped and their directory removed. Hooks
 * the describe registers afterwards run once the server is up.
 */
export function adminServerSuite(backend: "etcd" | "brain", dirPrefix: string): AdminServerSuite {
  const dir = tempDir(dirPrefix);
  const suite: AdminServerSuite = {
    kubeconfig: "",
    dir,
    ready(t) {
      if (!suite.api) t.skip("no backend");
      return suite.api;
    },
  };
  before(async (t) => {
    // biome-ignore lint/suspicious/noExplicitAny: node:test hands `before` a suite context that can skip.
    if (backend === "etcd" && !requireProgram(t as any, ETCD_BIN, "etcd-server")) return;
    Object.assign(suite, await startAdminServer(backend, dir.path));
  });
  after(async () => {
    await suite.api?.close();
    await suite.store?.stop();
    dir.remove();
  });
  return suite;
}

/** A kubeconfig for `server` that authenticates with ADMIN_TOKEN (a token file must grant it). */
export function writeAdminKubeconfig(path: string, server: string): void {
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "wharf", cluster: { server, "insecure-skip-tls-verify": true } }],
      users: [{ name: "admin", user: { token: ADMIN_TOKEN } }],
      contexts: [{ name: "wharf", context: { cluster: "wharf", user: "admin" } }],
      "current-context": "wharf",
    }),
  );
}

/** A response as received: status, headers and the body's bytes. */
export interface RawReply {
  code: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One HTTPS request to `server` as the admin user of startAdminServer (certificate not checked). */
export function adminRequest(
  server: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server}${path}`,
      {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          // Node sends DELETE bodies unframed unless told their length.
          ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) }),
          ...headers,
        },
        rejectUnauthorized: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** A JSON request as the admin user: `body` is sent as is when a string, else as JSON; the answer is decoded. */
export async function adminJson(
  server: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = "application/json",
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: decoded JSON bodies.
): Promise<{ code: number; body: any }> {
  const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  const r = await adminRequest(
    server,
    method,
    path,
    { "content-type": contentType, accept: "application/json", ...headers },
    text,
  );
  return { code: r.code, body: r.body.length > 0 ? JSON.parse(r.body.toString("utf8")) : undefined };
}
