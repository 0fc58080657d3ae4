import { describe, expect, it } from 'vitest';
import { applicationServerKey, deviceLabel, subscriptionBody } from '../../../services/web/src/logic/push-device.ts';

describe('turning notifications on', () => {
  it('gives the browser the VAPID key as the 65 bytes of an uncompressed P-256 point', () => {
    const raw = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]);
    const key = applicationServerKey(raw.toString('base64url'));
    expect(key.length).toBe(65);
    expect(Buffer.from(key).equals(raw)).toBe(true);
  });

  it('sends the API the endpoint and keys with the page language, and nothing when the browser left keys out', () => {
    expect(subscriptionBody({ endpoint: 'https://push.example/x', keys: { p256dh: 'p', auth: 'a' } }, 'Chrome · Android', 'en')).toEqual({ endpoint: 'https://push.example/x', keys: { p256dh: 'p', auth: 'a' }, label: 'Chrome · Android', lang: 'en' });
    expect(subscriptionBody({ endpoint: 'https://push.example/x' }, 'x', 'zh')).toBeNull();
  });

  it('names a device so a person tells their phones apart', () => {
    expect(deviceLabel('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36')).toBe('Chrome · Android');
    expect(deviceLabel('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1')).toBe('Safari · iPhone');
    expect(deviceLabel('Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/116 MicroMessenger/8.0')).toBe('WeChat · Android');
    expect(deviceLabel('curl/8')).toBe('Browser');
  });
});
