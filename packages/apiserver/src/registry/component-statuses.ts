import { request as httpsRequest } from "node:https";
import type { Storage } from "../storage/storage.js";
import type { KubeObject } from "./strategy.js";

// core/v1 ComponentStatus as kube-apiserver 1.28's componentstatus REST
// storage answers it: nothing is stored; every get or list probes the
// components kube's storage lists (the scheduler and controller-manager on
// their default secure ports on loopback, and etcd as the storage backend)
// and reports one Healthy condition per component.

/** probe.Result: Unknown and Warning both read as condition status "Unknown". */
export type ProbeResult = "Success" | "Failure" | "Warning" | "Unknown";

export interface ComponentCheck {
  /** The probe's result, its message (the response body, or why it failed) and an error for the Error column. */
  check(): Promise<{ result: ProbeResult; message: string; error?: string }>;
}

/** kube's probeTimeOut for component checks. */
const PROBE_TIMEOUT_MS = 20_000;
/** pkg/probe/http reads at most this much of a body (10 KiB). */
const MAX_BODY_BYTES = 10 * 1024;
/** Go's http.Client gives up after ten redirects. */
const MAX_REDIRECTS = 10;

/** Go's wording of a Node socket error, as net/http's client reports it inside `Get "url": …`. */
function goDialError(e: NodeJS.ErrnoException, host: string, port: number): string {
  const addr = `${host}:${port}`;
  switch (e.code) {
    case "ECONNREFUSED":
      return `dial tcp ${addr}: connect: connection refused`;
    case "ECONNRESET":
      return `read tcp ${addr}: read: connection reset by peer`;
    case "EHOSTUNREACH":
      return `dial tcp ${addr}: connect: no route to host`;
    case "ENETUNREACH":
      return `dial tcp ${addr}: connect: network is unreachable`;
    default:
      return e.message;
  }
}

/**
 * pkg/probe/http against https://host:port/path with certificates not
 * checked (kube's InsecureSkipVerify for these two): 2xx is Success with
 * the body as message; 4xx/5xx Failure `HTTP probe failed with statuscode:
 * N`; a request that fails is Failure with Go's error text as message;
 * redirects are followed (non-local ones too), and one left unfollowed is
 * a Warning.
 */
export function httpsHealthCheck(host: string, port: number, path: string): ComponentCheck {
  const probe = (url: URL, redirects: number): Promise<{ result: ProbeResult; message: string }> =>
    new Promise((resolve) => {
      const req = httpsRequest(
        url,
        {
          method: "GET",
          rejectUnauthorized: false,
          headers: { "user-agent": "kube-probe/1.28", accept: "*/*" },
          timeout: PROBE_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            if (size < MAX_BODY_BYTES) chunks.push(c.subarray(0, MAX_BODY_BYTES - size));
            size += c.length;
          });
          res.on("end", () => {
            const body = Buffer.concat(chunks).toString("utf8");
            const code = res.statusCode ?? 0;
            const location = res.headers.location;
            if (code >= 300 && code < 400 && location && redirects < MAX_REDIRECTS) {
              resolve(probe(new URL(location, url), redirects + 1));
              return;
            }
            if (code >= 200 && code < 300) resolve({ result: "Success", message: body });
            else if (code >= 300 && code < 400) {
              resolve({ result: "Warning", message: `Probe terminated redirects, Response body: ${body}` });
            } else resolve({ result: "Failure", message: `HTTP probe failed with statuscode: ${code}` });
          });
          res.on("error", (e) => resolve({ result: "Failure", message: `Get "${url.href}": ${e.message}` }));
        },
      );
      req.on("timeout", () => {
        req.destroy();
        resolve({
          result: "Failure",
          message: `Get "${url.href}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
        });
      });
      req.on("error", (e: NodeJS.ErrnoException) =>
        resolve({ result: "Failure", message: `Get "${url.href}": ${goDialError(e, host, port)}` }),
      );
      req.end();
    });
  const url = new URL(`https://${host}:${port}${path}`);
  return { check: () => probe(url, 0) };
}

/**
 * kube's EtcdServer check: a read of `<prefix>/health` through the storage
 * backend within the probe timeout ("ok" when it answers).
 */
export function etcdHealthCheck(storage: Storage, prefix: string): ComponentCheck {
  return {
    async check() {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("context deadline exceeded")), PROBE_TIMEOUT_MS);
      });
      try {
        await Promise.race([storage.get(`${prefix.replace(/\/+$/, "")}/health`), deadline]);
        return { result: "Success", message: "ok" };
      } catch (e) {
        return { result: "Failure", message: "", error: `error getting data from etcd: ${(e as Error).message}` };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * What kube's core storage validates: `scheduler` (10259) and
 * `controller-manager` (10257) on 127.0.0.1 over HTTPS, and `etcd-N` per
 * storage backend configuration (Wharf has one: `--etcd-servers`, no
 * overrides), in that order.
 */
export function defaultComponents(storage: Storage, storageRoot: string): Map<string, ComponentCheck> {
  return new Map([
    ["scheduler", httpsHealthCheck("127.0.0.1", 10259, "/healthz")],
    ["controller-manager", httpsHealthCheck("127.0.0.1", 10257, "/healthz")],
    ["etcd-0", etcdHealthCheck(storage, storageRoot)],
  ]);
}

const CONDITION_STATUS: Record<ProbeResult, string> = {
  Success: "True",
  Failure: "False",
  Warning: "Unknown",
  Unknown: "Unknown",
};

/** The probed components, as ComponentStatus objects (v1 shape, ObjectMeta with Go's null creationTimestamp). */
export class ComponentStatuses {
  constructor(private readonly components: Map<string, ComponentCheck>) {}

  names(): string[] {
    return [...this.components.keys()];
  }

  /** One component's status; undefined when there is no component of that name. */
  async get(name: string): Promise<KubeObject | undefined> {
    const component = this.components.get(name);
    return component ? this.status(name, component) : undefined;
  }

  /** Every component, probed at once. */
  async list(): Promise<KubeObject[]> {
    return Promise.all([...this.components].map(([name, c]) => this.status(name, c)));
  }

  private async status(name: string, component: ComponentCheck): Promise<KubeObject> {
    const { result, message, error } = await component.check();
    const condition: Record<string, string> = { type: "Healthy", status: CONDITION_STATUS[result] };
    // message and error are omitempty in the v1 type.
    if (message !== "") condition.message = message;
    if (error) condition.error = error;
    // Go prints the unset creationTimestamp as null.
    const metadata = { name, creationTimestamp: null } as unknown as KubeObject["metadata"];
    return { metadata, conditions: [condition] };
  }
}
