import { describe, expect, it } from 'vitest';
import { addPerson, listPeople, patchPerson, withLogin } from '../../../services/admin/people.ts';
import { patchedPlace, placesToAdd } from '../../../services/admin/places.ts';
import { checkedTicketPolicy, withCompoundSla, withScopeSettings } from '../../../services/admin/rules.ts';
import { weekRoster, withSchedulePatch, withSwap } from '../../../services/admin/shifts.ts';
import { effectiveRoster, type StoredRoster } from '../../../services/admin/stored-roster.ts';
import { fixtureBundle } from '../../../services/admin/fixture-bundle.ts';
import { toDeviceContext } from '../../../services/alerting/device-context.ts';
import { siteToItems } from '../../../services/config-store/site-items.ts';
import { isOcError, type ErrorCode } from '../../../services/shared/errors.ts';
import { listDevices } from '../../../services/site/devices.ts';

const bundle = fixtureBundle();
const roster = (): StoredRoster => structuredClone(bundle.roster);
const users = bundle.users.users;

/** Runs `f`, expects an OcError with `code` whose details name `field`. */
function refused(f: () => unknown, code: ErrorCode, field?: string, text?: RegExp): void {
  let caught: unknown;
  try {
    f();
  } catch (err) {
    caught = err;
  }
  expect(isOcError(caught, code), `expected ${code}, got ${String(caught)}`).toBe(true);
  if (field !== undefined) expect((caught as { details: { field?: string } }).details.field).toBe(field);
  if (text) expect((caught as Error).message).toMatch(text);
}

const guard = { name: { zh: '王勇', en: 'Wang Yong' }, teamId: 'security', role: 'staff', scheduleId: 'rota-24h', crew: 'b', phone: '139-0000-0299', email: 'wang.yong@example.com' } as const;

describe('people', () => {
  it('adds a person, who is then on the roster the services run on', () => {
    const { roster: next, warnings } = addPerson(roster(), 'wang-yong', guard);
    expect(warnings).toEqual([]);
    expect(effectiveRoster(next).roster.staff.find((m) => m.id === 'wang-yong')).toMatchObject({ teamId: 'security', crew: 'b', email: 'wang.yong@example.com' });
  });

  it('refuses an unknown team, schedule or crew, and a taken id, each with its code and field', () => {
    refused(() => addPerson(roster(), 'x-1', { ...guard, teamId: 'guards' }), 'OC_PEOPLE_UNKNOWN_TEAM', 'teamId', /no team guards/);
    refused(() => addPerson(roster(), 'x-1', { ...guard, scheduleId: 'nights' }), 'OC_PEOPLE_UNKNOWN_SHIFT', 'scheduleId');
    refused(() => addPerson(roster(), 'x-1', { ...guard, crew: 'z' }), 'OC_PEOPLE_UNKNOWN_SHIFT', 'crew');
    refused(() => addPerson(roster(), 'chen-gang', guard), 'OC_PEOPLE_DUPLICATE', 'id');
    refused(() => addPerson(roster(), 'x-1', { ...guard, email: 'not-an-address' }), 'OC_PEOPLE_INVALID', 'email');
  });

  it('disabling takes a person out of the running roster but keeps them listed', () => {
    const { roster: next } = patchPerson(roster(), 'chen-gang', { disabled: true });
    expect(effectiveRoster(next).roster.staff.some((m) => m.id === 'chen-gang')).toBe(false);
    expect(listPeople(next, users).find((p) => p.id === 'chen-gang')).toMatchObject({ disabled: true, login: { login: 'guard', role: 'staff' } });
    const { roster: back } = patchPerson(next, 'chen-gang', { disabled: false });
    expect(back.staff.find((m) => m.id === 'chen-gang')).not.toHaveProperty('disabled');
  });

  it('refuses to disable the manager (the roster names the key) and warns when a 24h team loses its cover', () => {
    refused(() => patchPerson(roster(), 'liu-hongmei', { disabled: true }), 'OC_PEOPLE_INVALID', 'managerId', /unknown staff member 'liu-hongmei'/);
    let r = roster();
    let warnings: unknown[] = [];
    for (const id of ['qi-wenbo']) ({ roster: r, warnings } = patchPerson(r, id, { disabled: true }));
    expect(warnings).toEqual([expect.objectContaining({ code: 'roster.coverage-gap', teamId: 'iot' })]);
  });

  it('edits name, phone, email, team and crew; null clears an optional field', () => {
    const { roster: next } = patchPerson(roster(), 'chen-gang', { phone: null, email: 'chen@example.com', crew: 'c' });
    expect(next.staff.find((m) => m.id === 'chen-gang')).toMatchObject({ crew: 'c', email: 'chen@example.com' });
    expect(next.staff.find((m) => m.id === 'chen-gang')).not.toHaveProperty('phone');
  });

  it('logins: a role that does not fit is refused, a taken login too, a new login needs a password', () => {
    const chen = { id: 'chen-gang', role: 'staff' } as const;
    refused(() => withLogin(users, chen, { login: 'guard2', role: 'operator', passwordHash: 'scrypt$1' }), 'OC_PEOPLE_INVALID', 'login.role');
    refused(() => withLogin(users, chen, { login: 'desk', role: 'staff', passwordHash: 'scrypt$1' }), 'OC_PEOPLE_LOGIN_TAKEN', 'login.login');
    refused(() => withLogin(users, { id: 'wang-yong', role: 'staff' }, { login: 'wang-yong', role: 'staff' }), 'OC_PEOPLE_INVALID', 'login.password');
    const renamed = withLogin(users, chen, { login: 'chen', role: 'staff' });
    expect(renamed.written).toMatchObject({ login: 'chen', staffId: 'chen-gang' });
    expect(renamed.removed?.login).toBe('guard');
  });
});

