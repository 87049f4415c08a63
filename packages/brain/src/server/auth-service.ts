import { type ServiceError, status } from "@grpc/grpc-js";
import { AuthService } from "@wharf/etcd-api";

/**
 * Authentication is not implemented yet. Every Auth call answers as grpc-go
 * answers for a service a server does not register, which is what etcd
 * clients handle: UNIMPLEMENTED, "unknown service etcdserverpb.Auth".
 */
export function authService(): Record<string, unknown> {
  const refuse = (_call: unknown, callback: (e: Partial<ServiceError>) => void) =>
    callback({ code: status.UNIMPLEMENTED, details: "unknown service etcdserverpb.Auth" });
  return Object.fromEntries(Object.keys(AuthService).map((name) => [name, refuse]));
}
