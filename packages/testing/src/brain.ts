import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { withCleanup } from "./etcd.js";
import { freePort } from "./ports.js";
import { type ClientCertificate, type ProcessServer, startProcessServer } from "./process-server.js";
import { tempDir } from "./temp-dir.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const wharfMain = join(repoRoot, "packages", "wharf", "src", "main.ts");

export interface BrainProcessOptions {
  /** Reuse a data directory (for restart tests); by default a fresh temp dir removed on stop(). */
  dataDir?: string;
  /** Reuse a port (for restart tests). */
  port?: number;
  args?: string[];
  /** Serve https (pass --cert-file/--key-file or --auto-tls in args); a client certificate for --client-cert-auth. */
  tls?: boolean | ClientCertificate;
}

/** Starts `wharf brain` as a real child process, the way users run it. */
export async function startBrain(options: BrainProcessOptions = {}): Promise<ProcessServer> {
  const dir = options.dataDir ? undefined : tempDir("wharf-brain-");
  const dataDir = options.dataDir ?? dir!.path;
  const port = options.port ?? (await freePort());
  const server = await startProcessServer(
    process.execPath,
    [
      "--import",
      "tsx",
      wharfMain,
      "brain",
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
      "--log-level=warn",
      ...(options.args ?? []),
    ],
    { port, dataDir, tls: options.tls ?? false },
  );
  return dir ? withCleanup(server, dir.remove) : server;
}
