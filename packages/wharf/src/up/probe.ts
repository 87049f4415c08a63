import { get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";

export interface TlsClient {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** The outcome of one health check: ok, or what came back instead (for the message when it never gets ready). */
export type ProbeResult = { ok: true } | { ok: false; detail: string };

/** GETs a health URL: ok on 200 with the expected body. */
export function probe(url: string, expect: (body: string) => boolean, tls?: TlsClient): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const get = url.startsWith("https:") ? httpsGet : httpGet;
    const req = get(url, { agent: false, timeout: 2000, ...tls }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () =>
        resolve(
          res.statusCode === 200 && expect(body)
            ? { ok: true }
            : { ok: false, detail: `${url} answered ${res.statusCode}: ${body.slice(0, 200)}` },
        ),
      );
      res.on("error", (e) => resolve({ ok: false, detail: `${url}: ${e.message}` }));
    });
    req.on("timeout", () => req.destroy(new Error("no answer within 2s")));
    req.on("error", (e) => resolve({ ok: false, detail: `${url}: ${e.message}` }));
  });
}

/** brain's (etcd's) /health: {"health":"true"}. */
export const brainHealthy = (body: string) => {
  try {
    return (JSON.parse(body) as { health?: string }).health === "true";
  } catch {
    return false;
  }
};

/** The apiserver's /readyz: "ok". */
export const apiserverReady = (body: string) => body.trim() === "ok";
