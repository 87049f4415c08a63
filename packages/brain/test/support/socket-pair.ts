import { createServer, connect as netConnect, type Socket } from "node:net";
import { join } from "node:path";
import { tempDir } from "@wharf/testing";

/** A connected pair of Unix sockets (host end, client end) and a function that closes both. */
export async function socketPair(): Promise<[Socket, Socket, () => void]> {
  const dir = tempDir("wharf-relay-");
  const path = join(dir.path, "relay.sock");
  const server = createServer();
  await new Promise<void>((r) => server.listen(path, r));
  const accepted = new Promise<Socket>((r) => server.once("connection", r));
  const client = netConnect(path);
  const host = await accepted;
  return [
    host,
    client,
    () => {
      client.destroy();
      host.destroy();
      server.close();
      dir.remove();
    },
  ];
}