describe('shifts and the week', () => {
  const T = Date.UTC(2026, 11, 7, 0); // 2026-12-07 08:00 in Jinan: a handover of both schedules

  it('a swap changes that shift in the week roster only', () => {
    const week0 = weekRoster(effectiveRoster(roster()).roster, T, 7);
    const first = week0.find((s) => s.scheduleId === 'rota-24h' && s.startsAt === T)!;
    const off = first.staff.find((m) => m.teamId === 'security')!.id;
    const other = effectiveRoster(roster()).roster.staff.find((m) => m.teamId === 'security' && m.crew !== first.crew)!.id;
    const { roster: next, warnings } = withSwap(roster(), { scheduleId: 'rota-24h', shiftStart: first.shiftStart, off, on: other });
    expect(warnings).toEqual([]);
    const week = weekRoster(effectiveRoster(next).roster, T, 7);
    const swapped = week.find((s) => s.scheduleId === 'rota-24h' && s.startsAt === T)!;
    expect(swapped.staff.map((m) => m.id)).toContain(other);
    expect(swapped.staff.map((m) => m.id)).not.toContain(off);
    expect(swapped.swappedOut).toEqual([off]);
    expect(week.filter((s) => s.scheduleId === 'rota-24h')).toHaveLength(7);
    expect(week.filter((s) => s.scheduleId === 'day-night')).toHaveLength(14);
  });

  it('a swap naming a time that is no handover is refused with the key', () => {
    refused(() => withSwap(roster(), { scheduleId: 'rota-24h', shiftStart: '2026-12-07 09:00', off: 'chen-gang', on: 'jiang-ming' }), 'OC_ROSTER_INVALID', 'shiftStart');
  });

  it('a shift pattern edit is checked like the file; a gap is a warning', () => {
    refused(() => withSchedulePatch(roster(), 'day-night', { handover: '25:00' }), 'OC_ROSTER_INVALID', 'handover');
    refused(() => withSchedulePatch(roster(), 'nights', { handover: '07:00' }), 'OC_ROSTER_UNKNOWN_SCHEDULE', 'id');
    const { warnings } = withSchedulePatch(roster(), 'day-night', { rotation: ['a', 'b', 'c', 'd', 'a', 'b', 'c', 'd'] });
    expect(warnings).toEqual([]);
    expect(withSchedulePatch(roster(), 'day-night', { handover: '07:00' }).roster.schedules).toContainEqual(expect.objectContaining({ id: 'day-night', handover: '07:00' }));
  });
});

