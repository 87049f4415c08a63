import type { ServiceDefinition } from "@grpc/grpc-js";
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
import { encodeRangeResponse } from "./range-response-encoder.js";
import { encodeWatchResponse } from "./watch-response-encoder.js";

/**
 * The definitions of every etcd service brain serves, in a fixed order: the
 * order of services.ts's implementations, and the numbering of methods on the
 * worker relay. Protocol workers load this file without the store behind it.
 */
export function serviceDefinitions(): ServiceDefinition[] {
  return [
    { ...KVService, range: { ...KVService.range, responseSerialize: encodeRangeResponse } },
    { watch: { ...WatchService.watch, responseSerialize: encodeWatchResponse } },
    LeaseService,
    ClusterService,
    MaintenanceService,
    election.ElectionService,
    lock.LockService,
    AuthService,
  ] as unknown as ServiceDefinition[];
}
