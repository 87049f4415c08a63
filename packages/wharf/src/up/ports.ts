import { createServer } from "node:net";

/** Whether host:port can be listened on now: a clear message beats a child dying of EADDRINUSE. */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}
