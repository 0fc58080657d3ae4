import type { ConfigEvent, ConfigItem, ConfigKind, ConfigStore } from './port.ts';

export type MirrorListener = (event: ConfigEvent, previous: unknown) => void;

/**
 * A service's in-memory copy of the configuration it uses: loaded from the store at
 * start, then kept current by `oc.config` events (followConfig). A version not newer than
 * the one held is ignored, so replays change nothing. Listeners hear each applied change
 * with the value it replaced.
 */
export class ConfigMirror {
  private readonly items = new Map<ConfigKind, Map<string, ConfigItem>>();
  private readonly listeners = new Set<MirrorListener>();

  constructor(readonly kinds: readonly ConfigKind[]) {
    for (const kind of kinds) this.items.set(kind, new Map());
  }

  static fromStore(store: Pick<ConfigStore, 'list'>, kinds: readonly ConfigKind[]): ConfigMirror {
    const mirror = new ConfigMirror(kinds);
    for (const kind of kinds) for (const item of store.list(kind)) mirror.items.get(kind)!.set(item.id, item);
    return mirror;
  }

  get<V = unknown>(kind: ConfigKind, id: string): V | undefined {
    return this.items.get(kind)?.get(id)?.value as V | undefined;
  }

  list<V = unknown>(kind: ConfigKind): ConfigItem<V>[] {
    return [...(this.items.get(kind)?.values() ?? [])].sort((a, b) => a.id.localeCompare(b.id)) as ConfigItem<V>[];
  }

  /** What the mirror holds, for followConfig to skip older events. */
  known(): Pick<ConfigItem, 'kind' | 'id' | 'version'>[] {
    return [...this.items.values()].flatMap((m) => [...m.values()].map(({ kind, id, version }) => ({ kind, id, version })));
  }

  /** Applies a change if it is newer than what is held; true when it was. */
  apply(event: ConfigEvent): boolean {
    const of = this.items.get(event.kind);
    if (!of) return false;
    const held = of.get(event.id);
    if (held && held.version >= event.version) return false;
    if (event.value === null) of.delete(event.id);
    else of.set(event.id, { kind: event.kind, id: event.id, version: event.version, value: event.value, updatedAt: event.at, updatedBy: '' });
    for (const listener of this.listeners) listener(event, held?.value ?? null);
    return true;
  }

  onChange(listener: MirrorListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
