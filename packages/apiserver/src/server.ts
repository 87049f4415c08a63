import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createSecureServer, type Http2SecureServer } from "node:http2";
import { join } from "node:path";
import { selfSignedCertificate } from "@wharf/pki";
import { CrdRegistry } from "./apiextensions/crd-registry.js";
import { CrdStore } from "./apiextensions/crd-store.js";
import { type AuthenticatorOptions, authenticate } from "./auth/authenticator.js";
import { loadTokenFile } from "./auth/token-file.js";
import { apiHandler } from "./endpoints/api-handler.js";
import { InflightLimit } from "./endpoints/inflight-limit.js";
import { withOpenApi } from "./endpoints/openapi.js";
import { IdentityLease, type IdentityLeaseOptions } from "./registry/apiserver-identity.js";
import { bootstrap } from "./registry/bootstrap/bootstrap.js";
import { API_GROUPS, builtinResources, namespaces } from "./registry/builtin-resources.js";
import { ComponentStatuses, defaultComponents } from "./registry/component-statuses.js";
import { startFlowControlUpkeep } from "./registry/flowcontrol-upkeep.js";
import { GenericStore, type StoreWatchConfig } from "./registry/generic-store.js";
import { NamespaceLifecycle } from "./registry/namespace-lifecycle.js";
import { preferredNamespacedContent } from "./registry/namespaced-content.js";
import { customresourcedefinitions } from "./registry/resources/apiextensions.js";
import { leases } from "./registry/resources/coordination.js";
import { services } from "./registry/resources/core.js";
import { startServiceControllers } from "./registry/service-allocation/service-controllers.js";
import { serviceNetwork } from "./registry/service-allocation/service-network.js";
import { ServiceStore } from "./registry/service-allocation/service-store.js";
import { setAllowPrivileged } from "./registry/strategies/pod-security.js";
import { EtcdStorage } from "./storage/etcd-storage.js";
import type { Storage } from "./storage/storage.js";
import type { WatchCacheLog } from "./storage/watch-cache.js";
import { DEFAULT_WATCH_CACHE_SIZE, parseWatchCacheSizes, watchCacheSize } from "./storage/watch-cache-sizes.js";
import { WatchCaches } from "./storage/watch-caches.js";

export interface ApiServerOptions {
  /** kube-apiserver's --etcd-servers: every member; calls are spread over them and fail over between them. */
  etcdServers: string[];
  /** kube-apiserver's --etcd-prefix. */
  etcdPrefix: string;
  /** kube's --etcd-cafile, --etcd-certfile, --etcd-keyfile: TLS to https:// etcd servers. */
  etcdCafile?: string;
  etcdCertfile?: string;
  etcdKeyfile?: string;
  bindAddress: string;
  securePort: number;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  /** Where a self-signed serving certificate is kept when none is given (kube-apiserver's --cert-dir). */
  certDir: string;
  /** CA bundle whose client certificates authenticate (CN user, O groups). */
  clientCaFile?: string;
  /** Static bearer tokens: `token,user,uid[,"groups"]` lines. */
  tokenAuthFile?: string;
  /** Let unauthenticated requests in as system:anonymous (off: they get 401). */
  anonymousAuth?: boolean;
  /** kube's --allow-privileged (false): whether privileged containers are admitted. Process-wide, as kube's. */
  allowPrivileged?: boolean;
  /** Delete the contents of terminating namespaces (default on; tests turn it off to observe Terminating). */
  finalizeNamespaces?: boolean;
  /** kube's --watch-cache: serve watches and RV=0 lists from one watch cache per resource (default on). */
  watchCache?: boolean;
  /** kube's --default-watch-cache-size (100); 0 leaves resources without a size in watchCacheSizes uncached. */
  defaultWatchCacheSize?: number;
  /** kube's --watch-cache-sizes: `resource[.group]#size` entries; size 0 leaves that resource uncached. */
  watchCacheSizes?: string[];
  /** A cache's event window grows while its oldest event is younger than this (kube: 75 s); 0 keeps it at its size. */
  watchCacheEventFreshMs?: number;
  /** How often watches with allowWatchBookmarks get a bookmark (kube: 60 s). */
  watchBookmarkIntervalMs?: number;
  /** Bytes a watch may leave unread beyond its initial events before it is closed (8 MiB). */
  maxWatchBufferedBytes?: number;
  /** Debug and warning lines (pino-compatible), e.g. when a watch cache starts. */
  log?: WatchCacheLog;
  /** kube's --service-cluster-ip-range: a CIDR, or an IPv4 and an IPv6 one joined by "," (default 10.0.0.0/24). */
  serviceClusterIPRange?: string;
  /** kube's --service-node-port-range: "30000-32767" (the default), "30000+2767" or one port. */
  serviceNodePortRange?: string;
  /** kube's --max-requests-inflight (400) and --max-mutating-requests-inflight (200); 0 is no limit. */
  maxRequestsInflight?: number;
  maxMutatingRequestsInflight?: number;
  /** kube's --advertise-address: the `kubernetes` endpoints' address (default: the bind address, or the host's). */
  advertiseAddress?: string;
  /** How often the ClusterIP and NodePort allocations are repaired from the services (kube: 3 minutes). */
  serviceRepairIntervalMs?: number;
  /** How often the flow-control bootstrap configuration is ensured again (kube: 1 minute). */
  flowControlEnsureIntervalMs?: number;
  /** The identity lease's renewal and collection periods (kube: 10 s and 1 h), and the host it is named after. */
  identityLease?: Omit<IdentityLeaseOptions, "log" | "now">;
}

