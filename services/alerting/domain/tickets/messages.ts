/**
 * The bilingual texts of notifications. The desk works in Chinese, some staff and
 * the code in English; both go out so a notifier never has to translate.
 */
import type { Bilingual, Priority } from '../model.ts';
import type { BreachKind, Ticket } from './types.ts';

const BREACH_NAMES: Record<BreachKind, Bilingual> = {
  acknowledge: { zh: '确认', en: 'acknowledge' },
  accept: { zh: '接单', en: 'accept' },
  arrive: { zh: '到场', en: 'arrive' },
  resolve: { zh: '处理完成', en: 'resolve' },
};

const breachList = (kinds: readonly BreachKind[]): Bilingual => ({
  zh: kinds.map((k) => BREACH_NAMES[k].zh).join('、'),
  en: kinds.map((k) => BREACH_NAMES[k].en).join(', '),
});

const t = (ticket: Ticket): Bilingual => ticket.title;

export const msg = {
  opened: (k: Ticket): Bilingual => ({ zh: `新工单（${k.priority}）：${t(k).zh}`, en: `New ticket (${k.priority}): ${t(k).en}` }),
  reopened: (k: Ticket): Bilingual => ({ zh: `工单重新打开：${t(k).zh}`, en: `Ticket reopened: ${t(k).en}` }),
  dispatched: (k: Ticket): Bilingual => ({ zh: `派单给您，请接单：${t(k).zh}`, en: `Dispatched to you, please accept: ${t(k).en}` }),
  returnedToDesk: (k: Ticket, staff: Bilingual): Bilingual => ({ zh: `${staff.zh} 已停用，工单退回值班室：${t(k).zh}`, en: `${staff.en} was disabled, the ticket is back with the desk: ${t(k).en}` }),
  withdrawn: (k: Ticket): Bilingual => ({ zh: `工单已改派，无需前往：${t(k).zh}`, en: `No longer yours, stand down: ${t(k).en}` }),
  toDepartment: (k: Ticket): Bilingual => ({
    zh: `经社区城管工作站转办：${t(k).zh}`,
    en: `Referred via the community city-management station: ${t(k).en}`,
  }),
  // Names, not ids: a phone notification reading "转交班组 plumbing" means nothing to the desk.
  transferredToTeam: (k: Ticket, team: Bilingual): Bilingual => ({ zh: `工单已转交${team.zh}：${t(k).zh}`, en: `Ticket transferred to ${team.en}: ${t(k).en}` }),
  accepted: (k: Ticket, staff: Bilingual): Bilingual => ({ zh: `${staff.zh} 已接单：${t(k).zh}`, en: `${staff.en} accepted: ${t(k).en}` }),
  arrived: (k: Ticket): Bilingual => ({ zh: `已到场：${t(k).zh}`, en: `On site: ${t(k).en}` }),
  resolved: (k: Ticket, auto: boolean): Bilingual =>
    auto
      ? { zh: `告警已消除，工单自动办结：${t(k).zh}`, en: `Condition cleared, resolved automatically: ${t(k).en}` }
      : { zh: `工单已处理：${t(k).zh}`, en: `Ticket resolved: ${t(k).en}` },
  cancelled: (k: Ticket): Bilingual => ({ zh: `工单已撤销，无需处理：${t(k).zh}`, en: `Ticket cancelled, stand down: ${t(k).en}` }),
  priorityRaised: (k: Ticket, from: Priority): Bilingual => ({
    zh: `优先级由 ${from} 升为 ${k.priority}：${t(k).zh}`,
    en: `Priority raised from ${from} to ${k.priority}: ${t(k).en}`,
  }),
  escalated: (k: Ticket, breaches: readonly BreachKind[]): Bilingual => {
    const b = breachList(breaches);
    return breaches.length > 0
      ? { zh: `工单超时升级（${b.zh}超时）：${t(k).zh}`, en: `Escalated, ${b.en} deadline missed: ${t(k).en}` }
      : { zh: `工单人工升级：${t(k).zh}`, en: `Escalated by the desk: ${t(k).en}` };
  },
  unmetDuty: (k: Ticket, team: Bilingual): Bilingual => ({
    zh: `无人可派：${team.zh}当班无合适人员，请值班室安排：${t(k).zh}`,
    en: `Unmet duty: nobody qualified of ${team.en} on shift, the desk must find someone: ${t(k).en}`,
  }),
  notAccepted: (k: Ticket, staff: Bilingual, next: Bilingual | undefined): Bilingual => ({
    zh: `${staff.zh} 未按时接单${next ? `，已改派 ${next.zh}` : '，无人可改派'}：${t(k).zh}`,
    en: `${staff.en} did not accept in time${next ? `, now sent to ${next.en}` : ', nobody else to send'}: ${t(k).en}`,
  }),
  reminder: (k: Ticket, breaches: readonly BreachKind[]): Bilingual => {
    const b = breachList(breaches);
    return { zh: `催办：${b.zh}已超时，仍无人处理：${t(k).zh}`, en: `Reminder: ${b.en} still overdue: ${t(k).en}` };
  },
};
