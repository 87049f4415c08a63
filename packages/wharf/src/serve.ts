import type { Logger } from "pino";

/**
 * Starts a server and keeps it until SIGTERM or SIGINT, then closes it
 * cleanly and exits; a server that fails to start exits 1 with the reason logged.
 */
export async function serveUntilSignal<T extends { close(): Promise<void> }>(
  name: string,
  log: Logger,
  start: () => Promise<T>,
): Promise<T> {
  let running: T;
  try {
    running = await start();
  } catch (e) {
    log.fatal({ err: e }, `${name} failed to start`);
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    await running.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  return running;
}
