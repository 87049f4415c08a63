// The services store: the generic store with kube's service REST storage
// around it. Addresses and node ports are allocated before a write (after
// defaulting, as kube's BeginCreate/BeginUpdate hooks do), given back when
// the write fails, and released when a service is gone.

import { StatusError } from "@wharf/apimachinery";
import type { Storage } from "../../storage/storage.js";
import { GenericStore, type StoreWatchConfig } from "../generic-store.js";
import type { ResourceDefinition } from "../resource-definition.js";
import { serviceStrategy } from "../strategies/core-service.js";
import { isObj, type Obj, objs } from "../strategies/util.js";
import type { KubeObject, ObjectMeta } from "../strategy.js";
import type { ServiceAllocator } from "./service-allocator.js";

/** How often an update that raced another writer is tried again (when the request named no resourceVersion). */
const MAX_UPDATE_ATTEMPTS = 10;

const ALLOCATED_SPEC_FIELDS = ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "healthCheckNodePort"];

/** Copies what allocation decided (`from`'s addresses, families and node ports) into `to`. */
function copyAllocated(from: KubeObject, to: KubeObject): KubeObject {
  const src = isObj(from.spec) ? (from.spec as Obj) : {};
  if (!isObj(to.spec)) to.spec = {};
  const dst = to.spec as Obj;
  for (const f of ALLOCATED_SPEC_FIELDS) {
    if (src[f] === undefined) delete dst[f];
    else dst[f] = structuredClone(src[f]);
  }
  const srcPorts = objs(src.ports);
  objs(dst.ports).forEach((p, i) => {
    const np = srcPorts[i]?.nodePort;
    if (np === undefined) delete p.nodePort;
    else p.nodePort = np;
  });
  return to;
}

function isConflict(e: unknown): boolean {
  return e instanceof StatusError && e.status.code === 409;
}

export class ServiceStore extends GenericStore {
  constructor(
    def: ResourceDefinition,
    private readonly serviceStorage: Storage,
    prefix: string,
    watchConfig: StoreWatchConfig,
    readonly allocator: ServiceAllocator,
  ) {
    super(def, serviceStorage, prefix, watchConfig);
  }

  override async create(...args: Parameters<GenericStore["create"]>): Promise<KubeObject> {
    const [namespace, input, dryRun = false, ...rest] = args;
    if (!isObj(input)) return super.create(...args);
    // kube allocates on the decoded (defaulted) object, before PrepareForCreate and validation.
    const svc = structuredClone(input);
    serviceStrategy.default?.(svc);
    // A service kube's validation refuses gets that 422, with nothing allocated.
    if ((serviceStrategy.validate?.(svc) ?? []).length > 0) return super.create(...args);
    const txn = await this.allocator.allocateCreate(svc, dryRun);
    try {
      const created = await super.create(namespace, svc, dryRun, ...rest);
      await txn.commit();
      return created;
    } catch (e) {
      await txn.revert();
      throw e;
    }
  }

  /**
   * Updates allocate against the stored object they replace: the update is
   * first worked out as a dry run on the current object (pinned by its
   * resourceVersion), allocation runs on that result, and the write carries
   * its values. A request without a resourceVersion that lost a race is
   * worked out again, as guaranteedUpdate would.
   */
  override async write(...args: Parameters<GenericStore["write"]>): Promise<KubeObject> {
    const [namespace, name, obj, mode, dryRun = false, validate, ...rest] = args;
    if (mode === "status" || !isObj(obj)) return super.write(...args);
    const requested = (obj.metadata as ObjectMeta | undefined)?.resourceVersion;
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(namespace, name);
      const pinned: KubeObject = {
        ...obj,
        metadata: { ...(obj.metadata ?? {}), resourceVersion: requested || current.metadata?.resourceVersion },
      };
      const next = await super.write(namespace, name, pinned, mode, true, validate, ...rest);
      const txn = await this.allocator.allocateUpdate(next, current, dryRun);
      if (dryRun) return next;
      const fill = (o: KubeObject) => copyAllocated(next, o);
      try {
        const written =
          typeof mode === "function"
            ? await super.write(namespace, name, pinned, (n, s) => fill(mode(n, s)), false, validate, ...rest)
            : await super.write(namespace, name, fill(structuredClone(pinned)), mode, false, validate, ...rest);
        await txn.commit();
        if ((written.metadata as ObjectMeta | undefined)?.deletionTimestamp) {
          await this.releaseIfGone(namespace, name, written);
        }
        return written;
      } catch (e) {
        await txn.revert();
        if (!requested && isConflict(e) && attempt < MAX_UPDATE_ATTEMPTS) continue;
        throw e;
      }
    }
  }

  override async delete(...args: Parameters<GenericStore["delete"]>): ReturnType<GenericStore["delete"]> {
    const deleted = await super.delete(...args);
    await this.releaseIfGone(args[0], args[1], deleted);
    return deleted;
  }

  override async deleteWithOptions(
    ...args: Parameters<GenericStore["deleteWithOptions"]>
  ): ReturnType<GenericStore["deleteWithOptions"]> {
    const [namespace, name] = args;
    const before = await this.get(namespace, name).catch(() => undefined);
    const outcome = await super.deleteWithOptions(...args);
    if (outcome.deleted) {
      const o = outcome.object as KubeObject;
      const svc = o.kind === "Service" && isObj(o.spec) ? o : before;
      if (svc) await this.releaseIfGone(namespace, name, svc);
    }
    return outcome;
  }

  /** Releases what `svc` held once it is no longer stored (a finalizer may keep it after a delete). */
  private async releaseIfGone(namespace: string | undefined, name: string, svc: KubeObject): Promise<void> {
    const stored = await this.serviceStorage.get<KubeObject>(this.key(namespace, name));
    if (stored && stored.object.metadata?.uid === svc.metadata?.uid) return;
    await this.allocator.releaseAll(svc);
  }
}
