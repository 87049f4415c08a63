import { isNotFound } from "@wharf/apimachinery";
import { serveApply } from "../endpoints/apply/apply-endpoint.js";
import type { WatchHandle } from "../storage/storage.js";
import type { WatchCacheLog } from "../storage/watch-cache.js";
import type { GenericStore, WatchEvent } from "./generic-store.js";
import { apiVersionOf } from "./resource-definition.js";
import type { KubeObject } from "./strategy.js";

// kube-apiserver's priority-and-fairness config consumer keeps every FlowSchema's
// `Dangling` condition: True while the PriorityLevelConfiguration it names does
// not exist. Wharf does no flow control yet, but kubectl (its MISSINGPL column)
// and operators read the condition, so it is kept as kube keeps it: applied to
// /status by kube's field manager with force, only when it changes.

/** The field manager kube-apiserver 1.28 writes the condition as. */
export const APF_CONSUMER_MANAGER = "api-priority-and-fairness-config-consumer-v1";

const RETRY_MS = 1000;

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

/** The Dangling condition a FlowSchema naming `level` should carry. */
export function danglingCondition(level: string, exists: boolean): Required<Omit<Condition, "type">> {
  return exists
    ? {
        status: "False",
        reason: "Found",
        message: `This FlowSchema references the PriorityLevelConfiguration object named "${level}" and it exists`,
      }
    : {
        status: "True",
        reason: "NotFound",
        message: `This FlowSchema references the PriorityLevelConfiguration object named "${level}" but there is no such object`,
      };
}

/** Go's metav1.Time in RFC 3339 with seconds, as kube serializes it. */
const rfc3339 = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

export class FlowSchemaConditions {
  private readonly schemas = new Map<string, KubeObject>();
  private readonly levels = new Set<string>();
  private readonly watches: WatchHandle[] = [];
  private running = false;
  private again = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly flowSchemas: GenericStore,
    private readonly priorityLevels: GenericStore,
    private readonly log?: WatchCacheLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Lists both kinds, then follows them; a sync runs after the lists and after every change. */
  async start(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.follow(this.priorityLevels, (e) => {
        const name = e.object.metadata?.name;
        if (!name) return;
        if (e.type === "DELETED") this.levels.delete(name);
        else this.levels.add(name);
      });
      await this.follow(this.flowSchemas, (e) => {
        const name = e.object.metadata?.name;
        if (!name) return;
        if (e.type === "DELETED") this.schemas.delete(name);
        else this.schemas.set(name, e.object);
      });
      this.schedule(0);
    } catch (e) {
      this.restart(e);
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const w of this.watches.splice(0)) w.stop();
  }

  /** Delivers a list's items as ADDED, then the watch's events from its resourceVersion. */
  private async follow(store: GenericStore, apply: (e: WatchEvent) => void): Promise<void> {
    const list = await store.list({});
    for (const item of (list.items ?? []) as KubeObject[]) apply({ type: "ADDED", object: item });
    const resourceVersion = (list.metadata as { resourceVersion: string }).resourceVersion;
    const handle = await store.watch(
      { resourceVersion },
      (e) => {
        if (e.type === "BOOKMARK" || e.type === "ERROR") return;
        apply(e);
        this.schedule(0);
      },
      (err) => this.restart(err),
    );
    this.watches.push(handle);
  }

  /** A watch ended: everything is read again after a pause, so nothing missed in between lingers. */
  private restart(err: unknown): void {
    if (this.stopped) return;
    for (const w of this.watches.splice(0)) w.stop();
    this.log?.warn({ err: String(err) }, "flowschema conditions: watch ended; listing again");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.schemas.clear();
      this.levels.clear();
      void this.start();
    }, RETRY_MS);
    this.timer.unref();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.sync(), ms);
    this.timer.unref();
  }

  /** Applies the condition to every FlowSchema whose condition differs; a failure retries the sync later. */
  private async sync(): Promise<void> {
    this.running = true;
    let failed = false;
    for (const [name, fs] of [...this.schemas]) {
      if (this.stopped) break;
      const level = String(
        (fs.spec as { priorityLevelConfiguration?: { name?: string } })?.priorityLevelConfiguration?.name ?? "",
      );
      const want = danglingCondition(level, this.levels.has(level));
      const conditions = ((fs.status as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[];
      const have = conditions.find((c) => c.type === "Dangling");
      if (have && have.status === want.status && have.reason === want.reason && have.message === want.message) continue;
      const body = {
        apiVersion: apiVersionOf(this.flowSchemas.def),
        kind: "FlowSchema",
        metadata: { name },
        status: { conditions: [{ type: "Dangling", ...want, lastTransitionTime: rfc3339(this.now()) }] },
      };
      try {
        const { body: written } = await serveApply({
          store: this.flowSchemas,
          namespace: undefined,
          name,
          subresource: "status",
          body: JSON.stringify(body),
          query: new URLSearchParams({ fieldManager: APF_CONSUMER_MANAGER, force: "true" }),
        });
        // The watch brings the same object; keeping it now spares a second look at a stale one.
        if (this.schemas.has(name)) this.schemas.set(name, written);
      } catch (e) {
        if (isNotFound(e)) continue;
        failed = true;
        this.log?.warn({ flowSchema: name, err: String(e) }, "flowschema conditions: status not written; retrying");
      }
    }
    this.running = false;
    if (this.again || failed) {
      this.again = false;
      this.schedule(failed ? RETRY_MS : 0);
    }
  }
}
