import type { Delivery } from '../../delivery.ts';

const KIND_ZH: Record<string, string> = {
  'ticket.opened': '新工单',
  'ticket.escalated': '升级',
  'ticket.reminder': '催办',
  'ticket.resolved': '已解决',
  'ticket.reopened': '重新打开',
  'ticket.dispatched': '派单',
  'ticket.transferred': '转办',
};

export const robotTitle = (d: Delivery): string => `[${d.message.priority}] ${KIND_ZH[d.message.kind] ?? '工单'} ${d.ticketId}`;

/** One notification as a markdown card: both languages, the ticket link. */
export function singleMarkdown(d: Delivery): string {
  const m = d.message;
  return [`### ${robotTitle(d)}`, `**${m.message.zh}**`, '', m.message.en, '', `[打开工单 Open ticket](${m.ticketUrl})`].join('\n');
}

/** A burst merged into one card under the robot's rate limit: every notification one line, none dropped. */
export function summaryMarkdown(list: readonly Delivery[]): string {
  const lines = list.map((d) => `- [${d.message.priority}] ${d.message.message.zh} / ${d.message.message.en} [${d.ticketId}](${d.message.ticketUrl})`);
  return [`### 汇总 Summary: ${list.length} 条通知 notifications`, ...lines].join('\n');
}

export const markdownFor = (list: readonly Delivery[]): string => (list.length === 1 ? singleMarkdown(list[0]!) : summaryMarkdown(list));

/** How many of `list` fit one message of at most `maxBytes` (UTF-8); at least one, which is cut to fit. */
export function fitting(list: readonly Delivery[], maxBytes: number): number {
  let n = list.length;
  while (n > 1 && Buffer.byteLength(markdownFor(list.slice(0, n))) > maxBytes) n = Math.max(1, Math.floor(n * 0.8));
  return n;
}

/** Cuts text to a byte limit on a character boundary (a single card longer than the limit). */
export function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = text;
  while (Buffer.byteLength(out) > maxBytes - 3) out = out.slice(0, -1);
  return `${out}…`;
}
