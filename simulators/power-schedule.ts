/** One scripted power cut of one device, in simulated epoch ms: off at `offAt`, back at `onAt`. */
export interface PowerCut {
  deviceId: string;
  offAt: number;
  onAt: number;
}

/** The devices losing and regaining power at one simulated moment. */
export interface PowerChange {
  at: number;
  off: string[];
  on: string[];
}

/**
 * The power changes of a scenario in time order, handed out once each. Cuts of one
 * device that overlap or touch are one cut: power does not come back for a moment
 * between two scripted outages of the same supply.
 */
export class PowerSchedule {
  private readonly changes: PowerChange[];
  private position = 0;

  constructor(cuts: readonly PowerCut[]) {
    const byTime = new Map<number, PowerChange>();
    const at = (t: number): PowerChange => {
      let change = byTime.get(t);
      if (!change) byTime.set(t, (change = { at: t, off: [], on: [] }));
      return change;
    };
    for (const cut of mergePerDevice(cuts)) {
      at(cut.offAt).off.push(cut.deviceId);
      at(cut.onAt).on.push(cut.deviceId);
    }
    this.changes = [...byTime.values()].sort((a, b) => a.at - b.at);
  }

  /** The next change at or before `untilMs` not handed out yet; undefined when there is none. */
  next(untilMs: number): PowerChange | undefined {
    const change = this.changes[this.position];
    if (!change || change.at > untilMs) return undefined;
    this.position++;
    return change;
  }
}

function mergePerDevice(cuts: readonly PowerCut[]): PowerCut[] {
  const byDevice = new Map<string, PowerCut[]>();
  for (const cut of cuts) byDevice.set(cut.deviceId, [...(byDevice.get(cut.deviceId) ?? []), cut]);
  const out: PowerCut[] = [];
  for (const list of byDevice.values()) {
    list.sort((a, b) => a.offAt - b.offAt);
    let current = { ...list[0]! };
    for (const cut of list.slice(1)) {
      if (cut.offAt <= current.onAt) current.onAt = Math.max(current.onAt, cut.onAt);
      else {
        out.push(current);
        current = { ...cut };
      }
    }
    out.push(current);
  }
  return out;
}
