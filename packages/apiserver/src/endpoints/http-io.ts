import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { requestEntityTooLarge } from "@wharf/apimachinery";

// Reading request bodies and writing JSON answers, shared by every handler.

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

/** kube-apiserver refuses request bodies over 3 MiB. */
const MAX_BODY = 3 * 1024 * 1024;

/** The request's body, refused with kube's 413 as soon as it passes the limit. */
export async function readBodyBytes(req: Req): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw requestEntityTooLarge(`limit is ${MAX_BODY}`);
    chunks.push(c);
  }
  return Buffer.concat(chunks, size);
}

export function writeJson(res: Res, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
