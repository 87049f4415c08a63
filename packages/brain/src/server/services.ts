import type { ServiceDefinition, UntypedServiceImplementation } from "@grpc/grpc-js";
import type { Brain } from "../brain.js";
import { authService } from "./auth-service.js";
import { clusterService } from "./cluster-service.js";
import { electionService } from "./election-service.js";
import { kvService } from "./kv-service.js";
import { leaseService } from "./lease-service.js";
import { lockService } from "./lock-service.js";
import { maintenanceService } from "./maintenance-service.js";
import { serviceDefinitions } from "./service-definitions.js";
import { watchService } from "./watch-service.js";

export interface BrainService {
  def: ServiceDefinition;
  impl: UntypedServiceImplementation;
}

/** Every etcd service brain implements, once; the gRPC server, the worker relay and the JSON gateway serve these. */
export function brainServices(brain: Brain): BrainService[] {
  const impls: object[] = [
    kvService(brain),
    watchService(brain),
    leaseService(brain),
    clusterService(brain),
    maintenanceService(brain),
    electionService(brain),
    lockService(brain),
    authService(),
  ];
  return serviceDefinitions().map((def, i) => ({ def, impl: impls[i] as UntypedServiceImplementation }));
}
