import type { Duplex } from "node:stream";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import type { Brain } from "../brain.js";
import type { BrainMetrics } from "../metrics.js";
import { instrument } from "./instrument.js";
import { withRequestSizes } from "./request-size.js";
import type { BrainService } from "./services.js";

/** etcd allows gRPC messages this much larger than --max-request-bytes, for framing. */
const GRPC_OVERHEAD_BYTES = 512 * 1024;

/** The gRPC server with every etcd service brain implements, fed connections by the client listener. */
export function createGrpcServer(
  brain: Brain,
  services: BrainService[],
  metrics: BrainMetrics,
): {
  server: Server;
  inject: (socket: Duplex) => void;
  close: () => void;
} {
  const server = new Server({
    "grpc.max_receive_message_length": brain.config.maxRequestBytes + GRPC_OVERHEAD_BYTES,
    "grpc.max_send_message_length": 2 ** 31 - 1,
    "grpc.keepalive_permit_without_calls": 1,
  });
  for (const { def, impl } of services) server.addService(withRequestSizes(def), instrument(def, impl, metrics));
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