describe('places', () => {
  const items = () => siteToItems(bundle.site);

  it('adds a building with its units, households and renters, checked against the plan', () => {
    const added = placesToAdd(items(), {
      type: 'building',
      id: 'b7',
      compoundId: 'dl8',
      name: { zh: '7号楼', en: 'Building 7' },
      floors: 6,
      plan: { x: 20, y: 120, w: 40, h: 12 },
      entrances: [{ id: 'b7-u1', name: { zh: '1单元', en: 'Unit 1' }, households: 18, renters: 6, plan: { x: 26, y: 120 } }],
    });
    expect([...added.keys()]).toEqual(['b7', 'b7-u1']);
    expect(added.get('b7-u1')).toMatchObject({ type: 'entrance', buildingId: 'b7', households: 18, renters: 6 });
  });

  it('refuses an unknown parent, a taken id, a unit far from its building, more renters than households', () => {
    const unit = { type: 'entrance', id: 'b1-u9', buildingId: 'b1', name: { zh: '9单元', en: 'Unit 9' }, households: 10 } as const;
    refused(() => placesToAdd(items(), { ...unit, buildingId: 'b99' }), 'OC_PLACE_UNKNOWN_PARENT', 'buildingId');
    refused(() => placesToAdd(items(), { type: 'gate', id: 'gate-w', compoundId: 'dl99', name: { zh: '西门', en: 'West Gate' } }), 'OC_PLACE_UNKNOWN_PARENT', 'compoundId');
    refused(() => placesToAdd(items(), { ...unit, id: 'b1-u1' }), 'OC_PLACE_DUPLICATE', 'id');
    refused(() => placesToAdd(items(), { ...unit, plan: { x: 200, y: 140 } }), 'OC_PLACE_INVALID', 'plan', /more than 5 m from building b1/);
    refused(() => placesToAdd(items(), { ...unit, renters: 11 }), 'OC_PLACE_INVALID', 'renters');
    refused(() => placesToAdd(items(), { type: 'manhole', id: 'm9', compoundId: 'dl8', name: { zh: '9号井', en: 'M9' } }), 'OC_PLACE_INVALID', 'depthMm');
  });

  it('patches names and counts; a building has no households of its own to set', () => {
    expect(patchedPlace(items(), 'b1-u1', { renters: 5, name: { zh: '一单元', en: 'Unit One' } })).toMatchObject({ renters: 5, name: { en: 'Unit One' } });
    refused(() => patchedPlace(items(), 'b1', { households: 3 }), 'OC_PLACE_INVALID', 'households');
    refused(() => patchedPlace(items(), 'nowhere', { floors: 3 }), 'OC_PLACE_NOT_FOUND', 'id');
  });
});

