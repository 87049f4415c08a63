import {
  Compare,
  Compare_CompareResult,
  Compare_CompareTarget,
  type KeyValue,
  RangeRequest,
  type ResponseHeader,
  TxnRequest,
  type TxnResponse,
} from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import { toKeyValue } from "../mvcc/store.js";
import { CommitFanout } from "./commit-fanout.js";
import { ConcurrencyError, ConcurrencyMessage } from "./errors.js";
import { firstCreated, sessionKey, sessionLease } from "./keys.js";
import { waitDeletes } from "./prefix-waiter.js";

/** A leadership as etcd's LeaderKey names it. */
export interface Leadership {
  name: Buffer;
  key: Buffer;
  rev: bigint;
  lease: bigint;
}

export interface LeaderState {
  header: ResponseHeader;
  kv: KeyValue;
}

const createIs = (key: Buffer, rev: bigint) =>
  Compare.fromPartial({
    key,
    target: Compare_CompareTarget.Create,
    result: Compare_CompareResult.Equal,
    createRevision: rev,
  });

/**
 * etcd's Election service over brain's store (its server runs
 * concurrency.Election on a session for the request's lease). Candidates
 * queue under `name/` as `name/<lease hex>`; the oldest key leads.
 */
export class Elections {
  constructor(private readonly brain: Brain) {}

  /** Waits until this lease's candidacy is the oldest key under `name/`; the value is posted at once. */
  async campaign(
    name: Buffer,
    leaseId: bigint,
    value: Buffer,
    signal?: AbortSignal,
  ): Promise<{ header: ResponseHeader; leader: Leadership }> {
    const { brain } = this;
    const lease = await sessionLease(brain, leaseId);
    const prefix = Buffer.concat([name, Buffer.from("/")]);
    const key = sessionKey(prefix, lease);
    brain.checkQuota();
    const resp = await brain.store.txn(
      TxnRequest.fromPartial({
        compare: [createIs(key, 0n)],
        success: [{ requestPut: { key, value, lease } }],
        failure: [{ requestRange: RangeRequest.fromPartial({ key }) }],
      }),
    );
    let rev = resp.header!.revision;
    if (!resp.succeeded) {
      const kv = resp.responses[0]!.responseRange!.kvs[0]!;
      rev = kv.createRevision;
      if (!kv.value.equals(value)) {
        try {
          await this.proclaim({ name, key, rev, lease }, value);
        } catch (e) {
          await this.resign({ name, key, rev, lease }).catch(() => undefined);
          throw e;
        }
      }
    }
    try {
      await waitDeletes(brain, prefix, Number(rev) - 1, signal);
    } catch (e) {
      // A canceled campaign withdraws, as etcd's Campaign does on context cancel.
      if (signal?.aborted) await this.resign({ name, key, rev, lease }).catch(() => undefined);
      throw e;
    }
    return { header: resp.header!, leader: { name, key, rev, lease } };
  }

  /** Posts a new value if `leader` still holds its key (same create revision). */
  async proclaim(leader: Leadership | undefined, value: Buffer): Promise<{ header: ResponseHeader }> {
    if (!leader) throw new ConcurrencyError(ConcurrencyMessage.MissingLeaderKey);
    const lease = await sessionLease(this.brain, leader.lease);
    this.brain.checkQuota();
    const resp = await this.brain.store.txn(
      TxnRequest.fromPartial({
        compare: [createIs(leader.key, leader.rev)],
        success: [{ requestPut: { key: leader.key, value, lease } }],
      }),
    );
    if (!resp.succeeded) throw new ConcurrencyError(ConcurrencyMessage.NotLeader);
    return { header: resp.header! };
  }

  /** Deletes the leader's key if it is still the same key (same create revision). */
  async resign(leader: Leadership | undefined): Promise<{ header: ResponseHeader }> {
    if (!leader) throw new ConcurrencyError(ConcurrencyMessage.MissingLeaderKey);
    await sessionLease(this.brain, leader.lease);
    const resp: TxnResponse = await this.brain.store.txn(
      TxnRequest.fromPartial({
        compare: [createIs(leader.key, leader.rev)],
        success: [{ requestDeleteRange: { key: leader.key } }],
      }),
    );
    return { header: resp.header! };
  }

  /** The current leader: the oldest key under `name/`. */
  leader(name: Buffer): LeaderState {
    const { header, kv } = firstCreated(this.brain, Buffer.concat([name, Buffer.from("/")]));
    if (!kv) throw new ConcurrencyError(ConcurrencyMessage.NoLeader);
    return { header, kv };
  }

  /**
   * etcd's Election.Observe: sends the leader now (or the first key put once
   * there is none), then every new value of that key, and on its deletion the
   * next leader. Returns the function that stops observing.
   */
  observe(name: Buffer, send: (s: LeaderState) => void): () => void {
    const prefix = Buffer.concat([name, Buffer.from("/")]);
    const header = (rev: number): ResponseHeader => ({
      clusterId: 0n,
      memberId: 0n,
      revision: BigInt(rev),
      raftTerm: 0n,
    });
    // The key followed (undefined: waiting for a first put) and the revision already accounted for.
    let leaderKey: Buffer | undefined;
    let seen = 0;
    const resolve = () => {
      const now = firstCreated(this.brain, prefix);
      seen = Number(now.header.revision);
      leaderKey = now.kv?.key;
      if (now.kv) send({ header: now.header, kv: now.kv });
    };
    const unsubscribe = CommitFanout.of(this.brain.store).subscribe((r) => {
      if (r.rev <= seen) return;
      seen = r.rev;
      for (const kv of r.changes) {
        if (leaderKey === undefined) {
          if (kv.tombstone || !kv.key.subarray(0, prefix.length).equals(prefix)) continue;
          // As etcd, the first key put under the prefix is taken as leader, its header at its own revision.
          leaderKey = kv.key;
          send({ header: header(kv.modRev), kv: toKeyValue(kv) });
          return;
        }
        if (!kv.key.equals(leaderKey)) continue;
        if (kv.tombstone) {
          resolve();
          return;
        }
        send({ header: header(r.rev), kv: toKeyValue(kv) });
      }
    });
    resolve();
    return unsubscribe;
  }
}
