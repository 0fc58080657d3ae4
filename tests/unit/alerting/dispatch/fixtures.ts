/**
 * A small hand-made roster for planner and config tests: few enough people that
 * each test can say exactly who should be picked and why. A fresh raw object per
 * call, so tests can break it in one place.
 */
import { parseRoster } from '../../../../services/alerting/domain/dispatch/parse-roster.ts';
import type { Roster } from '../../../../services/alerting/domain/dispatch/types.ts';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Local time in China (+08:00), as epoch ms. */
export const cst = (isoLocal: string): number => Date.parse(`${isoLocal}+08:00`);

const n = (zh: string, en: string) => ({ zh, en });
const member = (id: string, teamId: string, role: string, scheduleId: string, crew: string) => ({ id, name: n(id, id), teamId, role, scheduleId, crew });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a raw config tree, poked at freely by tests
export type RawRoster = any;

export function rawSmallRoster(): RawRoster {
  return {
    version: 1,
    station: { name: n('城管工作站', 'Station') },
    teams: [
      { id: 'desk', name: n('值班室', 'Desk') },
      { id: 'guards', name: n('保安队', 'Guards') },
      { id: 'plumbing', name: n('管道维修组', 'Plumbing') },
      { id: 'garden', name: n('绿化组', 'Gardeners'), coverage: 'partial' },
      { id: 'office', name: n('物业服务中心', 'Office'), coverage: 'partial' },
    ],
    departments: [
      { id: 'city-management', name: n('城管', 'City management') },
      { id: 'traffic-police', name: n('交警', 'Traffic police') },
      { id: 'market-regulation', name: n('市场监管', 'Market regulation') },
    ],
    schedules: [
      // 3 crews, 24 h each, handing over at 08:00; crew a starts 2024-01-01 08:00.
      {
        id: 'rota',
        name: n('24小时轮班', '24h rota'),
        shiftHours: 24,
        handover: '08:00',
        utcOffsetMin: 480,
        epoch: '2024-01-01',
        crews: [{ id: 'a', name: n('一班', 'A') }, { id: 'b', name: n('二班', 'B') }, { id: 'c', name: n('三班', 'C') }],
      },
      // Fixed day and night crews: day 08:00-20:00, night 20:00-08:00.
      {
        id: 'dn',
        name: n('白夜班', 'Day/night'),
        shiftHours: 12,
        handover: '08:00',
        utcOffsetMin: 480,
        epoch: '2024-01-01',
        crews: [{ id: 'day', name: n('白班', 'Day') }, { id: 'night', name: n('夜班', 'Night') }],
      },
    ],
    staff: [
      member('desk-sup-a', 'desk', 'supervisor', 'rota', 'a'),
      member('desk-op-a', 'desk', 'operator', 'rota', 'a'),
      member('desk-sup-b', 'desk', 'supervisor', 'rota', 'b'),
      member('desk-op-b', 'desk', 'operator', 'rota', 'b'),
      member('desk-sup-c', 'desk', 'supervisor', 'rota', 'c'),
      member('desk-op-c', 'desk', 'operator', 'rota', 'c'),
      member('guard-a1', 'guards', 'staff', 'rota', 'a'),
      member('guard-a2', 'guards', 'staff', 'rota', 'a'),
      member('guard-b1', 'guards', 'staff', 'rota', 'b'),
      member('guard-b2', 'guards', 'staff', 'rota', 'b'),
      member('guard-c1', 'guards', 'staff', 'rota', 'c'),
      member('guard-c2', 'guards', 'staff', 'rota', 'c'),
      // Listed out of id order on purpose: the tie-break is by id, not by roster order.
      member('plumber-day-3', 'plumbing', 'staff', 'dn', 'day'),
      member('plumber-day-1', 'plumbing', 'staff', 'dn', 'day'),
      member('plumber-day-2', 'plumbing', 'staff', 'dn', 'day'),
      member('plumber-night-1', 'plumbing', 'staff', 'dn', 'night'),
      // A part-time team: only crew a of the rota.
      member('gardener-a', 'garden', 'staff', 'rota', 'a'),
      { id: 'boss', name: n('经理', 'Boss'), teamId: 'office', role: 'manager' },
    ],
    responsibilities: {
      drainage: { team: 'plumbing' },
      'access-control': { team: 'guards' },
      security: { team: 'guards' },
      'device-fault': { team: 'desk' },
      parking: { department: 'traffic-police' },
      'shop-grease': { department: 'market-regulation' },
      'public-order': { department: 'city-management' },
    },
    supervision: { scheduleId: 'rota' },
    managerId: 'boss',
  };
}

export const smallRoster = (): Roster => parseRoster(rawSmallRoster(), 'small-roster');
