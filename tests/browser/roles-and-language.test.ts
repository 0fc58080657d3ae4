import type { BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailability, TestBrowser } from './support/chromium.ts';
import { DeskStack } from './support/desk-stack.ts';
import { signIn, UI_DEADLINE_MS } from './support/pages.ts';

/** Who sees what, in which language, and what a person is told when something goes wrong. */
const availability = chromiumAvailability();
if (!availability.run) console.warn(`browser tests skipped: ${availability.reason}`);

describe.skipIf(!availability.run)(`roles, language and errors in Chromium${availability.run ? '' : ` (skipped: ${availability.reason})`}`, () => {
  let stack: DeskStack;
  let browser: TestBrowser;
  const contexts: BrowserContext[] = [];
  const desk = async () => {
    const c = await browser.desk(stack.baseUrl);
    contexts.push(c);
    return c.newPage();
  };
  const phone = async () => {
    const c = await browser.phone(stack.baseUrl);
    contexts.push(c);
    return c.newPage();
  };

  beforeAll(async () => {
    stack = await DeskStack.start();
    browser = await TestBrowser.launch({ clock: stack.clock });
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('says a wrong password in words, and signs in with the right one', async () => {
    const page = await desk();
    await page.goto('/');
    await page.getByLabel('登录名').fill('desk');
    await page.getByLabel('密码').fill('not-the-password');
    await page.locator('form button[type=submit]').click();
    const error = page.locator('form [role=alert]');
    await error.waitFor({ timeout: UI_DEADLINE_MS });
    expect(await error.textContent()).toBe('登录名或密码错误。');
    await page.getByLabel('密码').fill('desk-demo');
    await page.locator('form button[type=submit]').click();
    await page.locator('.board-table').waitFor({ timeout: UI_DEADLINE_MS });
  });

  it('switches the language and remembers the choice', async () => {
    const page = await desk();
    await signIn(page, '/', 'desk', 'desk-demo', '.board-table');
    const boardTab = page.locator('.topbar__nav a').first();
    expect(await boardTab.textContent()).toBe('工单看板');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');

    await page.locator('.topbar .lang-switch').click();
    await page.locator('.topbar__nav a', { hasText: 'Board' }).waitFor({ timeout: UI_DEADLINE_MS });
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('#board-title').textContent()).toBe('Open tickets');

    await page.reload();
    await page.locator('.topbar__nav a', { hasText: 'Board' }).waitFor({ timeout: UI_DEADLINE_MS });
    await page.locator('.topbar .lang-switch').click();
    await page.locator('.topbar__nav a', { hasText: '工单看板' }).waitFor({ timeout: UI_DEADLINE_MS });
  });

  it("does not let a staff user open the manager's views, on the page or through the API", async () => {
    const page = await phone();
    await signIn(page, '/m', 'plumber', 'plumber-demo', '.phone__list');
    for (const view of ['/#/reports', '/#/shift']) {
      await page.goto(view);
      const refusal = page.locator('.forbidden[role=alert]');
      await refusal.waitFor({ timeout: UI_DEADLINE_MS });
      expect(await refusal.textContent()).toContain('值班台仅供值班员和物业经理使用');
      expect(await page.locator('.sla-table, .duty-table, .board-table').count()).toBe(0);
      expect(await refusal.locator('a[href="/m"]').count()).toBe(1);
    }
    for (const path of ['/api/reports/sla', '/api/shift']) {
      const res = await page.request.get(path);
      expect(res.status(), path).toBe(403);
      expect((await res.json()).code).toBe('OC_API_FORBIDDEN');
    }
  });

  it("shows the operator the shift but not the manager's report; the manager sees it", async () => {
    const operator = await desk();
    await signIn(operator, '/#/shift', 'desk', 'desk-demo', '.duty-table');
    expect(await operator.locator('.topbar__nav a[href="#/reports"]').count()).toBe(0);
    await operator.goto('/#/reports');
    await operator.locator('.forbidden[role=alert]', { hasText: '此页面仅物业经理可查看' }).waitFor({ timeout: UI_DEADLINE_MS });
    expect((await operator.request.get('/api/reports/sla')).status()).toBe(403);
    // The phone page is the staff's: the operator is told where their work is.
    await operator.goto('/m');
    await operator.locator('.forbidden[role=alert]', { hasText: '此页面显示维修人员的派单' }).waitFor({ timeout: UI_DEADLINE_MS });

    const manager = await desk();
    await signIn(manager, '/#/reports', 'manager', 'manager-demo', '.reports .sla-table');
    expect(await manager.locator('.topbar__nav a[href="#/reports"]').count()).toBe(1);
    expect(await manager.locator('.reports .sla-table').count()).toBeGreaterThan(0);
  });

  it('tells the operator when the API does not answer, instead of hanging', async () => {
    const page = await desk();
    await signIn(page, '/', 'desk', 'desk-demo', '.board-table');
    // The shift figures never come back: held, not answered.
    await page.route('**/api/shift', () => undefined);
    await page.goto('/#/shift');
    const banner = page.locator('.error-banner[role=alert]', { hasText: '服务器未及时响应' });
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.locator('button').textContent()).toBe('重试');
    await page.unroute('**/api/shift');
    await banner.locator('button').click();
    await page.locator('.duty-table').waitFor({ timeout: UI_DEADLINE_MS });
  });
});
