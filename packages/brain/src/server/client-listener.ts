import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from "node:tls";

// One client port for every protocol, as etcd's cmux does: a connection that
// opens with the HTTP/2 preface is gRPC; anything else is HTTP/1.x (the JSON
// gateway, /metrics, /health).
const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

export interface ClientListener {
  server: NetServer;
  close(): Promise<void>;
}

/** Hands each accepted connection to gRPC or HTTP/1.x. */
export interface ConnectionRouter {
  route(socket: Socket): void;
  /** Ends every connection routed so far. */
  closeAll(): void;
}

/**
 * Tells connections apart: plain TCP ones by their first bytes; with `tls`, by
 * the negotiated ALPN protocol: a client that offers only h2 (every gRPC
 * client) gets gRPC, one that also offers http/1.1 (curl, browsers) gets
 * HTTP/1.1, where the JSON gateway and /metrics live.
 */
export function connectionRouter(
  grpc: (socket: Duplex) => void,
  http: (req: IncomingMessage, res: ServerResponse) => void,
  tls?: TlsOptions,
): ConnectionRouter {
  const httpServer = createHttpServer(http);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  let route: (socket: Socket) => void;
  if (tls) {
    const tlsServer = createTlsServer(
      {
        ...tls,
        ALPNCallback: ({ protocols }) =>
          protocols.includes("http/1.1") ? "http/1.1" : protocols.includes("h2") ? "h2" : undefined,
      },
      (socket: TLSSocket) => {
        track(socket);
        if (socket.alpnProtocol === "h2") grpc(socket);
        else httpServer.emit("connection", socket);
      },
    );
    tlsServer.on("tlsClientError", () => undefined);
    route = (socket) => {
      track(socket);
      tlsServer.emit("connection", socket);
    };
  } else {
    route = (socket) => {
      track(socket);
      sniff(socket, (isH2) => {
        if (isH2) grpc(socket);
        else httpServer.emit("connection", socket);
      });
    };
  }
  return {
    route,
    closeAll: () => {
      httpServer.closeAllConnections();
      for (const s of sockets) s.destroy();
    },
  };
}

/**
 * Listens on host:port and passes each connection on. With `pauseOnConnect`
 * the connection is not read here (it is handed to another process).
 */
export function listenTcp(
  host: string,
  port: number,
  onConnection: (socket: Socket) => void,
  pauseOnConnect = false,
): Promise<NetServer> {
  const server = createNetServer({ pauseOnConnect }, onConnection);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

/** Serves gRPC and HTTP/1.x on host:port in this process. */
export async function listenClient(
  host: string,
  port: number,
  grpc: (socket: Duplex) => void,
  http: (req: IncomingMessage, res: ServerResponse) => void,
  tls?: TlsOptions,
): Promise<ClientListener> {
  const router = connectionRouter(grpc, http, tls);
  const server = await listenTcp(host, port, router.route);
  return { server, close: () => closeServer(server, router.closeAll) };
}

/** Stops accepting, then ends the connections still open. */
export function closeServer(server: NetServer, closeAll: () => void): Promise<void> {
  return new Promise<void>((done) => {
    server.close(() => done());
    closeAll();
  });
}

/** Reads until the first bytes decide the protocol, then puts them back. */
export function sniff(socket: Duplex, decide: (isH2: boolean) => void): void {
  let seen: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, H2_PREFACE.length);
    const matches = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
    if (matches && seen.length < H2_PREFACE.length) return;
    socket.off("data", onData);
    socket.pause();
    socket.unshift(seen);
    decide(matches);
    // The http2 session drains the unshifted bytes itself when it takes over
    // the socket; resuming would emit them to nobody. The HTTP/1 server needs
    // the stream flowing again.
    if (!matches) socket.resume();
  };
  socket.on("data", onData);
}
