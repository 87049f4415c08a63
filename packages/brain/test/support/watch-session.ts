import type { ClientDuplexStream } from "@grpc/grpc-js";
import { type WatchClient, WatchCreateRequest, WatchRequest, type WatchResponse } from "@wharf/etcd-api";

/**
 * One raw Watch stream on a server, for tests: send requests, wait for
 * responses to arrive, close. Responses are kept exactly as received.
 */
export class WatchSession {
  readonly responses: WatchResponse[] = [];
  private readonly call: ClientDuplexStream<WatchRequest, WatchResponse>;
  private waiters: Array<() => void> = [];
  error: unknown;

  constructor(client: WatchClient) {
    this.call = client.watch();
    this.call.on("data", (r: WatchResponse) => {
      this.responses.push(r);
      this.wake();
    });
    this.call.on("error", (e) => {
      this.error = e;
      this.wake();
    });
  }

  create(c: Partial<WatchCreateRequest>): void {
    this.call.write(WatchRequest.fromPartial({ createRequest: WatchCreateRequest.fromPartial(c) }));
  }

  cancel(watchId: number): void {
    this.call.write(WatchRequest.fromPartial({ cancelRequest: { watchId: BigInt(watchId) } }));
  }

  requestProgress(): void {
    this.call.write(WatchRequest.fromPartial({ progressRequest: {} }));
  }

  /** Waits until `done(responses)` holds; rejects after `timeoutMs` with what arrived so far. */
  async until(done: (rs: WatchResponse[]) => boolean, timeoutMs = 5000): Promise<WatchResponse[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.responses)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`watch: condition not met in ${timeoutMs}ms; got ${JSON.stringify(this.responses, big)}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.responses;
  }

  /** Waits until `n` responses have arrived, then a little longer so that extra ones would show. */
  async count(n: number, settleMs = 150): Promise<WatchResponse[]> {
    await this.until((rs) => rs.length >= n);
    await new Promise((r) => setTimeout(r, settleMs));
    return this.responses;
  }

  /** Stops reading responses, as a client that has stalled would. */
  pause(): void {
    this.call.pause();
  }

  resume(): void {
    this.call.resume();
  }

  close(): void {
    this.call.cancel();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

function big(_k: string, v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (v && typeof v === "object" && (v as { type?: string }).type === "Buffer") return "<bytes>";
  return v;
}
