import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiUser } from '../support/api-user.ts';
import { chromiumAvailability, TestBrowser } from './support/chromium.ts';
import { DeskStack } from './support/desk-stack.ts';
import { collectPageErrors, signIn, UI_DEADLINE_MS } from './support/pages.ts';
import { EVENING_SCENE } from './support/scene.ts';

/**
 * Layout checks at the two sizes people use: a 1366×768 laptop at the duty desk and a
 * 390-px phone. Every view fits its width (nothing scrolls sideways), its key parts are on
 * screen, and the site plan's labels do not overlap; in Chinese and in English, whose
 * words are longer.
 */
const DOOR = 'dl8-b3-u2-door';
const availability = chromiumAvailability();
if (!availability.run) console.warn(`browser tests skipped: ${availability.reason}`);

/** The page's horizontal overflow in CSS pixels (0: it fits). A string, so the Node-side type check needs no DOM. */
const overflowX = (page: Page): Promise<number> => page.evaluate('document.scrollingElement.scrollWidth - window.innerWidth') as Promise<number>;

async function expectFits(page: Page, what: string): Promise<void> {
  expect(await overflowX(page), `${what}: wider than the ${page.viewportSize()!.width}-px viewport`).toBeLessThanOrEqual(0);
}

/** Visible and inside the viewport's width (a part pushed off to the right is not "visible" to a person). */
async function expectOnScreen(page: Page, selector: string, what: string): Promise<void> {
  const el = page.locator(selector).first();
  await el.waitFor({ state: 'visible', timeout: UI_DEADLINE_MS });
  const box = (await el.boundingBox())!;
  expect(box.x, `${what}: starts left of the screen`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `${what}: ends right of the screen`).toBeLessThanOrEqual(page.viewportSize()!.width + 0.5);
}

/** Pairs of site-plan labels whose boxes intersect by more than a pixel each way. */
const overlappingLabels = (page: Page): Promise<string[]> =>
  page.evaluate(`(() => {
    const boxes = [...document.querySelectorAll('svg.plan .plan__label')].map((el) => ({ text: el.textContent, r: el.getBoundingClientRect() })).filter((b) => b.r.width > 0);
    const out = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].r, b = boxes[j].r;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) out.push(boxes[i].text + ' / ' + boxes[j].text);
    }
    return out;
  })()`) as Promise<string[]>;

