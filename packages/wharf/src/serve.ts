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
  // Started by `wharf up` with an IPC channel: when that closes (wharf up was killed), stop rather
  // than be left behind; if it closes while this is still starting, once started.
  const supervised = typeof process.send === "function";
  let parentGone = supervised && !process.connected;
  if (supervised && !parentGone) {
    process.channel?.unref();
    process.once("disconnect", () => {
      parentGone = true;
    });
  }
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
  if (supervised) {
    if (parentGone) void stop("disconnect");
    else process.once("disconnect", () => void stop("disconnect"));
  }
  return running;
}
