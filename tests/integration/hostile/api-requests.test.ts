/**
 * Requests an attacker or a fuzzer sends: each gets a catalogued error ({ code, message }),
 * never a 500 and never Fastify's own error shape (issue 13, part 4).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlerting, type Alerting } from '../../../services/alerting/compose.ts';
import type { Api } from '../../../services/api/app.ts';
import { createApi } from '../../../services/api/compose.ts';
import { isStrictDateTime } from '../../../services/api/hardening/strict-date-time.ts';
import { PLATFORM_TOPICS } from '../../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { createTelemetry, type Telemetry } from '../../../services/telemetry/compose.ts';
import { WEB_DIST } from '../../../services/web/paths.ts';
import { ApiUser } from '../../support/api-user.ts';

const site = loadSite();
const devices = listDevices(site);
const drain = devices.find((d) => d.kind === 'drain')!;
const NOW = Date.UTC(2026, 5, 1, 12, 30);

let dir: string;
let log: SqliteEventLog;
let alerting: Alerting;
let telemetry: Telemetry;
let api: Api;
let base: string;
let desk: ApiUser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oc-hostile-api-'));
  log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL', logger: silentLogger(), pollIntervalMs: 50 });
  await log.ensureTopics(PLATFORM_TOPICS);
  alerting = await createAlerting({ log, devices, storePath: join(dir, 'alerting.db'), clock: new ManualClock(NOW), logger: silentLogger(), tickIntervalMs: 3_600_000, synchronous: 'NORMAL', startAt: 'end' });
  telemetry = await createTelemetry({ log, devices, config: { store: { kind: 'embedded', path: join(dir, 'timeseries.db'), retentionMs: 30 * 86_400_000 }, groupId: 'oc.telemetry-writer', startAt: 'beginning' }, logger: silentLogger() });
  api = await createApi({ alerting, site, devices, clock: new ManualClock(NOW), logger: silentLogger(), dataDir: dir, series: telemetry.series });
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
  desk = await ApiUser.signIn(api.app, 'desk');
});
afterAll(async () => {
  await api.app.close();
  await telemetry.close();
  await alerting.runtime.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

const catalogued = (status: number, code: string) => (res: { statusCode: number; json(): unknown }) => {
  expect(res.statusCode).toBe(status);
  expect(res.json()).toMatchObject({ code, message: expect.any(String) });
};

describe('the API answers hostile requests with catalogued errors', () => {
  it('a level range ending before 1970 is a 400, not a 500', async () => {
    catalogued(400, 'OC_API_INVALID_REQUEST')(await desk.get(`/api/devices/${drain.id}/level?to=1969-12-31T00:00:00Z`));
  });

  it('200 hours of uptime in 1-minute windows is a 400 naming windowMinutes, not a 500', async () => {
    const res = await desk.get('/api/series/devices/uptime?hours=200&windowMinutes=1');
    catalogued(400, 'OC_API_INVALID_REQUEST')(res);
    expect(res.json()).toMatchObject({ field: 'querystring.windowMinutes' });
    expect((await desk.get('/api/series/devices/uptime?hours=160&windowMinutes=1')).statusCode).toBe(200);
  });

  it('a UTC offset that exists nowhere (−19:13) is refused; real ones are taken', async () => {
    catalogued(400, 'OC_API_INVALID_REQUEST')(await desk.get(`/api/devices/${drain.id}/level?to=${encodeURIComponent('2026-06-01T10:00:00-19:13')}`));
    expect((await desk.get(`/api/devices/${drain.id}/level?to=${encodeURIComponent('2026-06-01T10:00:00+05:45')}`)).statusCode).toBe(200);
    expect(['2026-06-01T10:00:00+14:00', '2026-06-01T10:00:00-12:00', '2026-06-01T10:00:00.5Z'].every(isStrictDateTime)).toBe(true);
    expect(['2026-06-01T10:00:00+14:15', '2026-02-30T10:00:00Z', '2026-06-01T10:00:00+05:07', '2026-06-01 10:00:00Z'].some(isStrictDateTime)).toBe(false);
  });

  it("Fastify's own refusals (bad URL, over-long parameter) come through the catalogue", async () => {
    catalogued(400, 'OC_API_BAD_URL')(await desk.get('/api/tickets/%E0%A4%A'));
    catalogued(414, 'OC_API_URL_TOO_LONG')(await desk.get(`/api/tickets/${'x'.repeat(500)}`));
  });

  it('headers larger than Node takes are a 431 with a catalogued body, over a real socket', async () => {
    const { port } = new URL(base);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(`GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'OC_API_HEADERS_TOO_LARGE' });
  });

  it('an oversized body is a 413', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ login: 'desk', password: 'x'.repeat(2_000_000) }) });
    catalogued(413, 'OC_API_BODY_TOO_LARGE')(res);
  });

  it('a state-changing request from a foreign Origin is refused, the same origin is not', async () => {
    const body = { login: 'desk', password: 'desk-demo' };
    const foreign = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify(body) });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: 'OC_API_FOREIGN_ORIGIN', field: 'headers.origin' });
    const crossSite = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }, body: JSON.stringify(body) });
    expect(crossSite.status).toBe(403);
    const own = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify(body) });
    expect(own.status).toBe(200);
  });

  it('failing sign-ins from one address does not lock the same login out from another', async () => {
    for (let i = 0; i < 8; i++) await api.app.inject({ method: 'POST', url: '/api/session', remoteAddress: '10.9.9.9', payload: { login: 'manager', password: 'wrong' } });
    catalogued(429, 'OC_API_SIGN_IN_THROTTLED')(await api.app.inject({ method: 'POST', url: '/api/session', remoteAddress: '10.9.9.9', payload: { login: 'manager', password: 'manager-demo' } }));
    expect((await api.app.inject({ method: 'POST', url: '/api/session', remoteAddress: '10.1.1.1', payload: { login: 'manager', password: 'manager-demo' } })).statusCode).toBe(200);
  });

  it('documents a 400 on every route that takes input (schemathesis: ST103 on /api/roster/on-duty and /api/silences)', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters?: unknown[]; requestBody?: unknown; responses: Record<string, unknown> }>> };
    expect(Object.keys(doc.paths['/api/roster/on-duty']!.get!.responses)).toContain('400');
    expect(Object.keys(doc.paths['/api/silences']!.get!.responses)).toContain('400');
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if ((op.parameters?.length ?? 0) > 0 || op.requestBody) expect(Object.keys(op.responses), `${method} ${path}`).toContain('400');
      }
    }
  });

  it('a multipart form without a boundary is a 400 page, not a 500 (schemathesis: ST102 on /desk/log-call)', async () => {
    const noBoundary = { 'content-type': 'multipart/form-data' };
    const call = await api.app.inject({ method: 'POST', url: '/desk/log-call', headers: { ...noBoundary, cookie: desk.cookie }, payload: 'x' });
    expect(call.statusCode).toBe(400);
    expect(call.body).toContain('The form could not be read');
    const report = await api.app.inject({ method: 'POST', url: '/report/b1-u1?lang=en', headers: noBoundary, payload: 'x' });
    expect(report.statusCode).toBe(400);
    expect(report.headers['content-type']).toContain('text/html');
  });

  it('documents every status of the QR sheet, report photos and path-parameter routes (schemathesis: ST103)', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters?: { in: string }[]; responses: Record<string, { content?: Record<string, unknown> }> }>> };
    const qr = doc.paths['/api/qr-sheets/{buildingId}']!.get!.responses;
    expect(Object.keys(qr)).toEqual(expect.arrayContaining(['200', '404', '414']));
    expect(Object.keys(qr['200']!.content!)).toEqual(['text/html']);
    expect(Object.keys(doc.paths['/api/report-photos/{photoId}']!.get!.responses['200']!.content!)).toContain('image/jpeg');
    // A redirect has no body: no media type is listed for it.
    expect(doc.paths['/r/{placeId}']!.get!.responses['302']!.content).toBeUndefined();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (op.parameters?.some((p) => p.in === 'path')) expect(Object.keys(op.responses), `${method} ${path}`).toContain('414');
      }
    }
  });

  it('serves no source maps, and the scripts do not point at any', async () => {
    const maps = readdirSync(join(WEB_DIST, 'assets')).filter((f) => f.endsWith('.map'));
    for (const map of maps) expect((await api.app.inject({ method: 'GET', url: `/assets/${map}` })).statusCode).toBe(404);
    const scripts = readdirSync(join(WEB_DIST, 'assets')).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const js of scripts) expect((await api.app.inject({ method: 'GET', url: `/assets/${js}` })).body).not.toContain('sourceMappingURL');
  });
});
