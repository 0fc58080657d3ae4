import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import webpush from 'web-push';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** Contact the push services may use about this sender (mailto: or https:). */
  subject: string;
}

/**
 * The VAPID key pair of this installation: generated on first start into the data
 * dir with mode 0600 (the private key signs every push), read on later starts.
 * Changing it would orphan every browser's subscription, so it is kept.
 */
export function loadOrCreateVapidKeys(path: string, subject: string): VapidKeys {
  if (existsSync(path)) {
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { publicKey: string; privateKey: string };
    return { ...stored, subject };
  }
  const keys = webpush.generateVAPIDKeys();
  writeFileSync(path, JSON.stringify(keys), { mode: 0o600, flag: 'wx' });
  return { ...keys, subject };
}
