import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ManualClock } from '../../../services/shared/clock.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';
import { REFERENCE_SITE_PATH } from '../../../services/site/load.ts';
import { AdminStack } from '../../support/admin-stack.ts';
import { ApiUser } from '../../support/api-user.ts';
import { pollUntil } from '../../support/poll-until.ts';

/**
 * Per-compound SLA deadlines through the API over the real stack (SQLite log and stores,
 * alerting and the API following oc.config): the reference site with a second compound,
 * dl9, so one compound's deadlines can be seen not to reach the other.
 */
const MIN = 60_000;
const HOUR = 60 * MIN;
let s: AdminStack;
let cookie: string;
let fixtureDir: string | undefined;
const clock = new ManualClock(Date.UTC(2026, 11, 7, 2, 0)); // 10:00 in Jinan

/** The reference site and a small second compound with one door, in a temporary fixture. */
function twoCompoundSite(dir: string): string {
  const site = parse(readFileSync(REFERENCE_SITE_PATH, 'utf8')) as { communities: { compounds: object[] }[] };
  site.communities[0]!.compounds.push({
    id: 'dl9',
    name: { zh: '甸柳九区', en: 'Dianliu Block 9' },
    households: 18,
    renterShare: 0.2,
    plan: { w: 100, h: 60 },
    buildings: [{ id: 'c1', name: { zh: '1号楼', en: 'Building 1' }, floors: 6, households: 18, plan: { x: 10, y: 20, w: 30, h: 12 }, entrances: [{ id: 'c1-u1', name: { zh: '1单元', en: 'Unit 1' }, households: 18, plan: { x: 15, y: 20 } }] }],
    devices: [{ id: 'dl9-c1-u1-door', kind: 'door', at: 'c1-u1', model: 'simulated-door-v1' }],
  });
  const path = join(dir, 'two-compounds.yaml');
  writeFileSync(path, stringify(site));
  return path;
}

beforeAll(async () => {
  fixtureDir = mkdtempSync(join(tmpdir(), 'oc-compound-sla-'));
  s = await AdminStack.start(clock, { siteFile: twoCompoundSite(fixtureDir) });
  cookie = (await ApiUser.signIn(s.api.app, 'admin')).cookie;
});
afterAll(async () => {
  await s?.close();
  if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
});

type Method = 'GET' | 'PUT';
const call = (method: Method, url: string, payload?: object, as = cookie): Promise<LightMyRequestResponse> =>
  s.api.app.inject({ method, url, headers: { cookie: as }, ...(payload === undefined ? {} : { payload }) });
const body = (res: LightMyRequestResponse) => res.json() as Record<string, unknown> & { code?: string; field?: string; currentVersion?: number; version?: number };
type SlaView = { sla: { version: number; set: Record<string, unknown>; effectiveByCompound: Record<string, Record<string, Record<string, { resolveMs: number; arriveMs: number }>>> } };
const slaView = async () => (body(await call('GET', '/api/rules')) as unknown as SlaView).sla;

let seq = 0;
const forcedDoor = async (door: string, id: string) => {
  await s.log.append(LOG_TOPICS.events, [{ key: door, value: JSON.stringify({ v: 1, id, deviceId: door, kind: 'door', type: 'door.forced-open', ts: new Date(clock.now()).toISOString(), seq: seq++, data: {} }) }]);
  return pollUntil(`the forced-door ticket of ${door}`, () => s.alerting.store.listTickets({}).find((t) => t.subject.deviceId === door && t.linkedEventIds.includes(id)));
};

