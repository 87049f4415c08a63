import { type BrainConfig, defaultConfig, startBrainServer } from "@wharf/brain";
import { Command, Option } from "commander";
import { pino } from "pino";
import { bool, durationMs, int, list } from "./flags.js";
import { serveUntilSignal } from "./serve.js";

export function brainCommand(): Command {
  const d = defaultConfig();
  const cmd = new Command("brain")
    .description(
      "Run brain: an etcd v3-compatible metadata store on an embedded engine.\n" +
        "Any etcd v3 client (etcdctl, the etcd3 npm client, Go's clientv3, kube-apiserver) uses it unchanged.",
    )
    .option("--name <name>", "human-readable name for this member", d.name)
    .option("--data-dir <dir>", "path to the data directory", d.dataDir)
    .option(
      "--listen-client-urls <urls>",
      "comma-separated URLs to serve clients on (gRPC, JSON gateway, /metrics, /health on each)",
      list,
      d.listenClientUrls,
    )
    .option("--advertise-client-urls <urls>", "comma-separated client URLs to advertise in MemberList", list, [])
    .option(
      "--listen-peer-urls <urls>",
      "accepted for etcd launch scripts; brain has no raft peers",
      list,
      d.listenPeerUrls,
    )
    .option(
      "--initial-advertise-peer-urls <urls>",
      "this member's peer URLs at its first start; with the cluster token they determine the member ID, as in etcd",
      list,
      d.initialAdvertisePeerUrls,
    )
    .option(
      "--initial-cluster <name=url,...>",
      "initial cluster configuration (first start only); this member's entry sets its peer URLs",
      "",
    )
    .option(
      "--initial-cluster-token <token>",
      "cluster token; part of the member and cluster IDs",
      d.initialClusterToken,
    )
    .addOption(
      new Option("--initial-cluster-state <state>", "new or existing (accepted for etcd launch scripts)")
        .choices(["new", "existing"])
        .default("new"),
    )
    .option("--listen-metrics-urls <urls>", "extra URLs serving only /metrics and /health", list, [])
    .option(
      "--quota-backend-bytes <bytes>",
      "raise the NOSPACE alarm and refuse writes once the pages in use exceed this many bytes (0 = 2 GiB)",
      int("quota-backend-bytes"),
      0,
    )
    .option(
      "--max-txn-ops <n>",
      "maximum number of operations permitted in a transaction",
      int("max-txn-ops"),
      d.maxTxnOps,
    )
    .option(
      "--max-request-bytes <bytes>",
      "maximum client request size in bytes the server will accept",
      int("max-request-bytes"),
      d.maxRequestBytes,
    )
    .addOption(
      new Option(
        "--auto-compaction-mode <mode>",
        "interpret the retention as a period (periodic) or a revision count (revision)",
      )
        .choices(["periodic", "revision"])
        .default("periodic"),
    )
    .option(
      "--auto-compaction-retention <value>",
      "auto compaction retention: a duration (1h, 30m; bare number = hours) for periodic, a count for revision; 0 disables",
      "0",
    )
    .addOption(
      new Option(
        "--experimental-watch-progress-notify-interval <duration>",
        "interval of progress notifications to watches that request them (e.g. 10m, 5s, 200ms)",
      )
        .argParser(durationMs("experimental-watch-progress-notify-interval"))
        .default(d.watchProgressNotifyIntervalMs, "10m"),
    )
    .option("--cert-file <file>", "path to the client server TLS certificate")
    .option("--key-file <file>", "path to the client server TLS key")
    .option("--trusted-ca-file <file>", "path to the client server TLS trusted CA certificate")
    .option("--client-cert-auth [bool]", "require and verify client certificates", bool("client-cert-auth"), false)
    .option("--client-crl-file <file>", "path to the client certificate revocation list")
    .option("--auto-tls [bool]", "serve client TLS with a generated self-signed certificate", bool("auto-tls"), false)
    .option(
      "--key-prefix <prefix>",
      "KubeBrain's prefix scoping brain's own bookkeeping keys in shared storage (set it to kube-apiserver's --etcd-prefix); the embedded engine keeps them outside the keyspace",
      "",
    )
    .option(
      "--compatible-with-etcd [bool]",
      "KubeBrain's flag; accepted, full etcd compatibility is always on",
      bool("compatible-with-etcd"),
      true,
    )
    .option(
      "--protocol-workers <n>",
      "processes that terminate client connections (TLS, HTTP/2, gRPC) and relay calls to the one process that keeps the store; 0 serves everything in one process (default: cores - 1, at most 4)",
      int("protocol-workers"),
      d.protocolWorkers,
    )
    .addOption(
      new Option("--log-level <level>", "minimum level of the JSON log lines written to stderr")
        .choices(["debug", "info", "warn", "error"])
        .default("info"),
    )
    .action(async (o) => {
      const config: BrainConfig = {
        ...d,
        name: o.name,
        dataDir: o.dataDir,
        listenClientUrls: o.listenClientUrls,
        advertiseClientUrls: o.advertiseClientUrls,
        listenPeerUrls: o.listenPeerUrls,
        initialAdvertisePeerUrls: o.initialAdvertisePeerUrls,
        initialCluster: o.initialCluster,
        initialClusterToken: o.initialClusterToken,
        initialClusterState: o.initialClusterState,
        listenMetricsUrls: o.listenMetricsUrls,
        quotaBackendBytes: o.quotaBackendBytes,
        maxTxnOps: o.maxTxnOps,
        maxRequestBytes: o.maxRequestBytes,
        autoCompactionMode: o.autoCompactionMode,
        autoCompactionRetention: o.autoCompactionRetention,
        watchProgressNotifyIntervalMs: o.experimentalWatchProgressNotifyInterval,
        keyPrefix: o.keyPrefix,
        tls: {
          certFile: o.certFile,
          keyFile: o.keyFile,
          trustedCaFile: o.trustedCaFile,
          clientCertAuth: o.clientCertAuth,
          crlFile: o.clientCrlFile,
          autoTls: o.autoTls,
        },
        logLevel: o.logLevel,
        protocolWorkers: o.protocolWorkers,
      };
      const log = pino({ level: config.logLevel, base: { component: "brain" } }, pino.destination(2));
      await serveUntilSignal("brain", log, () => startBrainServer(config, log));
    });
  return cmd;
}
