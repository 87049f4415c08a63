import { createHash } from "node:crypto";
import { hostname as osHostname } from "node:os";
import { isConflict, isNotFound } from "@wharf/apimachinery";
import type { WatchCacheLog } from "../storage/watch-cache.js";
import type { GenericStore } from "./generic-store.js";
import { type Periodic, repeat } from "./periodic.js";
import type { KubeObject } from "./strategy.js";

// kube-apiserver 1.28's identity (APIServerIdentity, on by default): a Lease in
// kube-system named after a hash of the host, renewed every 10 s and lasting an
// hour; leases of apiservers gone for longer are deleted hourly. Tools count
// the apiservers of a cluster by these leases.

const NAMESPACE = "kube-system";
const IDENTITY_LABEL = "apiserver.kubernetes.io/identity";
const HOSTNAME_LABEL = "kubernetes.io/hostname";
const LEASE_DURATION_S = 3600;

export interface IdentityLeaseOptions {
  hostname?: string;
  /** How often the lease is renewed (kube: 10 s). */
  renewIntervalMs?: number;
  /** How often expired apiserver leases are deleted (kube: 1 h). */
  gcIntervalMs?: number;
  log?: WatchCacheLog;
  now?: () => Date;
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** RFC 4648 base32, lower case, unpadded. */
function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** A 16-bit length, then the bytes: how kube's cryptobyte builder frames each part it hashes. */
function framed(text: string): Buffer {
  const body = Buffer.from(text, "utf8");
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length);
  return Buffer.concat([head, body]);
}

/** kube's APIServerID for a host: "apiserver-" and base32 of the first 16 bytes of sha256(host, "kube-apiserver"). */
export function apiserverIdentity(hostname: string): string {
  const hash = createHash("sha256").update(framed(hostname)).update(framed("kube-apiserver")).digest();
  return `apiserver-${base32(hash.subarray(0, 16))}`;
}

/** metav1.MicroTime as Go serializes it: RFC 3339 with microseconds. */
const microTime = (d: Date) => `${d.toISOString().slice(0, 23)}000Z`;

export class IdentityLease {
  readonly name: string;
  private readonly hostname: string;
  private readonly work: Periodic[] = [];
  private readonly now: () => Date;

  constructor(
    private readonly leases: GenericStore,
    private readonly o: IdentityLeaseOptions = {},
  ) {
    this.hostname = o.hostname ?? osHostname();
    this.name = apiserverIdentity(this.hostname);
    this.now = o.now ?? (() => new Date());
  }

  /** Writes the lease now, then keeps renewing it and collecting expired ones. */
  async start(): Promise<void> {
    await this.renew().catch((e) => this.o.log?.warn({ err: String(e) }, "apiserver identity lease not written"));
    const failed = (e: unknown) => this.o.log?.warn({ err: String(e), lease: this.name }, "apiserver identity lease");
    this.work.push(repeat(this.o.renewIntervalMs ?? 10_000, () => this.renew(), failed));
    this.work.push(repeat(this.o.gcIntervalMs ?? 3_600_000, () => this.collect(), failed));
  }

  stop(): void {
    for (const w of this.work.splice(0)) w.stop();
  }

  /** Creates the lease or moves its renewTime, with kube's holder, duration and labels. */
  private async renew(): Promise<void> {
    let current: KubeObject | undefined;
    try {
      current = await this.leases.get(NAMESPACE, this.name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    const metadata = { ...(current?.metadata ?? { name: this.name, namespace: NAMESPACE }) };
    metadata.labels = {
      ...(metadata.labels ?? {}),
      [IDENTITY_LABEL]: "kube-apiserver",
      [HOSTNAME_LABEL]: this.hostname,
    };
    const lease: KubeObject = {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata,
      spec: {
        ...((current?.spec as object | undefined) ?? {}),
        holderIdentity: this.name,
        leaseDurationSeconds: LEASE_DURATION_S,
        renewTime: microTime(this.now()),
      },
    };
    if (current) await this.leases.update(NAMESPACE, this.name, lease);
    else await this.leases.create(NAMESPACE, lease);
  }

  /** Deletes the apiserver leases whose holder stopped renewing over a lease duration ago (not this one's). */
  private async collect(): Promise<void> {
    const list = await this.leases.list({ namespace: NAMESPACE });
    const now = this.now().getTime();
    for (const lease of (list.items ?? []) as KubeObject[]) {
      const meta = lease.metadata ?? {};
      if (meta.labels?.[IDENTITY_LABEL] !== "kube-apiserver" || meta.name === this.name) continue;
      const spec = (lease.spec ?? {}) as { renewTime?: string; leaseDurationSeconds?: number };
      const renewed = Date.parse(spec.renewTime ?? "");
      const duration = (spec.leaseDurationSeconds ?? 0) * 1000;
      if (Number.isNaN(renewed) || renewed + duration >= now) continue;
      await this.leases.delete(NAMESPACE, meta.name!, Number(meta.resourceVersion)).catch((e) => {
        // Renewed or deleted since the list: that apiserver is back, or another one collected it.
        if (!isNotFound(e) && !isConflict(e)) throw e;
      });
    }
  }
}
