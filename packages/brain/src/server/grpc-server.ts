import type { Duplex } from "node:stream";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { GRPC_OVERHEAD_BYTES } from "./request-size.js";
import type { BrainService } from "./services.js";

/** A gRPC server for the given services, fed connections by the client listener (never listening itself). */
export function createGrpcServer(
  services: BrainService[],
  maxRequestBytes: number,
): {
  server: Server;
  inject: (socket: Duplex) => void;
  close: () => void;
} {
  const server = new Server({
    "grpc.max_receive_message_length": maxRequestBytes + GRPC_OVERHEAD_BYTES,
    "grpc.max_send_message_length": 2 ** 31 - 1,
    "grpc.keepalive_permit_without_calls": 1,
  });
  for (const { def, impl } of services) server.addService(def, impl);
  const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
  return {
    server,
    inject: (socket) => injector.injectConnection(socket),
    close: () => {
      injector.destroy();
      server.forceShutdown();
    },
  };
}
