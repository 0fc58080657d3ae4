import { listDevices, type PlacedDevice } from '../site/devices.ts';
import type { SiteConfig } from '../site/schema.ts';
import type { ConfigMirror } from './config-mirror.ts';
import { siteFromItems, siteItemsOf } from './site-items.ts';

export const SITE_KINDS = ['site', 'place', 'device'] as const;

/**
 * The site as the rest of the platform reads it (the shape of the site file), built from
 * a mirror's items and rebuilt after each change to them. Revoked devices are not in it.
 */
export class SiteView {
  private cached: { site: SiteConfig; devices: PlacedDevice[] } | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;

  constructor(private readonly mirror: ConfigMirror) {
    this.unsubscribe = mirror.onChange((event) => {
      if (!(SITE_KINDS as readonly string[]).includes(event.kind)) return;
      this.cached = undefined;
      for (const listener of this.listeners) listener();
    });
  }

  site(): SiteConfig {
    return this.current().site;
  }

  devices(): PlacedDevice[] {
    return this.current().devices;
  }

  /** Called after a change of the site, a place or a device. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private current(): { site: SiteConfig; devices: PlacedDevice[] } {
    if (!this.cached) {
      const site = siteFromItems(siteItemsOf((kind) => this.mirror.list(kind)));
      this.cached = { site, devices: listDevices(site) };
    }
    return this.cached;
  }
}
