import { AlarmType, type ResponseHeader, type TxnRequest } from "@wharf/etcd-api";
import { AlarmStore } from "./alarm-store.js";
import { type BrainConfig, DEFAULT_QUOTA_BYTES, memberPeerUrls } from "./config.js";
import type { Engine } from "./engine/engine.js";
import { LmdbEngine } from "./engine/lmdb-engine.js";
import { BrainError, ErrorCode } from "./errors.js";
import { Lessor } from "./lease/lessor.js";
import { computeClusterId, computeMemberId } from "./membership.js";
import { decodeUint, encodeUint, metaKey } from "./mvcc/layout.js";
import { MvccStore } from "./mvcc/store.js";
import { engineDir } from "./snapshot-restore.js";
import type { WatchHub } from "./watch/watch-hub.js";

const TERM_META = metaKey("term");
const MEMBER_META = metaKey("member");

interface PersistedMember {
  /** Decimal, as member IDs exceed 2^53. */
  id: string;
  peerUrls: string[];
}

/**
 * One brain member: the store on its engine plus the identity and limits the
 * protocol adapters need. Knows nothing of gRPC or HTTP; see server/.
 */
export class Brain {
  readonly memberId: bigint;
  readonly clusterId: bigint;
  /** This member's peer URLs: from the bootstrap flags at first start, then as persisted (MemberUpdate changes them). */
  peerUrls: string[];
  readonly clientUrls: string[];
  /** Bumped at every start, as raft's term is by every election of a fresh leader. */
  readonly raftTerm: bigint;
  readonly alarms: AlarmStore;
  /** Leases: attached to the store's keys, expired by its own timer (started here, stopped in close). */
  readonly lessor: Lessor;
  /** The watchable store's hub, once the Watch service exists (its counts are in /metrics). */
  watchHub: WatchHub | undefined;

  private constructor(
    readonly config: BrainConfig,
    readonly engine: Engine,
    readonly store: MvccStore,
    term: number,
    member: PersistedMember,
  ) {
    this.peerUrls = member.peerUrls;
    this.memberId = BigInt(member.id);
    this.clusterId = computeClusterId([this.memberId]);
    this.clientUrls = config.advertiseClientUrls.length > 0 ? config.advertiseClientUrls : config.listenClientUrls;
    this.raftTerm = BigInt(term);
    this.alarms = new AlarmStore(engine, store);
    this.lessor = Lessor.open(store, engine);
    this.lessor.start();
  }

  static async open(config: BrainConfig, engine?: Engine): Promise<Brain> {
    const eng = engine ?? new LmdbEngine({ path: engineDir(config.dataDir) });
    const store = MvccStore.open(eng, {
      maxTxnOps: config.maxTxnOps,
      maxPendingBytes: 256 * 1024 * 1024,
    });
    const term = (decodeUint(eng.get(TERM_META)) ?? 1) + 1;
    // As in etcd, the --initial-* flags define the member only at bootstrap; afterwards its identity is what was stored.
    const stored = eng.get(MEMBER_META);
    let member: PersistedMember;
    if (stored) member = JSON.parse(stored.toString()) as PersistedMember;
    else {
      const peerUrls = memberPeerUrls(config);
      member = { id: computeMemberId(peerUrls, config.initialClusterToken).toString(), peerUrls };
    }
    await eng.commit({
      puts: [
        [TERM_META, encodeUint(term)],
        [MEMBER_META, Buffer.from(JSON.stringify(member))],
      ],
      deletes: [],
    });
    return new Brain(config, eng, store, term, member);
  }

  /** MemberUpdate on this member: new peer URLs, persisted before the reply. */
  async setPeerUrls(urls: string[]): Promise<void> {
    const member: PersistedMember = { id: this.memberId.toString(), peerUrls: [...urls] };
    await this.store.persist([[MEMBER_META, Buffer.from(JSON.stringify(member))]], []);
    this.peerUrls = member.peerUrls;
  }

  /** Completes a top-level response header as etcd's header filler does. */
  fill<T extends { header?: ResponseHeader | undefined }>(resp: T): T;
  fill(resp: undefined): ResponseHeader;
  fill<T extends { header?: ResponseHeader | undefined }>(resp: T | undefined): T | ResponseHeader {
    const h: ResponseHeader = resp?.header ?? {
      clusterId: 0n,
      memberId: 0n,
      revision: BigInt(this.store.currentRev),
      raftTerm: 0n,
    };
    h.clusterId = this.clusterId;
    h.memberId = this.memberId;
    h.raftTerm = this.raftTerm;
    if (resp === undefined) return h;
    resp.header = h;
    return resp;
  }

  get quotaBytes(): number {
    const q = this.config.quotaBackendBytes;
    return q > 0 ? q : DEFAULT_QUOTA_BYTES;
  }

  /** Refuses a space-consuming write once the backend is over quota, raising the NOSPACE alarm as etcd does. */
  checkQuota(cost = 0): void {
    if (this.alarms.has(AlarmType.Nospace)) throw new BrainError(ErrorCode.NoSpace);
    // lmdb reuses freed pages in place and its file never shrinks, so the quota
    // counts pages in use: compaction then brings a store back under it.
    if (this.engine.size().inUse + cost > this.quotaBytes) {
      void this.alarms.activate(this.memberId, AlarmType.Nospace).catch(() => undefined);
      throw new BrainError(ErrorCode.NoSpace);
    }
  }

  /** Status.errors, worded as etcd words an alarm. */
  alarmErrors(): string[] {
    return this.alarms
      .get(AlarmType.None)
      .map((a) => `memberID:${a.memberID} alarm:${a.alarm === AlarmType.Nospace ? "NOSPACE" : "CORRUPT"} `);
  }

  txnWrites(r: TxnRequest): boolean {
    const ops = (t: TxnRequest): boolean =>
      t.success.some((o) => o.requestPut || (o.requestTxn && ops(o.requestTxn))) ||
      t.failure.some((o) => o.requestPut || (o.requestTxn && ops(o.requestTxn)));
    return ops(r);
  }

  async compact(rev: number, physical: boolean): Promise<{ header: ResponseHeader }> {
    const cur = await this.store.compact(rev, physical);
    return { header: { clusterId: 0n, memberId: 0n, revision: BigInt(cur), raftTerm: 0n } };
  }

  async close(): Promise<void> {
    this.lessor.stop();
    await this.store.idle();
    await this.engine.close();
  }
}
