import { Server, ServerCredentials } from "@grpc/grpc-js";
import {
  ClusterService,
  election,
  KVService,
  LeaseService,
  lock,
  MaintenanceService,
  WatchService,
} from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import type { BrainMetrics } from "../metrics.js";
import { clusterService } from "./cluster-service.js";
import { electionService } from "./election-service.js";
import { instrument } from "./instrument.js";
import { kvService } from "./kv-service.js";
import { leaseService } from "./lease-service.js";
import { lockService } from "./lock-service.js";
import { maintenanceService } from "./maintenance-service.js";
import { withRequestSizes } from "./request-size.js";
import { watchService } from "./watch-service.js";

/** etcd allows gRPC messages this much larger than --max-request-bytes, for framing. */
const GRPC_OVERHEAD_BYTES = 512 * 1024;

/** The gRPC server with every etcd service brain implements, fed connections by the client listener. */
export function createGrpcServer(
  brain: Brain,
  metrics: BrainMetrics,
): {
  server: Server;
  inject: (socket: import("node:stream").Duplex) => void;
  close: () => void;
} {
  const server = new Server({
    "grpc.max_receive_message_length": brain.config.maxRequestBytes + GRPC_OVERHEAD_BYTES,
    "grpc.max_send_message_length": 2 ** 31 - 1,
    "grpc.keepalive_permit_without_calls": 1,
  });
  server.addService(withRequestSizes(KVService), instrument(KVService, kvService(brain), metrics));
  server.addService(withRequestSizes(LeaseService), instrument(LeaseService, leaseService(brain), metrics));
  server.addService(
    withRequestSizes(MaintenanceService),
    instrument(MaintenanceService, maintenanceService(brain), metrics),
  );
  server.addService(withRequestSizes(ClusterService), instrument(ClusterService, clusterService(brain), metrics));
  server.addService(withRequestSizes(WatchService), instrument(WatchService, watchService(brain), metrics));
  server.addService(
    withRequestSizes(election.ElectionService),
    instrument(election.ElectionService, electionService(brain), metrics),
  );
  server.addService(withRequestSizes(lock.LockService), instrument(lock.LockService, lockService(brain), metrics));
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
