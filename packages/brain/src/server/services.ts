import type { ServiceDefinition, UntypedServiceImplementation } from "@grpc/grpc-js";
import {
  AuthService,
  ClusterService,
  election,
  KVService,
  LeaseService,
  lock,
  MaintenanceService,
  WatchService,
} from "@wharf/etcd-api";
import type { Brain } from "../brain.js";
import { authService } from "./auth-service.js";
import { clusterService } from "./cluster-service.js";
import { electionService } from "./election-service.js";
import { kvService } from "./kv-service.js";
import { leaseService } from "./lease-service.js";
import { lockService } from "./lock-service.js";
import { maintenanceService } from "./maintenance-service.js";
import { encodeWatchResponse } from "./watch-response-encoder.js";
import { watchService } from "./watch-service.js";

export interface BrainService {
  def: ServiceDefinition;
  impl: UntypedServiceImplementation;
}

/** Every etcd service brain implements, once; the gRPC server and the JSON gateway both serve these. */
export function brainServices(brain: Brain): BrainService[] {
  const s = (def: object, impl: object): BrainService => ({
    def: def as ServiceDefinition,
    impl: impl as UntypedServiceImplementation,
  });
  return [
    s(KVService, kvService(brain)),
    s({ watch: { ...WatchService.watch, responseSerialize: encodeWatchResponse } }, watchService(brain)),
    s(LeaseService, leaseService(brain)),
    s(ClusterService, clusterService(brain)),
    s(MaintenanceService, maintenanceService(brain)),
    s(election.ElectionService, electionService(brain)),
    s(lock.LockService, lockService(brain)),
    s(AuthService, authService()),
  ];
}
