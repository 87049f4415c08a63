// kube-apiserver's --etcd-servers as its etcd client (clientv3) uses them:
// every endpoint gets a connection, calls are spread over them round-robin,
// and a call that fails with Unavailable moves on to another endpoint. Reads
// are retried wherever they failed; writes only when grpc-js never sent them
// ("No connection established"), since one that reached a member may have been
// applied. https:// endpoints use --etcd-cafile (else the system's roots) to
// check etcd's certificate and present --etcd-certfile/--etcd-keyfile.

import { readFileSync } from "node:fs";
import {
  type ChannelCredentials,
  type ChannelOptions,
  connectivityState,
  credentials,
  type ServiceError,
  status,
} from "@grpc/grpc-js";
import { KVClient, LeaseClient, WatchClient } from "@wharf/etcd-api";

/** kube-apiserver's --etcd-cafile, --etcd-certfile and --etcd-keyfile. */
export interface EtcdTlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** One etcd member as given in --etcd-servers, with its own channel. */
export interface EtcdEndpoint {
  /** As given, e.g. "https://127.0.0.1:2379". */
  readonly url: string;
  readonly kv: InstanceType<typeof KVClient>;
  readonly watch: InstanceType<typeof WatchClient>;
  readonly lease: InstanceType<typeof LeaseClient>;
  readonly channel: ReturnType<InstanceType<typeof KVClient>["getChannel"]>;
  /** When a call on it last failed with Unavailable (ms since epoch); such endpoints are tried last for a while. */
  failedAt: number;
}

export type CallKind = "read" | "write";

/** How long an endpoint that failed is tried after the others (a restarted member gets traffic again after it). */
const SUSPECT_MS = 2_000;
/** Each endpoint is tried this many times for one call (with pauses between rounds) before giving up. */
const ROUNDS = 3;
const ROUND_PAUSE_MS = 100;

export class EtcdEndpoints {
  readonly endpoints: readonly EtcdEndpoint[];
  private next = 0;
  private closed = false;

  constructor(urls: string[], tls: EtcdTlsFiles = {}) {
    if (urls.length === 0) throw new Error("--etcd-servers: no endpoints");
    const creds = channelCredentials(urls, tls);
    const channelOptions: ChannelOptions = {
      // kube-apiserver: MaxCallRecvMsgSize = MaxInt32, keepalive 30 s / 10 s.
      "grpc.max_receive_message_length": 2 ** 31 - 1,
      "grpc.keepalive_time_ms": 30_000,
      "grpc.keepalive_timeout_ms": 10_000,
      // grpc's default backoff grows to 120 s; a member that comes back should be used again within seconds.
      "grpc.initial_reconnect_backoff_ms": 200,
      "grpc.max_reconnect_backoff_ms": 2_000,
    };
    this.endpoints = urls.map((url) => {
      const target = hostPort(url);
      const kv = new KVClient(target, creds, channelOptions);
      const channelOverride = kv.getChannel();
      return {
        url,
        kv,
        watch: new WatchClient(target, creds, { ...channelOptions, channelOverride }),
        lease: new LeaseClient(target, creds, { ...channelOptions, channelOverride }),
        channel: channelOverride,
        failedAt: 0,
      };
    });
  }

  /**
   * The endpoints to try for one call, best first: round-robin over those
   * connected or connecting, then those whose last call failed or whose
   * connection is down.
   */
  order(): EtcdEndpoint[] {
    const n = this.endpoints.length;
    const start = this.next++ % n;
    const rotated = Array.from({ length: n }, (_, i) => this.endpoints[(start + i) % n]!);
    const now = Date.now();
    const suspect = (e: EtcdEndpoint) =>
      now - e.failedAt < SUSPECT_MS || e.channel.getConnectivityState(false) === connectivityState.TRANSIENT_FAILURE;
    return [...rotated.filter((e) => !suspect(e)), ...rotated.filter(suspect)];
  }

  /** Records that a call on `endpoint` failed with Unavailable, so the next calls go elsewhere first. */
  failed(endpoint: EtcdEndpoint): void {
    endpoint.failedAt = Date.now();
  }

  /**
   * One unary call with fail-over. `call` gets the endpoint to use and the
   * grpc callback. Errors other than Unavailable are returned at once.
   */
  async unary<Res>(kind: CallKind, call: (e: EtcdEndpoint, cb: (err: ServiceError | null, r?: Res) => void) => void) {
    let last: unknown;
    for (let round = 0; round < ROUNDS; round++) {
      if (round > 0) await sleep(ROUND_PAUSE_MS * 2 ** (round - 1));
      for (const endpoint of this.order()) {
        if (this.closed) throw last ?? closedError();
        try {
          return await new Promise<Res>((resolve, reject) =>
            call(endpoint, (e, r) => (e ? reject(e) : resolve(r as Res))),
          );
        } catch (e) {
          if (!isUnavailable(e)) throw e;
          this.failed(endpoint);
          last = e;
          if (kind === "write" && !neverSent(e as ServiceError)) throw e;
        }
      }
    }
    throw last;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const e of this.endpoints) {
      e.kv.close();
      e.watch.close();
      e.lease.close();
    }
  }
}

/** grpc Unavailable: the member is down, unreachable, refused the TLS handshake, or has no leader. */
export function isUnavailable(e: unknown): boolean {
  return e instanceof Error && (e as Partial<ServiceError>).code === status.UNAVAILABLE;
}

/** grpc-js fails a call it could not put on any connection with this text: the request never left. */
function neverSent(e: ServiceError): boolean {
  return /No connection established/.test(e.details ?? "");
}

function closedError(): Error {
  return new Error("etcd client closed");
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** "http://h:p", "https://h:p" or "h:p" (plain) → "h:p" as grpc's target. */
function hostPort(url: string): string {
  const m = /^(?:(https?):\/\/)?([^/]+?)\/*$/.exec(url);
  if (!m) throw new Error(`--etcd-servers: ${JSON.stringify(url)} is not an http:// or https:// URL`);
  return m[2]!;
}

/**
 * One set of credentials for all endpoints, as clientv3 takes one TLS config:
 * TLS when the endpoints are https://, plaintext when http://; a mix is refused.
 */
function channelCredentials(urls: string[], tls: EtcdTlsFiles): ChannelCredentials {
  const secure = urls.map((u) => u.startsWith("https://"));
  if (secure.some((s) => s) && !secure.every((s) => s)) {
    throw new Error(`--etcd-servers: http:// and https:// endpoints cannot be mixed: ${urls.join(",")}`);
  }
  if (!secure[0]) return credentials.createInsecure();
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    throw new Error("--etcd-certfile and --etcd-keyfile must be given together");
  }
  const read = (flag: string, file: string | undefined) => {
    if (file === undefined) return null;
    try {
      return readFileSync(file);
    } catch (e) {
      throw new Error(`${flag}: cannot read ${file}: ${(e as Error).message}`);
    }
  };
  return credentials.createSsl(
    read("--etcd-cafile", tls.caFile),
    read("--etcd-keyfile", tls.keyFile),
    read("--etcd-certfile", tls.certFile),
  );
}