export interface RunningApiServer {
  server: Http2SecureServer;
  url: string;
  storage: Storage;
  close(): Promise<void>;
}

/** The version this server reports: the Kubernetes API level it follows. */
export const KUBERNETES_VERSION = {
  major: "1",
  minor: "28",
  gitVersion: "v1.28.0-wharf",
  gitCommit: "",
  gitTreeState: "clean",
  buildDate: "2026-11-21T00:00:00Z",
  goVersion: "n/a",
  compiler: "wharf",
  platform: `${process.platform}/${process.arch}`,
};

async function servingCertificate(o: ApiServerOptions): Promise<{ cert: Buffer; key: Buffer }> {
  if (o.tlsCertFile && o.tlsPrivateKeyFile) {
    return { cert: await readFile(o.tlsCertFile), key: await readFile(o.tlsPrivateKeyFile) };
  }
  const certFile = join(o.certDir, "apiserver.crt");
  const keyFile = join(o.certDir, "apiserver.key");
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    await mkdir(o.certDir, { recursive: true, mode: 0o700 });
    const hosts = [...new Set([o.bindAddress === "0.0.0.0" ? "127.0.0.1" : o.bindAddress, "127.0.0.1", "localhost"])];
    const pair = await selfSignedCertificate(hosts);
    await writeFile(certFile, pair.certPem, { mode: 0o600 });
    await writeFile(keyFile, pair.keyPem, { mode: 0o600 });
  }
  return { cert: await readFile(certFile), key: await readFile(keyFile) };
}

