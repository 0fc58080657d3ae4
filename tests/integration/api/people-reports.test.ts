import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { AlertingHarness } from '../../support/alerting-harness.ts';
import { ApiUser } from '../../support/api-user.ts';
import { jpegWithGps, multipartBody, pngWithText } from '../../support/multipart-body.ts';

let h: AlertingHarness;
let clock: ManualClock;
let desk: ApiUser;

beforeEach(async () => {
  clock = new ManualClock(Date.now());
  h = await AlertingHarness.start(clock);
  desk = await ApiUser.signIn(h.api.app, 'desk');
});
afterEach(async () => h.close());

const report = (placeId: string, fields: Record<string, string>, files: Parameters<typeof multipartBody>[1] = [], lang = 'zh', ip = '10.0.0.1') => {
  const body = multipartBody(fields, files);
  return h.api.app.inject({ method: 'POST', url: `/report/${placeId}?lang=${lang}`, remoteAddress: ip, ...body });
};
const trackingPathOf = (html: string) => /data-testid="tracking-link" href="([^"?]+)/.exec(html)?.[1];
const photoDir = () => join(h.dir, 'report-photos');

describe('desk-logged calls', () => {
  it('opens a ticket with the catalogue priority and team, once per action id, for desk roles only', async () => {
    const body = { actionId: 'call-0001-b1u1', placeId: 'b1-u1', category: 'door-access', description: '单元门锁坏了', callerName: '王女士', callerPhone: '13900001111' };
    const first = await desk.post('/api/tickets', body);
    expect(first.statusCode).toBe(201);
    const again = await desk.post('/api/tickets', body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().ticket.id).toBe(first.json().ticket.id);
    const t = first.json().ticket;
    expect(t).toMatchObject({ alertType: 'report.call', category: 'access-control', priority: 'P3', teamId: 'access-control', state: 'open', subject: { placeId: 'b1-u1', buildingId: 'b1' } });
    expect(h.alerting.store.listTickets({ limit: 50 })).toHaveLength(1);
    // The phone is not in the ticket nor its timeline; the desk reads it on the report.
    const full = (await desk.get(`/api/tickets/${t.id}`)).body;
    expect(full).not.toContain('13900001111');
    const reports = (await desk.get(`/api/tickets/${t.id}/reports`)).json();
    expect(reports).toMatchObject({ source: 'call', reportCount: 1, reports: [{ phone: '13900001111', callerName: '王女士' }] });
    // Dispatch as any ticket.
    expect((await desk.act(t.id, 'dispatch', {})).json().ticket.state).toBe('dispatched');
    const plumber = await ApiUser.signIn(h.api.app, 'plumber');
    expect((await plumber.post('/api/tickets', { ...body, actionId: 'call-0002-staff' })).statusCode).toBe(403);
  });

  it('refuses an unknown place and a category outside the catalogue', async () => {
    const unknown = await desk.post('/api/tickets', { actionId: 'call-0003-xx', placeId: 'b99-u9', category: 'lift', description: 'stuck' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('OC_REPORT_UNKNOWN_PLACE');
    const bad = await desk.post('/api/tickets', { actionId: 'call-0004-xx', placeId: 'b1-u1', category: 'ghosts', description: 'boo' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('body.category');
    expect(h.alerting.store.listTickets({ limit: 50 })).toHaveLength(0);
  });

  it('takes a call from the plain form once, however often the same form is sent', async () => {
    const form = await desk.get('/desk/log-call');
    expect(form.statusCode).toBe(200);
    const actionId = /name="actionId" value="([^"]+)"/.exec(form.body)![1]!;
    const send = (fields: Record<string, string>) => h.api.app.inject({ method: 'POST', url: '/desk/log-call', headers: { cookie: desk.cookie, ...multipartBody(fields).headers }, payload: multipartBody(fields).payload });
    const fields = { actionId, place: '3号检查井 / Manhole 3 (m3)', category: 'drainage', description: '井盖冒水', callerName: '李先生', callerPhone: '13900002222' };
    const first = await send(fields);
    expect(first.statusCode).toBe(303);
    const again = await send(fields);
    expect(again.headers.location).toBe(first.headers.location);
    expect(h.alerting.store.listTickets({ limit: 50 })).toHaveLength(1);
    expect(String(first.headers.location)).toContain(h.alerting.store.listTickets({ limit: 5 })[0]!.id);
    // The same form with other words is refused, and opens nothing.
    const edited = await send({ ...fields, description: '又冒水了' });
    expect(edited.statusCode).toBe(409);
    expect(edited.body).toContain('This form was already sent');
    const unknown = await send({ ...fields, actionId: 'another-form-0001', place: 'nowhere' });
    expect(unknown.statusCode).toBe(404);
    expect(h.alerting.store.listTickets({ limit: 50 })).toHaveLength(1);
    expect((await desk.get(`/api/tickets/${h.alerting.store.listTickets({ limit: 5 })[0]!.id}/reports`)).json().reportCount).toBe(1);
  });

  it('finds places in Chinese and in English', async () => {
    const zh = (await desk.get(`/api/report-places?q=${encodeURIComponent('M3号')}`)).json().places;
    const en = (await desk.get('/api/report-places?q=manhole%20m3')).json().places;
    expect(zh.map((p: { id: string }) => p.id)).toEqual(['m3']);
    expect(en.map((p: { id: string }) => p.id)).toEqual(['m3']);
  });
});

describe('the OpenAPI document', () => {
  it('describes the call, catalogue, places, reports, QR sheet and the public report routes', async () => {
    const doc = (await h.api.app.inject({ url: '/api/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/report-catalogue', '/api/report-places', '/api/tickets/{id}/reports', '/api/report-photos/{photoId}', '/api/qr-sheets/{buildingId}', '/api/reports/people', '/report/{placeId}', '/r/{placeId}', '/track/{token}', '/track/{token}/rating', '/desk/log-call']),
    );
    const call = doc.paths['/api/tickets'].post;
    expect(call.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['actionId', 'placeId', 'category', 'description']));
    expect(call.requestBody.content['application/json'].schema.properties.category.anyOf.map((c: { enum: string[] }) => c.enum[0])).toContain('noise-neighbour');
    expect(doc.paths['/report/{placeId}'].post.summary).toContain('multipart/form-data');
    expect(doc.paths['/track/{token}/rating'].post.summary).toContain('1–2 reopens');
  });
});

describe('resident reports', () => {
  it('serves the page in Chinese, English on request, with a strict CSP, and 404s an unknown place', async () => {
    const zh = await h.api.app.inject({ url: '/report/b1-u1' });
    expect(zh.statusCode).toBe(200);
    expect(zh.body).toContain('报修');
    expect(zh.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(zh.headers['content-security-policy']).not.toMatch(/script-src|unsafe-inline/);
    expect((await h.api.app.inject({ url: '/report/b1-u1?lang=en' })).body).toContain('Report a problem');
    const unknown = await h.api.app.inject({ url: '/report/nowhere?lang=en' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('There is no place nowhere');
    expect((await h.api.app.inject({ url: '/r/b1-u1' })).headers.location).toBe('/report/b1-u1');
  });

  it('stores a report with a photo stripped of its location, and the tracking page follows the ticket', async () => {
    const sent = await report('b1-u1', { category: 'lighting', description: '楼道灯不亮 <script>alert(1)</script>', phone: '13800002222' }, [{ name: 'photos', filename: 'a.jpg', type: 'image/jpeg', bytes: jpegWithGps() }]);
    expect(sent.statusCode).toBe(201);
    const path = trackingPathOf(sent.body)!;
    const files = readdirSync(photoDir());
    expect(files).toHaveLength(1);
    const stored = readFileSync(join(photoDir(), files[0]!));
    expect(stored.toString('latin1')).not.toContain('GPSLatitude');
    expect(stored.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const page = await h.api.app.inject({ url: path });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>');
    expect(page.body).not.toContain('13800002222');
    const photo = await h.api.app.inject({ url: `${path}/photos/${files[0]}` });
    expect(photo.headers['content-type']).toBe('image/jpeg');
    // The photo is not reachable without the tracking link or a desk session.
    expect((await h.api.app.inject({ url: `/api/report-photos/${files[0]}` })).statusCode).toBe(401);
    expect((await desk.get(`/api/report-photos/${files[0]}`)).statusCode).toBe(200);
    expect((await h.api.app.inject({ url: '/track/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).statusCode).toBe(404);
  });

  it('strips a PNG text chunk and accepts it; refuses a non-image, too many photos, empty text and a bad category, storing nothing', async () => {
    const ok = await report('b1-u2', { category: 'sanitation', description: 'rubbish' }, [{ name: 'photos', filename: 'p.png', type: 'image/png', bytes: pngWithText('GPS 36.65,117.12') }]);
    expect(ok.statusCode).toBe(201);
    expect(readFileSync(join(photoDir(), readdirSync(photoDir())[0]!)).toString('latin1')).not.toContain('GPS');
    const before = h.alerting.store.listTickets({ limit: 50 }).length;
    const html = await report('b1-u1', { category: 'lift', description: 'x' }, [{ name: 'photos', filename: 'x.jpg', type: 'image/jpeg', bytes: Buffer.from('<html>not a photo</html>') }], 'en');
    expect(html.statusCode).toBe(415);
    expect(html.body).toContain('Photos must be JPEG, PNG or WebP images.');
    const four = Array.from({ length: 4 }, (_, i) => ({ name: 'photos', filename: `${i}.jpg`, type: 'image/jpeg', bytes: jpegWithGps() }));
    const many = await report('b1-u1', { category: 'lift', description: 'x' }, four);
    expect(many.statusCode).toBe(413);
    expect(many.body).toContain('照片太大或太多');
    const huge = Buffer.concat([jpegWithGps(), Buffer.alloc(6 * 1024 * 1024)]);
    const oversized = await report('b1-u1', { category: 'lift', description: 'x' }, [{ name: 'photos', filename: 'big.jpg', type: 'image/jpeg', bytes: huge }], 'en');
    expect(oversized.statusCode).toBe(413);
    expect(oversized.body).toContain('Photos too large or too many');
    const empty = await report('b1-u1', { category: 'lift', description: '   ' }, [], 'en');
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Choose what is wrong and write a few words.');
    const badCategory = await report('b1-u1', { category: 'ghosts', description: 'boo' });
    expect(badCategory.statusCode).toBe(400);
    const unknown = await report('b99', { category: 'lift', description: 'x' });
    expect(unknown.statusCode).toBe(404);
    expect(h.alerting.store.listTickets({ limit: 50 })).toHaveLength(before);
    expect(readdirSync(photoDir())).toHaveLength(1);
  });

  it('answers a flood from one IP with 429 in the reader language', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 12; i++) answers.push((await report('b1-u3', { category: 'other', description: `flood ${i}` }, [], 'en', '10.9.9.9')).statusCode);
    expect(answers.filter((s) => s === 429).length).toBeGreaterThan(0);
    const last = await report('b1-u3', { category: 'other', description: 'again' }, [], 'en', '10.9.9.9');
    expect(last.statusCode).toBe(429);
    expect(last.body).toContain('Too many reports');
    // Another IP is not held back.
    expect((await report('b1-u3', { category: 'other', description: 'neighbour' }, [], 'en', '10.1.1.1')).statusCode).toBe(201);
  });

  it('merges three residents and the drain sensor at manhole M3 into one ticket of 4 reports; a rating of 1 reopens it', async () => {
    const opened = h.ticketWhere((t) => t.alertType === 'drain.level-critical');
    // An overflowing manhole is critical at once (no waiting for the level to hold).
    await h.event('dl8-drain-m3', 'drain.level', { levelMm: 1600, distanceMm: 0, overflow: true }, 'telemetry');
    const sensorTicket = await opened;
    const paths: string[] = [];
    for (const [i, ip] of ['10.0.1.1', '10.0.1.2', '10.0.1.3'].entries()) {
      const sent = await report('m3', { category: 'drainage', description: `井盖冒水 ${i}` }, [], 'zh', ip);
      expect(sent.statusCode).toBe(201);
      expect(sent.body).toContain('已并入');
      paths.push(trackingPathOf(sent.body)!);
    }
    expect(h.alerting.store.listTickets({ limit: 50 }).map((t) => t.id)).toEqual([sensorTicket.id]);
    expect((await desk.get(`/api/tickets/${sensorTicket.id}/reports`)).json()).toMatchObject({ source: 'sensor', reportCount: 4 });
    // The board's list carries the tally: 4 reports, from the sensor and residents.
    const listed = (await desk.get('/api/tickets')).json().tickets.find((t: { id: string }) => t.id === sensorTicket.id);
    expect(listed.reports).toEqual({ count: 4, sources: ['sensor', 'resident'] });
    for (const p of paths) expect((await h.api.app.inject({ url: p })).body).toContain('共 4 份报告');

    const tooEarly = await h.api.app.inject({ method: 'POST', url: `${paths[0]}/rating?lang=en`, ...multipartBody({ stars: '1' }) });
    expect(tooEarly.statusCode).toBe(409);
    await desk.act(sensorTicket.id, 'dispatch', { staffId: 'kong-deming', teamId: 'plumbing' });
    await desk.act(sensorTicket.id, 'resolve', { note: 'cleared the grease' });
    expect((await h.api.app.inject({ url: paths[0]! })).body).toContain('已处理完毕');
    const rated = await h.api.app.inject({ method: 'POST', url: `${paths[0]}/rating?lang=en`, ...multipartBody({ stars: '1', comment: 'still overflowing' }) });
    expect(rated.statusCode).toBe(200);
    expect(rated.body).toContain('ticket is reopened');
    const after = (await desk.get(`/api/tickets/${sensorTicket.id}`)).json();
    expect(after.ticket.state).toBe('open');
    expect(after.timeline.at(-1)).toMatchObject({ action: 'reopened', note: 'still overflowing' });
    const again = await h.api.app.inject({ method: 'POST', url: `${paths[0]}/rating`, ...multipartBody({ stars: '5' }) });
    expect(again.statusCode).toBe(409);
    const manager = await ApiUser.signIn(h.api.app, 'manager');
    expect((await manager.get('/api/reports/people')).json().byCategory.drainage).toMatchObject({ reports: 3, rated: 1, meanStars: 1, lowRatings: 1 });
  });

  it('deletes phone and photos 180 days after the ticket is closed or cancelled, and not before', async () => {
    const sent = await report('b1-u4', { category: 'lift', description: '电梯异响', phone: '13700003333' }, [{ name: 'photos', filename: 'a.jpg', type: 'image/jpeg', bytes: jpegWithGps() }]);
    const ticket = h.alerting.store.listTickets({ limit: 5 })[0]!;
    expect((await desk.act(ticket.id, 'cancel', { note: 'the lift company came by itself' })).json().ticket.state).toBe('cancelled');
    const intake = h.api.reports;
    clock.advance(179 * 24 * 3600_000);
    expect(await intake!.sweep()).toBe(0);
    expect(readdirSync(photoDir())).toHaveLength(1);
    clock.advance(2 * 24 * 3600_000);
    expect(await intake!.sweep()).toBe(1);
    expect(readdirSync(photoDir())).toHaveLength(0);
    // 181 days on, the desk signs in again.
    const r = (await (await ApiUser.signIn(h.api.app, 'desk')).get(`/api/tickets/${ticket.id}/reports`)).json().reports[0];
    expect(r.phone).toBeUndefined();
    expect(r.category).toBe('lift');
    expect((await h.api.app.inject({ url: trackingPathOf(sent.body)! })).statusCode).toBe(200);
  });
});