describe.skipIf(!availability.run)(`layout at 1366×768 and 390 px in Chromium${availability.run ? '' : ` (skipped: ${availability.reason})`}`, () => {
  let stack: DeskStack;
  let browser: TestBrowser;
  const contexts: BrowserContext[] = [];
  let drainTicket: string;
  let busyGuard: string;
  let idleGuard: string;

  beforeAll(async () => {
    stack = await DeskStack.start();
    await stack.playScene(EVENING_SCENE, [DOOR]);
    browser = await TestBrowser.launch({ clock: stack.clock });
    drainTicket = (await stack.ticket((t) => t.alertType === 'drain.level-critical' && t.state === 'open')).id;
    // One guard on shift gets a forced door; another, on shift too, has nothing.
    const door = stack.door(DOOR);
    const opened = stack.ticket((t) => t.subject.deviceId === DOOR && t.alertType === 'door.forced-open');
    door.emitEvent('door.forced-open', { reason: 'opened-without-grant' });
    const forced = await opened;
    await door.close();
    const guards = stack.alerting.planner.onDuty(stack.clock.now(), 'security').filter((s) => s.role === 'staff');
    expect(guards.length, 'two guards on shift at the pinned hour').toBeGreaterThanOrEqual(2);
    const tickets = stack.alerting.store.listTickets({ limit: 500 });
    busyGuard = guards[0]!.id;
    idleGuard = guards.find((g) => g.id !== busyGuard && !tickets.some((t) => t.assignment?.kind === 'staff' && t.assignment.staffId === g.id))!.id;
    const desk = await ApiUser.signIn(stack.api.app, 'desk');
    expect((await desk.act(forced.id, 'dispatch', { staffId: busyGuard, teamId: 'security' })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await stack?.close();
  });

  const open = async (kind: 'desk' | 'phone', login: string, path: string, ready: string) => {
    const context = kind === 'desk' ? await browser.desk(stack.baseUrl, { viewport: { width: 1366, height: 768 } }) : await browser.phone(stack.baseUrl);
    contexts.push(context);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signIn(page, path, login, `${login}-demo`, ready);
    return { page, errors };
  };

  it('the desk fits a 1366×768 laptop on every view, in Chinese and English', async () => {
    const { page, errors } = await open('desk', 'desk', '/', '.board-table tbody tr');
    for (const lang of ['zh', 'en'] as const) {
      if (lang === 'en') {
        await page.locator('.topbar .lang-switch').click();
        await page.locator('.topbar__nav a', { hasText: 'Board' }).waitFor({ timeout: UI_DEADLINE_MS });
      }
      await page.goto('/#/');
      await expectOnScreen(page, '.board-table tbody tr', `${lang} board: first row`);
      await expectOnScreen(page, '.topbar__nav', `${lang} board: navigation`);
      await expectOnScreen(page, '.topbar__status', `${lang} board: live status`);
      await expectFits(page, `${lang} board`);

      await page.goto(`/#/ticket/${drainTicket}`);
      await page.locator('.chart canvas').waitFor({ timeout: UI_DEADLINE_MS });
      await expectOnScreen(page, 'button[data-action=acknowledge]', `${lang} ticket: acknowledge`);
      await expectOnScreen(page, '.timeline', `${lang} ticket: timeline`);
      await expectOnScreen(page, '.chart canvas', `${lang} ticket: level chart`);
      await expectFits(page, `${lang} ticket`);

      await page.goto('/#/site');
      await page.locator('svg.plan .plan__building').first().waitFor({ timeout: UI_DEADLINE_MS });
      await expectOnScreen(page, 'svg.plan', `${lang} site plan`);
      await expectFits(page, `${lang} site plan`);
      expect(await overlappingLabels(page), `${lang} site plan: labels overlap`).toEqual([]);

      await page.goto('/#/shift');
      await expectOnScreen(page, '.duty-table', `${lang} shift: who is on duty`);
      await expectFits(page, `${lang} shift`);

      // Log a call (issue 16): the plan to click and the whole form, submit button included, on one screen.
      await page.goto('/#/log-call/m3');
      await page.locator('.log-call svg.plan .plan__building').first().waitFor({ timeout: UI_DEADLINE_MS });
      await expectOnScreen(page, '.log-call svg.plan', `${lang} log a call: site plan`);
      await expectOnScreen(page, '[data-testid=call-picked][data-place=m3]', `${lang} log a call: the picked place`);
      await expectOnScreen(page, '[data-testid=call-submit]', `${lang} log a call: open ticket`);
      const submit = (await page.locator('[data-testid=call-submit]').boundingBox())!;
      expect(submit.y + submit.height, `${lang} log a call: open ticket below the fold`).toBeLessThanOrEqual(768);
      await expectFits(page, `${lang} log a call`);
      expect(await overlappingLabels(page), `${lang} log a call: labels overlap`).toEqual([]);
    }
    expect(errors).toEqual([]);
  });

  it('the phone page fits 390 px with a dispatch, and says where an idle guard stands, in both languages', async () => {
    const busy = await open('phone', busyGuard, '/m', 'article[data-ticket]');
    await expectOnScreen(busy.page, 'article[data-ticket] button[data-step=accept]', 'phone: the accept button');
    await expectOnScreen(busy.page, '[data-testid=my-shift][data-on-duty=true]', 'phone: my shift');
    await expectFits(busy.page, 'phone with a dispatch');

    const idle = await open('phone', idleGuard, '/m', '[data-testid=nothing-assigned]');
    const shift = idle.page.locator('[data-testid=my-shift]');
    expect(await shift.getAttribute('data-on-duty')).toBe('true');
    expect(await shift.textContent()).toMatch(/在班.*保安队.*本班 \d\d\/\d\d \d\d:\d\d – \d\d\/\d\d \d\d:\d\d.*值班长：.+138-0000-\d{4}/s);
    expect(await idle.page.locator('[data-testid=nothing-assigned]').textContent()).toContain('目前没有分派给您的工单');
    await expectOnScreen(idle.page, '[data-testid=my-shift]', 'idle phone: my shift');
    await expectFits(idle.page, 'idle phone (zh)');

    await idle.page.locator('.phone__top .lang-switch').click();
    await idle.page.locator('[data-testid=nothing-assigned]', { hasText: 'Nothing assigned to you right now' }).waitFor({ timeout: UI_DEADLINE_MS });
    expect(await shift.textContent()).toMatch(/On duty.*Security Guards.*Shift .+ – .+Shift supervisor: [A-Z]/s);
    await expectFits(idle.page, 'idle phone (en)');

    const site = await open('phone', 'desk', '/', '.board-table');
    await site.page.goto('/#/site');
    await site.page.locator('svg.plan .plan__building').first().waitFor({ timeout: UI_DEADLINE_MS });
    await expectFits(site.page, 'site plan on a phone');
    expect(await overlappingLabels(site.page), 'site plan on a phone: labels overlap').toEqual([]);
    expect([...busy.errors, ...idle.errors, ...site.errors]).toEqual([]);
  });
});
