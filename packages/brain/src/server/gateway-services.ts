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
import { clusterService } from "./cluster-service.js";
import { electionService } from "./election-service.js";
import { addHandlers, type ServiceHandlers } from "./gateway.js";
import { kvService } from "./kv-service.js";
import { leaseService } from "./lease-service.js";
import { lockService } from "./lock-service.js";
import { maintenanceService } from "./maintenance-service.js";
import { watchService } from "./watch-service.js";

/** The service implementations the JSON gateway calls, by gRPC method path. */
export function gatewayHandlers(brain: Brain): ServiceHandlers {
  const h: ServiceHandlers = new Map();
  addHandlers(h, KVService, kvService(brain) as never);
  addHandlers(h, LeaseService, leaseService(brain) as never);
  addHandlers(h, MaintenanceService, maintenanceService(brain) as never);
  addHandlers(h, ClusterService, clusterService(brain) as never);
  addHandlers(h, WatchService, watchService(brain) as never);
  addHandlers(h, election.ElectionService, electionService(brain) as never);
  addHandlers(h, lock.LockService, lockService(brain) as never);
  return h;
}
