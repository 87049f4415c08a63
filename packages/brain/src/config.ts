import { availableParallelism } from "node:os";

// Brain's configuration, named after etcd's flags.

export interface TlsConfig {
  certFile?: string;
  keyFile?: string;
  trustedCaFile?: string;
  clientCertAuth?: boolean;
  crlFile?: string;
  autoTls?: boolean;
}

export interface BrainConfig {
  name: string;
  dataDir: string;
  listenClientUrls: string[];
  advertiseClientUrls: string[];
  listenPeerUrls: string[];
  initialAdvertisePeerUrls: string[];
  /** name=url pairs, as etcd's --initial-cluster. */
  initialCluster: string;
  initialClusterToken: string;
  initialClusterState: "new" | "existing";
  listenMetricsUrls: string[];
  quotaBackendBytes: number;
  maxTxnOps: number;
  maxRequestBytes: number;
  autoCompactionMode: "periodic" | "revision";
  autoCompactionRetention: string;
  /** Interval of progress notifications to watches that ask for them, in ms. */
  watchProgressNotifyIntervalMs: number;
  keyPrefix: string;
  tls: TlsConfig;
  logLevel: "debug" | "info" | "warn" | "error";
  /**
   * Child processes that terminate client connections (HTTP/2, gRPC, TLS) and
   * relay each call to this process, which keeps the store. 0 serves everything
   * in this process.
   */
  protocolWorkers: number;
}

/** One worker per core beyond the sequencer's, at least one on a multi-core machine, at most four. */
export function defaultProtocolWorkers(): number {
  const cores = availableParallelism();
  return cores <= 1 ? 0 : Math.min(4, Math.max(1, cores - 1));
}

export const DEFAULT_QUOTA_BYTES = 2 * 1024 ** 3;

export function defaultConfig(): BrainConfig {
  return {
    name: "default",
    dataDir: "default.etcd",
    listenClientUrls: ["http://localhost:2379"],
    advertiseClientUrls: [],
    listenPeerUrls: ["http://localhost:2380"],
    initialAdvertisePeerUrls: ["http://localhost:2380"],
    initialCluster: "",
    initialClusterToken: "etcd-cluster",
    initialClusterState: "new",
    listenMetricsUrls: [],
    quotaBackendBytes: 0,
    maxTxnOps: 128,
    maxRequestBytes: 1.5 * 1024 * 1024,
    autoCompactionMode: "periodic",
    autoCompactionRetention: "0",
    watchProgressNotifyIntervalMs: 10 * 60 * 1000,
    keyPrefix: "",
    tls: {},
    logLevel: "info",
    protocolWorkers: defaultProtocolWorkers(),
  };
}

/** The peer URLs that identify this member: from --initial-cluster when it names us, else the advertised ones. */
export function memberPeerUrls(c: BrainConfig): string[] {
  const mine: string[] = [];
  for (const part of c.initialCluster.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === c.name) mine.push(part.slice(eq + 1).trim());
  }
  return mine.length > 0 ? mine : c.initialAdvertisePeerUrls;
}
