import type { MqttClient } from 'mqtt';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clockStartingAt } from '../../services/shared/clock.ts';
import { AdminStack } from '../support/admin-stack.ts';
import { chromiumAvailability, TestBrowser } from './support/chromium.ts';
import { collectPageErrors, pngSize, Screenshots, signIn, UI_DEADLINE_MS } from './support/pages.ts';
import { connectDevice } from '../support/device-client.ts';

/**
 * The admin page (issue 17) in Chromium against the real stack (HTTP on loopback, the MQTT
 * gateway, alerting, the config store): add a camera, see it come online with a real MQTT
 * client holding the secret the page showed once, rotate the secret, revoke it; the audit tab.
 */
const availability = chromiumAvailability();
if (!availability.run) console.warn(`browser tests skipped: ${availability.reason}`);

describe.skipIf(!availability.run)(`the admin page in Chromium${availability.run ? '' : ` (skipped: ${availability.reason})`}`, () => {
  // 10:00 in Shanghai on a Monday: the page and the platform see the same pinned instant.
  const clock = clockStartingAt(Date.UTC(2026, 11, 7, 2, 0));
  let stack: AdminStack;
  let browser: TestBrowser;
  let baseUrl: string;
  const contexts: BrowserContext[] = [];
  const clients: MqttClient[] = [];
  const shots = new Screenshots();
  const adminPage = async (): Promise<Page> => {
    const c = await browser.desk(baseUrl, { viewport: { width: 1600, height: 1000 } });
    contexts.push(c);
    return c.newPage();
  };
  const connect = (deviceId: string, secret: string): Promise<MqttClient> => connectDevice(stack.mqttUrl, deviceId, secret, clients);
  const closed = (client: MqttClient) => new Promise<void>((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));

  beforeAll(async () => {
    stack = await AdminStack.start(clock);
    await stack.api.app.listen({ host: '127.0.0.1', port: 0 });
    const address = stack.api.app.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await TestBrowser.launch({ clock });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.end(true);
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('adds a camera, sees it online, rotates its secret and revokes it; the audit shows each step without a secret', async () => {
    const page = await adminPage();
    const errors = collectPageErrors(page);
    await signIn(page, '/admin', 'admin', 'admin-demo', '[data-testid=device-table]');
    const form = page.locator('[data-testid=add-device]');
    await form.getByLabel('设备编号').fill('dl8-cam-13');
    await form.getByLabel('类型').selectOption('camera');
    await form.getByLabel('位置').selectOption('lane-1');
    await form.getByLabel('名称（中文）').fill('1号巷道北端摄像机');
    await form.getByLabel('名称（英文）').fill('Lane 1 north camera');
    await form.locator('button[type=submit]').click();
    const secretBox = page.locator('[data-testid=secret]');
    await secretBox.waitFor({ timeout: UI_DEADLINE_MS });
    const secret = (await secretBox.textContent())!.trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const row = page.locator('tr[data-device="dl8-cam-13"]');
    await row.waitFor({ timeout: UI_DEADLINE_MS });
    expect(await row.getAttribute('data-status')).toBe('unknown');
    const camera = await connect('dl8-cam-13', secret);
    await page.locator('tr[data-device="dl8-cam-13"][data-status="online"]').waitFor({ timeout: UI_DEADLINE_MS });
    expect(await row.locator('[data-testid=device-status]').textContent()).toContain('在线');
    // The cameras, the new one among them, for the README.
    await page.locator('[data-testid=device-filter]').fill('cam');
    await page.locator('tr[data-device="dl8-cam-01"]').waitFor({ timeout: UI_DEADLINE_MS });
    await shots.take(page, 'admin-devices').then((png) => expect(pngSize(png)).toEqual({ width: 1600, height: 1000 }));

    await page.locator('[data-testid=device-filter]').fill('');
    await row.getByRole('button', { name: '更换密钥' }).click();
    await page.locator('[data-testid=secret]', { hasNotText: secret }).waitFor({ timeout: UI_DEADLINE_MS });
    const rotated = (await page.locator('[data-testid=secret]').textContent())!.trim();
    await closed(camera);
    await expect(connect('dl8-cam-13', secret)).rejects.toThrow(/Bad username or password|Not authorized/i);
    const again = await connect('dl8-cam-13', rotated);

    await row.getByRole('button', { name: '吊销' }).click();
    const revokedAt = Date.now();
    await row.getByRole('button', { name: '确认吊销' }).click();
    await closed(again);
    expect(Date.now() - revokedAt).toBeLessThan(2000);
    await page.locator('tr[data-device="dl8-cam-13"][data-state="revoked"]').waitFor({ timeout: UI_DEADLINE_MS });
    await expect(connect('dl8-cam-13', rotated)).rejects.toThrow(/Bad username or password|Not authorized/i);

    await page.locator('[data-testid=admin-tab-audit]').click();
    const filters = page.locator('[data-testid=audit-filters]');
    await filters.getByLabel('对象编号').fill('dl8-cam-13');
    await filters.locator('button[type=submit]').click();
    const auditRows = page.locator('[data-testid=audit-table] tr[data-audit-item="device:dl8-cam-13"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=audit-table] tr[data-audit-item="device:dl8-cam-13"]').length === 3, undefined, { timeout: UI_DEADLINE_MS });
    expect(await auditRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-op')))).toEqual(['update', 'update', 'create']);
    expect(await auditRows.first().locator('td').nth(1).textContent()).toBe('admin');
    const text = (await page.locator('[data-testid=audit-table]').textContent()) ?? '';
    expect(text).toContain('[redacted]');
    for (const s of [secret, rotated]) expect(text).not.toContain(s);
    await shots.take(page, 'admin-audit');

    // English too: the tabs and the table follow the language switch.
    await page.locator('.topbar .lang-switch').click();
    await page.locator('[data-testid=admin-tab-devices]', { hasText: 'Devices' }).waitFor({ timeout: UI_DEADLINE_MS });
    expect(errors).toEqual([]);
  });

  it('edits a shift: the new handover is saved, shown in the week and dispatched by at once; a swap too', async () => {
    const page = await adminPage();
    const errors = collectPageErrors(page);
    await signIn(page, '/admin#/roster', 'admin', 'admin-demo', 'form[data-schedule="day-night"]');
    const now = clock.now();
    expect(stack.alerting.planner.shiftAt(now, 'day-night').startsAt).toBe(Date.UTC(2026, 11, 7, 0, 0)); // 08:00 Shanghai
    await page.locator('tr[data-shift="day-night 2026-12-07 08:00"]').waitFor({ timeout: UI_DEADLINE_MS });

    const form = page.locator('form[data-schedule="day-night"]');
    await form.getByLabel('交接班时间').fill('07:00');
    await form.locator('button[type=submit]').click();
    await page.locator('[data-testid=roster-result]', { hasText: '已保存' }).waitFor({ timeout: UI_DEADLINE_MS });
    // The week now shows the shift from 07:00, and alerting dispatches by it: no restart.
    await page.locator('tr[data-shift="day-night 2026-12-07 07:00"]').waitFor({ timeout: UI_DEADLINE_MS });
    expect(stack.alerting.planner.shiftAt(now, 'day-night').startsAt).toBe(Date.UTC(2026, 11, 6, 23, 0));
    expect(stack.booted.config.store.audit({ kind: 'roster', limit: 1 })[0]).toMatchObject({ actor: 'admin', op: 'update' });

    // Swap this shift of the 24-hour rota: one guard stays home, a guard of another crew works it.
    const shiftRow = page.locator('tr[data-shift^="rota-24h 2026-12-07 08:00"]');
    await shiftRow.waitFor({ timeout: UI_DEADLINE_MS });
    const onDuty = stack.alerting.planner.onDuty(now, 'security').map((m) => m.id);
    const swap = page.locator('form', { has: page.locator('select[name=off]') });
    await swap.locator('select[name=shift]').selectOption('rota-24h 2026-12-07 08:00');
    await swap.locator('select[name=off]').selectOption(onDuty[0]!);
    const standIn = await swap.locator('select[name=on] option:not([value=""])').first().getAttribute('value');
    await swap.locator('select[name=on]').selectOption(standIn!);
    await swap.locator('button[type=submit]').click();
    await page.locator('[data-testid=roster-result]', { hasText: '已保存' }).waitFor({ timeout: UI_DEADLINE_MS });
    await page.locator('tr[data-shift="rota-24h 2026-12-07 08:00"] .chip--in').waitFor({ timeout: UI_DEADLINE_MS });
    expect(stack.alerting.planner.onDuty(now, 'security').map((m) => m.id)).toEqual([...onDuty.slice(1), standIn]);
    await shots.take(page, 'admin-roster');

    await page.locator('[data-testid=admin-tab-people]').click();
    await page.locator('tr[data-person="chen-gang"]').waitFor({ timeout: UI_DEADLINE_MS });
    await shots.take(page, 'admin-people');
    expect(errors).toEqual([]);
  });

  it('fits a 1366×768 screen in both languages: no sideways scrolling', async () => {
    const c = await browser.desk(baseUrl, { viewport: { width: 1366, height: 768 } });
    contexts.push(c);
    const page = await c.newPage();
    await signIn(page, '/admin', 'admin', 'admin-demo', '[data-testid=device-table]');
    const ready: Record<string, string> = {
      devices: '[data-testid=device-table]',
      audit: '[data-testid=audit-table]',
      people: 'tr[data-person="chen-gang"]',
      roster: 'form[data-schedule="day-night"]',
      rules: 'textarea[name=sla]',
      places: 'tr[data-place="b1-u1"]',
    };
    for (const tab of Object.keys(ready)) {
      await page.locator(`[data-testid=admin-tab-${tab}]`).click();
      await page.locator(ready[tab]!).waitFor({ timeout: UI_DEADLINE_MS });
      for (let i = 0; i < 2; i++) {
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), `${tab}, language ${i}`).toBeLessThanOrEqual(0);
        await page.locator('.topbar .lang-switch').click();
      }
    }
  });

  it('tells a desk operator the page is not theirs', async () => {
    const page = await adminPage();
    await signIn(page, '/admin', 'desk', 'desk-demo', '.forbidden');
    expect(await page.locator('.forbidden').textContent()).toContain('管理页面仅限系统管理员使用');
  });
});
