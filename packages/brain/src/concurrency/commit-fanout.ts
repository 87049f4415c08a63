import type { MvccStore, RevisionChanges } from "../mvcc/store.js";

type Subscriber = (r: RevisionChanges) => void;

const fanouts = new WeakMap<MvccStore, CommitFanout>();

/**
 * One onCommit listener per store, shared by every waiter and observer of the
 * concurrency services: the store's listeners cannot be removed, subscribers
 * here can.
 */
export class CommitFanout {
  private readonly subscribers = new Set<Subscriber>();

  private constructor(store: MvccStore) {
    store.onCommit((r) => {
      for (const s of [...this.subscribers]) if (this.subscribers.has(s)) s(r);
    });
  }

  static of(store: MvccStore): CommitFanout {
    let f = fanouts.get(store);
    if (!f) {
      f = new CommitFanout(store);
      fanouts.set(store, f);
    }
    return f;
  }

  /** Calls `fn` with every revision published from now on; returns the function that stops it. */
  subscribe(fn: Subscriber): () => void {
    this.subscribers.add(fn);
    return () => {
      this.subscribers.delete(fn);
    };
  }

  get size(): number {
    return this.subscribers.size;
  }
}