describe('rules and settings per compound', () => {
  const devices = listDevices(bundle.site).map(toDeviceContext);

  it('sets a compound\'s thresholds, quiet hours and grouping', () => {
    const next = withScopeSettings(bundle.rules, { compoundId: 'dl8' }, { drain: { warningPct: 50 }, camera: { quietHours: { from: '23:00', to: '05:30' } }, massOutage: { minDevices: 4 } }, ['dl8'], devices);
    expect(next.compounds?.dl8).toEqual({ drain: { warningPct: 50 }, camera: { quietHours: { from: '23:00', to: '05:30' } }, massOutage: { minDevices: 4 } });
    expect(next.site).toEqual(bundle.rules.site);
  });

  it('an unknown key and a value out of range are refused, naming the key', () => {
    refused(() => withScopeSettings(bundle.rules, { compoundId: 'dl8' }, { drain: { warningPercent: 50 } } as never, ['dl8'], devices), 'OC_RULES_UNKNOWN_SETTING', 'drain.warningPercent');
    refused(() => withScopeSettings(bundle.rules, { compoundId: 'dl8' }, { drain: { criticalPct: 140 } }, ['dl8'], devices), 'OC_RULES_OUT_OF_RANGE', 'drain.criticalPct');
    refused(() => withScopeSettings(bundle.rules, 'site', { massOutage: { minShare: 2 } }, ['dl8'], devices), 'OC_RULES_OUT_OF_RANGE', 'massOutage.minShare');
    refused(() => withScopeSettings(bundle.rules, 'site', { camera: { quietHours: { from: '25:00', to: '05:00' } } }, ['dl8'], devices), 'OC_RULES_OUT_OF_RANGE', 'camera.quietHours');
    refused(() => withScopeSettings(bundle.rules, { compoundId: 'dl9' }, {}, ['dl8'], devices), 'OC_CONFIG_NOT_FOUND', 'compoundId');
  });

  it('SLA deadlines: checked by the ticket-policy parser, out of order or unknown refused', () => {
    expect(checkedTicketPolicy({ sla: { byPriority: { P1: { acknowledgeMs: 120_000 } } } }).sla.byPriority.P1.acknowledgeMs).toBe(120_000);
    refused(() => checkedTicketPolicy({ sla: { byPriority: { P1: { arriveMs: 10 } } } }), 'OC_RULES_OUT_OF_RANGE', 'sla.byPriority.P1');
    refused(() => checkedTicketPolicy({ sla: { byPriority: { P1: { acknowledgeMs: -1 } } } }), 'OC_RULES_OUT_OF_RANGE', 'sla.byPriority.P1.acknowledgeMs');
    refused(() => checkedTicketPolicy({ remindEveryMs: 1 }), 'OC_RULES_UNKNOWN_SETTING', 'remindEveryMs');
  });

  it("a compound's SLA layer: replaced, cleared, checked whole; the key named as typed in the layer", () => {
    const site = { reminderEveryMs: 600_000, compounds: { dl9: { sla: { byPriority: { P3: { resolveMs: 28_800_000 } } } } } };
    const set = withCompoundSla(site, 'dl8', { sla: { byPriority: { P1: { resolveMs: 7_200_000 } } } }, ['dl8', 'dl9']);
    expect(set).toEqual({ reminderEveryMs: 600_000, compounds: { dl9: site.compounds.dl9, dl8: { sla: { byPriority: { P1: { resolveMs: 7_200_000 } } } } } });
    expect(withCompoundSla(set, 'dl8', {}, ['dl8', 'dl9'])).toEqual(site);
    expect(withCompoundSla(site, 'dl9', {}, ['dl8', 'dl9'])).toEqual({ reminderEveryMs: 600_000 });
    refused(() => withCompoundSla(site, 'dl10', {}, ['dl8', 'dl9']), 'OC_CONFIG_NOT_FOUND', 'compoundId');
    refused(() => withCompoundSla(site, 'dl8', { sla: { byPriority: { P1: { arriveMs: 10 } } } }, ['dl8', 'dl9']), 'OC_RULES_OUT_OF_RANGE', 'sla.byPriority.P1');
    refused(() => withCompoundSla(site, 'dl8', { escalateToManagerAfterMs: 1 }, ['dl8', 'dl9']), 'OC_RULES_UNKNOWN_SETTING', 'escalateToManagerAfterMs');
    // A stored layer for a compound the site no longer has: named where it is.
    refused(() => checkedTicketPolicy({ compounds: { dl7: { sla: {} } } }, ['dl8']), 'OC_RULES_UNKNOWN_SETTING', 'compounds.dl7');
  });
});
