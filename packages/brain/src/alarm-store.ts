import { type AlarmMember, AlarmType } from "@wharf/etcd-api";
import type { Engine } from "./engine/engine.js";
import { metaKey } from "./mvcc/layout.js";
import type { MvccStore } from "./mvcc/store.js";

const ALARMS_META = metaKey("alarms");

/**
 * Raised alarms (NOSPACE, CORRUPT), persisted so that a restart keeps
 * refusing writes until an operator disarms them, as etcd does.
 */
export class AlarmStore {
  private alarms: AlarmMember[];

  constructor(
    engine: Engine,
    private readonly store: MvccStore,
  ) {
    const raw = engine.get(ALARMS_META);
    this.alarms = raw
      ? (JSON.parse(raw.toString()) as Array<[string, number]>).map(([m, a]) => ({ memberID: BigInt(m), alarm: a }))
      : [];
  }

  has(alarm: AlarmType): boolean {
    return this.alarms.some((a) => a.alarm === alarm);
  }

  /** Alarms of the given type, or all of them for NONE. */
  get(alarm: AlarmType): AlarmMember[] {
    return this.alarms.filter((a) => alarm === AlarmType.None || a.alarm === alarm).map((a) => ({ ...a }));
  }

  /** Raises an alarm for a member; returns it, or undefined for NONE. */
  async activate(memberID: bigint, alarm: AlarmType): Promise<AlarmMember | undefined> {
    if (alarm === AlarmType.None) return undefined;
    const m = { memberID, alarm };
    if (!this.alarms.some((a) => a.memberID === memberID && a.alarm === alarm)) {
      this.alarms.push(m);
      await this.save();
    }
    return { ...m };
  }

  /** Disarms an alarm; returns it, or undefined when it was not raised. */
  async deactivate(memberID: bigint, alarm: AlarmType): Promise<AlarmMember | undefined> {
    const i = this.alarms.findIndex((a) => a.memberID === memberID && a.alarm === alarm);
    if (i < 0) return undefined;
    const [m] = this.alarms.splice(i, 1);
    await this.save();
    return m;
  }

  private save(): Promise<void> {
    const json = JSON.stringify(this.alarms.map((a) => [a.memberID.toString(), a.alarm]));
    return this.store.persist([[ALARMS_META, Buffer.from(json)]], []);
  }
}
