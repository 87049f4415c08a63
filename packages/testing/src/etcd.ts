import { freePort } from "./ports.js";
import { type ClientCertificate, type ProcessServer, startProcessServer } from "./process-server.js";
import { ETCD_BIN } from "./services.js";
import { tempDir } from "./temp-dir.js";

export interface EtcdOptions {
  /** Extra etcd flags, e.g. ["--experimental-watch-progress-notify-interval=200ms"]. */
  args?: string[];
  /** The peer URL to listen on and advertise (default: a free port on 127.0.0.1); brain derives the same IDs from it. */
  peerUrl?: string;
  /** Reuse a data directory (for restart measurements); by default a fresh temp dir removed on stop(). */
  dataDir?: string;
  /** Reuse a client port (for restarts). */
  port?: number;
  /**
   * Serve clients over https (pass --cert-file/--key-file, and --trusted-ca-file/--client-cert-auth, in args);
   * a client certificate for the health probe when etcd demands one.
   */
  tls?: boolean | ClientCertificate;
}

/** Starts Debian's etcd on free ports, by default in a fresh temp directory that stop() removes. */
export async function startEtcd(options: EtcdOptions = {}): Promise<ProcessServer> {
  const dir = options.dataDir ? undefined : tempDir("wharf-etcd-");
  const dataDir = options.dataDir ?? dir!.path;
  const port = options.port ?? (await freePort());
  const peerUrl = options.peerUrl ?? `http://127.0.0.1:${await freePort()}`;
  const scheme = options.tls ? "https" : "http";
  const server = await startProcessServer(
    ETCD_BIN,
    [
      "--name=default",
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${scheme}://127.0.0.1:${port}`,
      `--advertise-client-urls=${scheme}://127.0.0.1:${port}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      "--log-level=error",
      ...(options.args ?? []),
    ],
    { port, dataDir, tls: options.tls ?? false },
  );
  return dir ? withCleanup(server, dir.remove) : server;
}

export function withCleanup(server: ProcessServer, cleanup: () => void): ProcessServer {
  return {
    ...server,
    stop: async () => {
      await server.stop();
      cleanup();
    },
    kill: server.kill,
  };
}
