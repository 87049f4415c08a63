import { startApiServer } from "@wharf/apiserver";
import { Command } from "commander";
import { pino } from "pino";
import { bool, int, list } from "./flags.js";
import { serveUntilSignal } from "./serve.js";

export function apiserverCommand(): Command {
  return new Command("apiserver")
    .description(
      "Run Wharf's Kubernetes-compatible API server on any etcd v3 endpoint (brain or etcd).\n" +
        "Flags follow kube-apiserver's names.",
    )
    .option(
      "--etcd-servers <urls>",
      "comma-separated etcd v3 endpoints (scheme://host:port; brain or etcd), all members of one cluster: " +
        "requests are spread over them and move to another member when one fails; https:// endpoints use TLS",
      list,
      ["http://127.0.0.1:2379"],
    )
    .option(
      "--etcd-cafile <file>",
      "CA bundle (PEM) that https:// etcd servers' certificates must be signed by (default: the system's CAs)",
    )
    .option(
      "--etcd-certfile <file>",
      "client certificate (PEM) presented to https:// etcd servers, for etcd's --client-cert-auth",
    )
    .option("--etcd-keyfile <file>", "the private key (PEM) of --etcd-certfile")
    .option("--etcd-prefix <prefix>", "the prefix of every key this server keeps in etcd", "/registry")
    .option("--bind-address <ip>", "the address to serve HTTPS on", "127.0.0.1")
    .option("--secure-port <port>", "the port to serve HTTPS on", int("secure-port"), 6443)
    .option("--tls-cert-file <file>", "serving certificate (PEM); without it a self-signed one is kept in --cert-dir")
    .option("--tls-private-key-file <file>", "the serving certificate's private key (PEM)")
    .option(
      "--cert-dir <dir>",
      "where the self-signed serving certificate is generated and kept",
      "apiserver.local.config/certificates",
    )
    .option(
      "--client-ca-file <file>",
      "CA bundle: a client certificate it signed authenticates as its CN, with its O as groups",
    )
    .option("--token-auth-file <file>", 'static bearer tokens, one per line: token,user,uid[,"group1,group2"]')
    .option(
      "--anonymous-auth [bool]",
      "let requests without credentials in as system:anonymous (default: off, they get 401)",
      bool("anonymous-auth"),
      false,
    )
    .option(
      "--allow-privileged [bool]",
      "admit privileged containers (and Windows hostProcess ones); otherwise they are refused as kube-apiserver refuses them",
      bool("allow-privileged"),
      false,
    )
    .option(
      "--watch-cache [bool]",
      "serve watches and resourceVersion=0 lists from one watch cache per resource, fed by one etcd watch each",
      bool("watch-cache"),
      true,
    )
    .option(
      "--watch-cache-sizes <sizes>",
      "comma-separated resource[.group]#size: the event window of a resource's watch cache; 0 turns its cache off",
      list,
      [],
    )
    .option(
      "--default-watch-cache-size <n>",
      "event window of the watch caches not listed in --watch-cache-sizes; 0 turns them off",
      int("default-watch-cache-size"),
      100,
    )
    .option(
      "--service-cluster-ip-range <cidrs>",
      'CIDR the ClusterIPs of Services are allocated from; an IPv4 and an IPv6 CIDR ("v4,v6") for dual-stack. ' +
        "Its first address is the kubernetes Service's",
      "10.0.0.0/24",
    )
    .option(
      "--service-node-port-range <range>",
      'ports NodePort and LoadBalancer Services are allocated from: "min-max" inclusive, "min+offset" or one port',
      "30000-32767",
    )
    .option(
      "--max-requests-inflight <n>",
      "the most non-mutating requests served at once (watches and system:masters not counted); " +
        "more are answered 429 with Retry-After; 0 is no limit",
      int("max-requests-inflight"),
      400,
    )
    .option(
      "--max-mutating-requests-inflight <n>",
      "the most mutating requests (create, update, patch, delete) served at once; 0 is no limit",
      int("max-mutating-requests-inflight"),
      200,
    )
    .option(
      "--advertise-address <ip>",
      "the address of this server in the kubernetes Service's endpoints " +
        "(default: --bind-address, or the host's first non-loopback IPv4 address when binding 0.0.0.0)",
    )
    .action(async (o) => {
      const log = pino({ base: { component: "apiserver" } }, pino.destination(2));
      const running = await serveUntilSignal("apiserver", log, () =>
        startApiServer({
          etcdServers: o.etcdServers,
          etcdPrefix: o.etcdPrefix,
          etcdCafile: o.etcdCafile,
          etcdCertfile: o.etcdCertfile,
          etcdKeyfile: o.etcdKeyfile,
          bindAddress: o.bindAddress,
          securePort: o.securePort,
          tlsCertFile: o.tlsCertFile,
          tlsPrivateKeyFile: o.tlsPrivateKeyFile,
          certDir: o.certDir,
          clientCaFile: o.clientCaFile,
          tokenAuthFile: o.tokenAuthFile,
          anonymousAuth: o.anonymousAuth,
          allowPrivileged: o.allowPrivileged,
          watchCache: o.watchCache,
          watchCacheSizes: o.watchCacheSizes,
          defaultWatchCacheSize: o.defaultWatchCacheSize,
          serviceClusterIPRange: o.serviceClusterIpRange,
          serviceNodePortRange: o.serviceNodePortRange,
          advertiseAddress: o.advertiseAddress,
          maxRequestsInflight: o.maxRequestsInflight,
          maxMutatingRequestsInflight: o.maxMutatingRequestsInflight,
          log,
        }),
      );
      log.info({ url: running.url, etcd: o.etcdServers }, "apiserver ready");
    });
}