export async function startApiServer(o: ApiServerOptions): Promise<RunningApiServer> {
  setAllowPrivileged(o.allowPrivileged ?? false);
  const cacheSizes = parseWatchCacheSizes(o.watchCacheSizes ?? []);
  const storage = EtcdStorage.connect(o.etcdServers, {
    tls: { caFile: o.etcdCafile, certFile: o.etcdCertfile, keyFile: o.etcdKeyfile },
  });
  await storage.waitUntilReachable(o.log);
  const prefix = o.etcdPrefix.replace(/\/+$/, "");
  const caches = new WatchCaches(storage, { eventFreshMs: o.watchCacheEventFreshMs }, o.log);
  const network = serviceNetwork(storage, prefix, o);
  const stores = builtinResources
    .filter((d) => d.stored !== false)
    .map((d) => {
      const size = watchCacheSize(d.group, d.resource, cacheSizes, o.defaultWatchCacheSize ?? DEFAULT_WATCH_CACHE_SIZE);
      const name = d.group === "" ? d.resource : `${d.resource}.${d.group}`;
      const config: StoreWatchConfig = {
        cache: (keyPrefix) =>
          o.watchCache !== false && size > 0 ? caches.forPrefix(keyPrefix, name, size) : undefined,
        bookmarkIntervalMs: o.watchBookmarkIntervalMs,
      };
      return d === services
        ? new ServiceStore(d, storage, prefix, config, network.allocator)
        : d === customresourcedefinitions
          ? new CrdStore(d, storage, prefix, config)
          : new GenericStore(d, storage, prefix, config);
    });
  const namespaceStore = stores.find((s) => s.def === namespaces)!;
  await bootstrap(stores, { clientCa: o.clientCaFile && (await readFile(o.clientCaFile, "utf8")), log: o.log });
  // Custom resources: served by every apiserver on this etcd as soon as their CRD is stored.
  const crds = new CrdRegistry(stores.find((s) => s.def === customresourcedefinitions)!, storage, prefix, o.log);
  await crds.start();
  const builtinContent = preferredNamespacedContent(stores, API_GROUPS);
  const lifecycle = new NamespaceLifecycle(
    namespaceStore,
    // Asked on every pass: the custom resources served now, not at start.
    () => ({
      resources: [...builtinContent, ...preferredNamespacedContent(crds.establishedStores(), crds.groups())],
      error: crds.watching ? undefined : "unable to retrieve the complete list of server APIs: custom resources",
    }),
    { finalize: o.finalizeNamespaces ?? true, log: o.log },
  );
  // After the CRDs are known, so that a namespace left Terminating loses its custom resources too.
  await lifecycle.resume();
  const auth: AuthenticatorOptions = {
    tokens: o.tokenAuthFile ? loadTokenFile(o.tokenAuthFile) : undefined,
    clientCertificates: o.clientCaFile !== undefined,
    anonymous: o.anonymousAuth ?? false,
  };
  const handler = apiHandler({
    authenticate: (req) => authenticate(req, auth),
    stores,
    resources: builtinResources,
    groups: API_GROUPS,
    // TokenReview answers with the same token authenticator requests go through.
    reviewToken: (token) =>
      authenticate({ headers: { authorization: `Bearer ${token}` } } as unknown as Parameters<typeof authenticate>[0], {
        ...auth,
        clientCertificates: false,
        anonymous: false,
      }),
    lifecycle,
    version: KUBERNETES_VERSION,
    maxWatchBufferedBytes: o.maxWatchBufferedBytes,
    inflight: new InflightLimit(o.maxRequestsInflight ?? 400, o.maxMutatingRequestsInflight ?? 200),
    customResources: crds,
    componentStatuses: new ComponentStatuses(defaultComponents(storage, prefix)),
    ready: async () => {
      try {
        await storage.currentRevision();
        return true;
      } catch {
        return false;
      }
    },
  });
  const tls = await servingCertificate(o);
  const clientCa = o.clientCaFile ? await readFile(o.clientCaFile) : undefined;
  // Client certificates are asked for but not required: a request without one may still carry a token.
  const server = createSecureServer(
    { ...tls, allowHTTP1: true, ...(clientCa ? { ca: clientCa, requestCert: true, rejectUnauthorized: false } : {}) },
    withOpenApi(handler, {
      authenticate: (req) => authenticate(req, auth),
      resources: builtinResources,
      groups: API_GROUPS,
      version: KUBERNETES_VERSION.gitVersion,
      customResources: crds,
    }),
  );
  // Watches hold connections open; closing the server ends them.
  const sockets = new Set<import("node:net").Socket>();
  server.on("secureConnection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.securePort, o.bindAddress, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : o.securePort;
  const host = o.bindAddress === "0.0.0.0" ? "127.0.0.1" : o.bindAddress;
  const serviceControllers = await startServiceControllers({
    stores,
    network,
    securePort: port,
    repairIntervalMs: o.serviceRepairIntervalMs,
    log: o.log,
  });
  const identity = new IdentityLease(stores.find((s) => s.def === leases)!, { ...o.identityLease, log: o.log });
  await identity.start();
  const flowControl = await startFlowControlUpkeep(stores, { intervalMs: o.flowControlEnsureIntervalMs, log: o.log });
  return {
    server,
    url: `https://${host}:${port}`,
    storage,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      serviceControllers.stop();
      flowControl.stop();
      identity.stop();
      lifecycle.stop();
      crds.stop();
      caches.stop();
      storage.close();
    },
  };
}
