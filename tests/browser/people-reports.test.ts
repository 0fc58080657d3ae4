import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailability, TestBrowser } from './support/chromium.ts';
import { DeskStack } from './support/desk-stack.ts';
import { collectPageErrors, Screenshots, signIn, UI_DEADLINE_MS } from './support/pages.ts';
import { pngWithText } from '../support/multipart-body.ts';

/**
 * Issue 16 in Chromium: an operator logs a phone call and dispatches the ticket; a resident on
 * a 390-px phone opens a place's report page, sends a report with a photo, follows the tracking
 * link and rates the resolved ticket 1, which reopens it.
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

  it('an operator logs a call and dispatches it', async () => {
    await signIn(desk, '/', 'desk', 'desk-demo', '.live');
    const started = Date.now();
    await desk.locator('[data-testid=log-call]').click();
    await desk.locator('#place').fill('M3号');
    const label = await desk.locator('#places option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value).find((v) => v.includes('M3号')));
    await desk.locator('#place').fill(label!);
    await desk.locator('#category').selectOption('safety');
    await desk.locator('#description').fill('井盖松动，有人差点踩空');
    await desk.locator('#callerName').fill('王女士');
    await desk.locator('#callerPhone').fill('13900001111');
    await desk.locator('form button[type=submit]').click();
    const view = desk.locator('article.ticket');
    await view.waitFor({ timeout: UI_DEADLINE_MS });
    expect(Date.now() - started).toBeLessThan(30_000);
    const ticket = stack.alerting.store.listTickets({ limit: 10 }).find((t) => t.alertType === 'report.call')!;
    expect(ticket).toMatchObject({ category: 'security', priority: 'P2', subject: { placeId: 'm3' } });
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
    expect(deskErrors, deskErrors.join("; ")).toEqual([]);
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
});
