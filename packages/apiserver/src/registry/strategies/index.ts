import type { KindStrategy } from "../strategy.js";

/** Strategies of the built-in kinds, keyed "group/Kind" ("" group for core: "/Pod"). */
export const builtinStrategies: ReadonlyMap<string, KindStrategy> = new Map<string, KindStrategy>([]);

export function strategyKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}
