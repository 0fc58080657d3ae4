import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailability, TestBrowser } from './support/chromium.ts';
import { DeskStack } from './support/desk-stack.ts';
import { collectPageErrors, Screenshots, signIn, UI_DEADLINE_MS } from './support/pages.ts';
import { multipartBody, pngWithText } from '../support/multipart-body.ts';

/**
 * Issue 16 in Chromium: an operator logs a phone call from the board (place found by typing,
 * or clicked on the site plan) and dispatches the ticket; a resident on a 390-px phone opens a
 * place's report page, sends a report with a photo, follows the tracking link and rates the
 * resolved ticket 1, which reopens it; three residents and the drain sensor at M3 show on the
 * board as one ticket of 4 reports; the manager reads counts and satisfaction.
 */
const availability = chromiumAvailability();
if (!availability.run) console.warn(`browser tests skipped: ${availability.reason}`);

describe.skipIf(!availability.run)(`people's reports in Chromium${availability.run ? '' : ` (skipped: ${availability.reason})`}`, () => {
  let stack: DeskStack;
  let browser: TestBrowser;
  let deskContext: BrowserContext;
  let desk: Page;
  let phoneContext: BrowserContext;
  let phone: Page;
  let deskErrors: string[];
  let phoneErrors: string[];
  const shots = new Screenshots();

  beforeAll(async () => {
    stack = await DeskStack.start();
    browser = await TestBrowser.launch({ clock: stack.clock });
    deskContext = await browser.desk(stack.baseUrl);
    desk = await deskContext.newPage();
    deskErrors = collectPageErrors(desk);
    phoneContext = await browser.phone(stack.baseUrl);
    phone = await phoneContext.newPage();
    phoneErrors = collectPageErrors(phone);
  });

  afterAll(async () => {
    await phoneContext?.close();
    await deskContext?.close();
    await browser?.close();
    await stack?.close();
  });

  it('an operator logs a call from the board by searching the place and dispatches it', async () => {
    await signIn(desk, '/', 'desk', 'desk-demo', '.live');
    const started = Date.now();
    await desk.locator('[data-testid=log-call]').click();
    await desk.locator('#call-place').fill('M3号');
    await desk.locator('.call-matches button[data-place=m3]').click();
    await desk.locator('[data-testid=call-picked][data-place=m3]').waitFor({ timeout: UI_DEADLINE_MS });
    await desk.locator('#call-category').selectOption('safety');
    await desk.locator('#call-description').fill('井盖松动，有人差点踩空');
    await desk.locator('#call-caller').fill('王女士');
    await desk.locator('#call-phone').fill('13900001111');
    await desk.locator('[data-testid=call-submit]').click();
    const view = desk.locator('article.ticket');
    await view.waitFor({ timeout: UI_DEADLINE_MS });
    expect(Date.now() - started).toBeLessThan(30_000);
    const ticket = stack.alerting.store.listTickets({ limit: 10 }).find((t) => t.alertType === 'report.call')!;
    expect(ticket).toMatchObject({ category: 'security', priority: 'P2', subject: { placeId: 'm3' } });
    // The ticket page shows the call: the words, the caller and the phone in full to call back.
    const reports = view.locator('[data-testid=people-reports]');
    await reports.waitFor({ timeout: UI_DEADLINE_MS });
    expect(await reports.locator('[data-testid=report-words]').textContent()).toBe('井盖松动，有人差点踩空');
    expect(await reports.locator('a[href="tel:13900001111"]').count()).toBe(1);
    expect(await reports.textContent()).toContain('王女士');
    await view.locator('button[data-action=acknowledge]').click();
    await view.locator('.ticket__head .state--acknowledged').waitFor({ timeout: UI_DEADLINE_MS });
    const guard = stack.alerting.planner.onDuty(stack.clock.now(), 'security').filter((s) => s.role === 'staff')[0]!;
    await view.locator('select[name=dispatch-to]').selectOption(guard.id);
    await view.locator('button[data-action=dispatch]').click();
    await view.locator('.ticket__head .state--dispatched').waitFor({ timeout: UI_DEADLINE_MS });
    expect(stack.alerting.store.getTicket(ticket.id)!.ticket.state).toBe('dispatched');
    // The board says where the ticket came from.
    await desk.goto('/#/');
    await desk.locator(`tr[data-ticket="${ticket.id}"] .row__source[data-source=call]`).waitFor({ timeout: UI_DEADLINE_MS });
    expect(await desk.locator(`tr[data-ticket="${ticket.id}"] .row__source`).textContent()).toBe('来电');
    expect(await desk.locator(`tr[data-ticket="${ticket.id}"] [data-testid=report-count]`).count()).toBe(0);
    expect(deskErrors, deskErrors.join('; ')).toEqual([]);
  });

  it('an operator picks the place of a call by clicking the site plan', async () => {
    await desk.goto('/#/');
    await desk.keyboard.press('g');
    await desk.keyboard.press('c');
    const plan = desk.locator('.log-call svg.plan');
    await plan.waitFor({ timeout: UI_DEADLINE_MS });
    // A building on the plan offers its entrances; the entrance picks the place.
    await plan.locator('a.plan__building[href="#/log-call/b2"]').click();
    await desk.locator('.call-entrances a[data-place=b2-u1]').click();
    await desk.locator('[data-testid=call-picked][data-place=b2-u1]').waitFor({ timeout: UI_DEADLINE_MS });
    // A public point is picked at once: the manhole's sensor marker stands for its manhole.
    await plan.locator('a[data-device=dl8-drain-m5]').click();
    await desk.locator('[data-testid=call-picked][data-place=m5]').waitFor({ timeout: UI_DEADLINE_MS });
    await desk.locator('#call-category').selectOption('sanitation');
    await desk.locator('#call-description').fill('井口堆满垃圾');
    await shots.take(desk, 'log-call');
    await desk.locator('[data-testid=call-submit]').click();
    await desk.locator('article.ticket').waitFor({ timeout: UI_DEADLINE_MS });
    const ticket = stack.alerting.store.listTickets({ limit: 20 }).find((t) => t.alertType === 'report.call' && t.subject.placeId === 'm5')!;
    expect(ticket).toMatchObject({ category: 'public-order', priority: 'P4' });
    expect(desk.url()).toContain(`#/ticket/${ticket.id}`);
    expect(deskErrors, deskErrors.join('; ')).toEqual([]);
  });

  it('a resident reports with a photo from a 390-px phone, follows the link and rates the fix 1, which reopens the ticket', async () => {
    await phone.goto('/r/b1-u1');
    await phone.locator('[data-testid=place-name]').waitFor({ timeout: UI_DEADLINE_MS });
    expect(await phone.locator('h1').textContent()).toContain('报修');
    await shots.take(phone, 'resident-report-page');
    await phone.locator('a.lang').click();
    expect(await phone.locator('h1').textContent()).toContain('Report a problem');
    await phone.locator('#category').selectOption('lighting');
    await phone.locator('#description').fill('Stair light out <script>alert(1)</script>');
    await phone.locator('#photos').setInputFiles({ name: 'lamp.png', mimeType: 'image/png', buffer: pngWithText('GPS 36.65,117.12') });
    await phone.locator('button[type=submit]').click();
    const link = phone.locator('[data-testid=tracking-link]');
    await link.waitFor({ timeout: UI_DEADLINE_MS });
    await link.click();
    await phone.locator('[data-testid=ticket-state][data-state=open]').waitFor({ timeout: UI_DEADLINE_MS });
    expect(await phone.locator('[data-testid=your-words]').textContent()).toBe('Stair light out <script>alert(1)</script>');
    expect(await phone.locator('img.photo').count()).toBe(1);
    const trackingUrl = phone.url();

    const ticket = stack.alerting.store.listTickets({ limit: 10 }).find((t) => t.alertType === 'report.resident')!;
    const staff = stack.alerting.planner.onDuty(stack.clock.now(), 'security').filter((s) => s.role === 'staff')[0]!;
    const command = (type: string, extra: object = {}) => stack.alerting.runtime.service.command(ticket.id, { type, actor: { kind: 'person', id: 'sun-li', role: 'operator' }, commandId: `t-${type}-0001`, ...extra } as never);
    expect(command('dispatch', { staffId: staff.id, teamId: staff.teamId }).ok).toBe(true);
    expect(command('resolve', { note: 'bulb replaced' }).ok).toBe(true);

    await phone.goto(trackingUrl);
    await phone.locator('[data-testid=ticket-state][data-state=resolved]').waitFor({ timeout: UI_DEADLINE_MS });
    await phone.locator('input[name=stars][value="1"]').check();
    await phone.locator('#comment').fill('still dark');
    await phone.locator('button[type=submit]').click();
    await phone.locator('[data-testid=notice]').waitFor({ timeout: UI_DEADLINE_MS });
    expect(await phone.locator('[data-testid=ticket-state]').getAttribute('data-state')).toBe('open');
    const stored = stack.alerting.store.getTicket(ticket.id)!;
    expect(stored.ticket.state).toBe('open');
    expect(stored.timeline.at(-1)).toMatchObject({ action: 'reopened', note: 'still dark' });
    const width = await phone.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    expect(phoneErrors).toEqual([]);
  });

  it('prints a QR sheet with one labelled code per entrance of a building', async () => {
    await desk.goto('/api/qr-sheets/b1');
    const codes = desk.locator('.code');
    await codes.first().waitFor({ timeout: UI_DEADLINE_MS });
    const building = stack.site.communities[0]!.compounds[0]!.buildings.find((b) => b.id === 'b1')!;
    expect(await codes.count()).toBe(building.entrances.length);
    expect(await codes.first().locator('svg').count()).toBe(1);
    expect(await codes.first().textContent()).toContain(building.entrances[0]!.name.zh);
    await shots.take(desk, 'qr-sheet');
  });

  it('three residents and then the drain sensor at M3 show as one ticket of 4 reports on the board', async () => {
    const report = async (n: number) => {
      const { payload, headers } = multipartBody({ category: 'drainage', description: `井盖冒水 ${n}` });
      const res = await fetch(`${stack.baseUrl}/report/m3`, { method: 'POST', headers: { ...headers, origin: stack.baseUrl }, body: new Uint8Array(payload) });
      expect(res.status).toBe(201);
    };
    for (const n of [1, 2, 3]) await report(n);
    const ticket = stack.alerting.store.listTickets({ limit: 20 }).find((t) => t.alertType === 'report.resident' && t.subject.placeId === 'm3')!;
    const sensor = await stack.gw.connect('dl8-drain-m3');
    const joined = stack.ticket((t) => t.id === ticket.id && t.reports?.count === 4);
    const envelope = { v: 1, id: 'dl8-drain-m3-browser-0', deviceId: 'dl8-drain-m3', kind: 'drain', type: 'drain.level', ts: new Date(stack.clock.now()).toISOString(), seq: 0, data: { levelMm: 1600, distanceMm: 0, overflow: true } };
    await sensor.publishAsync('oc/v1/dl8-drain-m3/telemetry', JSON.stringify(envelope), { qos: 1 });
    await joined;
    await desk.goto('/#/');
    const row = desk.locator(`tr[data-ticket="${ticket.id}"]`);
    await row.locator('[data-testid=report-count][data-count="4"]').waitFor({ timeout: UI_DEADLINE_MS });
    expect(await row.locator('[data-testid=report-count]').textContent()).toContain('4 份报告');
    expect(await row.locator('.row__source').textContent()).toBe('住户扫码 + 传感器');
    expect(stack.alerting.store.listTickets({ limit: 50 }).filter((t) => t.subject.placeId === 'm3' && t.category === 'drainage')).toHaveLength(1);
    await shots.take(desk, 'board-4-reports');
    // Its page lists the three residents' reports under "4 reports".
    await row.locator('a.row-link').click();
    const reports = desk.locator('[data-testid=people-reports]');
    await reports.locator('.people-report').nth(2).waitFor({ timeout: UI_DEADLINE_MS });
    expect(await reports.locator('h2').textContent()).toContain('4 份报告');
    expect(await reports.locator('.people-report').count()).toBe(3);
    // The timeline says the sensor's alert came in as another report.
    expect(await desk.locator('.timeline__item[data-action=commented]').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('新增报告（传感器）')]));
    sensor.end(true);
  });

  it("the manager's view counts people's reports and satisfaction by category and place", async () => {
    const context = await browser.desk(stack.baseUrl);
    const manager = await context.newPage();
    const errors = collectPageErrors(manager);
    await signIn(manager, '/#/people', 'manager', 'manager-demo', '[data-testid=people-category]');
    const byCategory = manager.locator('[data-testid=people-category]');
    // Three residents at M3; the lighting report rated 1 star earlier in this file.
    expect(await byCategory.locator('tr[data-key=drainage] td').first().textContent()).toBe('3');
    expect(await byCategory.locator('tr[data-key=lighting] [data-testid=mean-stars]').textContent()).toBe('1.0 ★');
    const m3 = manager.locator('[data-testid=people-place] tr[data-key=m3]');
    expect(await m3.locator('th').textContent()).toContain('M3');
    // Two calls at M3 and M5, then four residents: the sources split them.
    expect(await manager.locator('[data-testid=people-source] tr[data-key=call] td').first().textContent()).toBe('2');
    // The desk's operators have no such tab.
    expect(await desk.locator('a.tab[href="#/people"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
