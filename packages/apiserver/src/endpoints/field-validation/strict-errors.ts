import { goQuote } from "@wharf/apimachinery";

// The violations a strict decode collects, as sigs.k8s.io/json reports
// them: `unknown field "spec.foo"`, `duplicate field "metadata.name"`, each
// once, at most 100 per decode.

const MAX_ERRORS = 100;

export class StrictErrors {
  readonly list: string[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly prefix = "") {}

  unknown(path: string): void {
    this.add(`${this.prefix}unknown field ${goQuote(path)}`);
  }

  duplicate(path: string): void {
    this.add(`${this.prefix}duplicate field ${goQuote(path)}`);
  }

  /** An error already worded (pruned paths, YAML's duplicate keys). */
  add(text: string): void {
    if (this.list.length >= MAX_ERRORS || this.seen.has(text)) return;
    this.seen.add(text);
    this.list.push(text);
  }
}

/** A member's path under `parent`, as the decoder's field stack joins it. */
export const childPath = (parent: string, key: string): string => (parent === "" ? key : `${parent}.${key}`);

export const indexPath = (parent: string, i: number): string => `${parent}[${i}]`;