describe("a compound's SLA deadlines", () => {
  it('a new ticket of the compound gets its deadlines, the other compound keeps the site\'s, an open ticket keeps its own', async () => {
    const openBefore = await forcedDoor('dl8-b1-u1-door', 'before-1');
    expect(openBefore.deadlines.resolveBy - openBefore.openedAt).toBe(4 * HOUR);

    const { version } = await slaView();
    const res = await call('PUT', '/api/rules/sla/compounds/dl8', { version, policy: { sla: { byPriority: { P1: { resolveMs: 2 * HOUR } }, byCategory: { security: { P1: { arriveMs: 10 * MIN } } } } } });
    expect([res.statusCode, body(res).version]).toEqual([200, version + 1]);

    const view = await slaView();
    expect(view.effectiveByCompound.dl8!.security!.P1).toEqual({ acknowledgeMs: 5 * MIN, arriveMs: 10 * MIN, resolveMs: 2 * HOUR });
    expect(view.effectiveByCompound.dl9!.security!.P1).toEqual({ acknowledgeMs: 5 * MIN, arriveMs: 15 * MIN, resolveMs: 4 * HOUR });
    expect(view.set).toMatchObject({ compounds: { dl8: { sla: { byPriority: { P1: { resolveMs: 2 * HOUR } } } } } });

    const dl8 = await forcedDoor('dl8-b1-u2-door', 'after-1');
    expect({ arrive: dl8.deadlines.arriveBy - dl8.openedAt, resolve: dl8.deadlines.resolveBy - dl8.openedAt }).toEqual({ arrive: 10 * MIN, resolve: 2 * HOUR });
    const dl9 = await forcedDoor('dl9-c1-u1-door', 'after-2');
    expect({ arrive: dl9.deadlines.arriveBy - dl9.openedAt, resolve: dl9.deadlines.resolveBy - dl9.openedAt }).toEqual({ arrive: 15 * MIN, resolve: 4 * HOUR });

    // The ticket open before the change: still one, open, its deadlines as they were.
    const kept = s.alerting.store.listTickets({}).filter((t) => t.subject.deviceId === 'dl8-b1-u1-door');
    expect(kept.map((t) => [t.id, t.state, t.deadlines])).toEqual([[openBefore.id, 'open', openBefore.deadlines]]);
  });

  it('the site PUT keeps the compound layer; a compound PUT of {} clears it', async () => {
    const { version } = await slaView();
    expect((await call('PUT', '/api/rules/sla', { version, policy: { reminderEveryMs: 600_000 } })).statusCode).toBe(200);
    const kept = await slaView();
    expect(kept.set).toMatchObject({ reminderEveryMs: 600_000, compounds: { dl8: {} } });
    expect(kept.effectiveByCompound.dl8!.security!.P1!.resolveMs).toBe(2 * HOUR);
    expect((await call('PUT', '/api/rules/sla/compounds/dl8', { version: kept.version, policy: {} })).statusCode).toBe(200);
    const cleared = await slaView();
    expect(cleared.set).toEqual({ reminderEveryMs: 600_000 });
    expect(cleared.effectiveByCompound.dl8!.security!.P1!.resolveMs).toBe(4 * HOUR);
  });

  it('refuses a bad value (400, the key named), an unknown key, an unknown compound (404) and a stale version (409 with the current one)', async () => {
    const { version } = await slaView();
    const bad = await call('PUT', '/api/rules/sla/compounds/dl9', { version, policy: { sla: { byPriority: { P2: { arriveMs: -5 } } } } });
    expect([bad.statusCode, body(bad).code, body(bad).field]).toEqual([400, 'OC_RULES_OUT_OF_RANGE', 'body.sla.byPriority.P2.arriveMs']);
    const disordered = await call('PUT', '/api/rules/sla/compounds/dl9', { version, policy: { sla: { byPriority: { P1: { resolveMs: 60_000 } } } } });
    expect([disordered.statusCode, body(disordered).code, body(disordered).field]).toEqual([400, 'OC_RULES_OUT_OF_RANGE', 'body.sla.byPriority.P1']);
    const unknownKey = await call('PUT', '/api/rules/sla/compounds/dl9', { version, policy: { reminderEveryMs: 60_000 } });
    expect([unknownKey.statusCode, body(unknownKey).code, body(unknownKey).field]).toEqual([400, 'OC_RULES_UNKNOWN_SETTING', 'body.reminderEveryMs']);
    const nowhere = await call('PUT', '/api/rules/sla/compounds/dl10', { version, policy: {} });
    expect([nowhere.statusCode, body(nowhere).code]).toEqual([404, 'OC_CONFIG_NOT_FOUND']);
    const inBody = await call('PUT', '/api/rules/sla', { version, policy: { compounds: { dl10: { sla: {} } } } });
    expect([inBody.statusCode, body(inBody).code, body(inBody).field]).toEqual([400, 'OC_RULES_UNKNOWN_SETTING', 'body.compounds.dl10']);

    expect((await call('PUT', '/api/rules/sla/compounds/dl9', { version, policy: { sla: { byPriority: { P3: { resolveMs: 8 * HOUR } } } } })).statusCode).toBe(200);
    const stale = await call('PUT', '/api/rules/sla/compounds/dl9', { version, policy: {} });
    expect([stale.statusCode, body(stale).code, body(stale).currentVersion]).toEqual([409, 'OC_CONFIG_VERSION_CONFLICT', version + 1]);
  });

  it('export keeps the compound layer and imports back unchanged; an imported layer is in force; one for an unknown compound is refused', async () => {
    const exported = await s.api.app.inject({ method: 'GET', url: '/api/config/export', headers: { cookie } });
    expect(exported.statusCode).toBe(200);
    const doc = parse(exported.body) as { tickets: Record<string, unknown> };
    expect(doc.tickets).toMatchObject({ compounds: { dl9: { sla: { byPriority: { P3: { resolveMs: 8 * HOUR } } } } } });
    const importYaml = (yaml: string) => s.api.app.inject({ method: 'POST', url: '/api/config/import', headers: { cookie, 'content-type': 'application/yaml' }, payload: yaml });
    const same = await importYaml(exported.body);
    expect([same.statusCode, body(same).changed]).toEqual([200, 0]);

    const changed = await importYaml(stringify({ ...doc, tickets: { ...doc.tickets, compounds: { dl9: { sla: { byPriority: { P3: { resolveMs: 6 * HOUR } } } } } } }));
    expect([changed.statusCode, body(changed).changed]).toEqual([200, 1]);
    expect((await slaView()).effectiveByCompound.dl9!['device-fault']!.P3!.resolveMs).toBe(6 * HOUR);

    const stranger = await importYaml(stringify({ ...doc, tickets: { compounds: { dl10: { sla: {} } } } }));
    expect([stranger.statusCode, body(stranger).code]).toEqual([400, 'OC_CONFIG_IMPORT_INVALID']);
    expect(String(body(stranger).message)).toMatch(/tickets: .*compounds\.dl10: is not a compound of the site/);
  });

  it('answers 403 to operator, manager and staff users', async () => {
    for (const login of ['desk', 'manager', 'guard']) {
      const user = await ApiUser.signIn(s.api.app, login);
      const res = await call('PUT', '/api/rules/sla/compounds/dl8', { version: 1, policy: {} }, user.cookie);
      expect([login, res.statusCode, body(res).code]).toEqual([login, 403, 'OC_API_FORBIDDEN']);
    }
  });
});
