import assert from "node:assert/strict";
import type { FieldError } from "@wharf/apimachinery";
import { builtinStrategies } from "../../src/registry/strategies/index.js";
import type { KindStrategy, KubeObject } from "../../src/registry/strategy.js";

// The built-in kinds' strategies run as the store runs them, their answers as
// the causes of kube's 422 Status: [type, field, message].

export type Cause = [type: string, field: string, message: string];

/** A decoded object the tests read freely. */
// biome-ignore lint/suspicious/noExplicitAny: decoded JSON.
export type Decoded = any;

/** The strategy of "group/Kind" ("/Pod" for core). */
export function strategy(key: string): KindStrategy {
  const s = builtinStrategies.get(key);
  assert.ok(s, `no strategy for ${key}`);
  return s;
}

export function causes(errs: FieldError[]): Cause[] {
  return errs.map((e) => [e.type, e.field, e.body()]);
}

/** A new object as the store admits it: defaulted, then prepared for create. */
export function defaulted(key: string, obj: KubeObject): Decoded {
  const o = structuredClone(obj);
  strategy(key).default?.(o);
  strategy(key).prepareForCreate?.(o);
  return o;
}

/** The causes a create of `obj` is refused with (none: admitted). */
export function create(key: string, obj: KubeObject): Cause[] {
  return causes(strategy(key).validate?.(defaulted(key, obj)) ?? []);
}

/** An update as the store runs it: defaults, then stored values carried over, then validate and validateUpdate. */
export function updated(key: string, old: KubeObject, next: KubeObject): { obj: Decoded; causes: Cause[] } {
  const s = strategy(key);
  const o = defaulted(key, old);
  const n = structuredClone(next);
  s.default?.(n);
  s.prepareForUpdate?.(n, o);
  return { obj: n, causes: causes([...(s.validate?.(n, o) ?? []), ...(s.validateUpdate?.(n, o) ?? [])]) };
}

/** The causes an update from `old` to `next` is refused with. */
export const update = (key: string, old: KubeObject, next: KubeObject): Cause[] => updated(key, old, next).causes;
