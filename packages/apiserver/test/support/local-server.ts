import { join } from "node:path";
import type { ApiServerOptions } from "../../src/index.js";

/** Options for an API server on a free loopback port over `etcdUrl`, its certificate kept under `dir`. */
export function localServerOptions(
  etcdUrl: string,
  dir: string,
  extra: Partial<ApiServerOptions> = {},
): ApiServerOptions {
  return {
    etcdServers: [etcdUrl],
    etcdPrefix: "/registry",
    bindAddress: "127.0.0.1",
    securePort: 0,
    certDir: join(dir, "certs"),
    ...extra,
  };
}
