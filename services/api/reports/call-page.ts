/** The desk's plain "log a call" form: server-rendered, no script (the board's #/log-call view is the same with the site plan). */
import { REPORT_CATALOGUE, REPORT_CATEGORIES } from '../../alerting/domain/reports/catalogue.ts';
import { esc, page } from './html.ts';
import type { ReportPlace } from './places.ts';

/** What the place box shows and accepts: both names and the id, so either language finds it. */
export const placeLabel = (p: ReportPlace): string => `${p.name.zh} / ${p.name.en} (${p.id})`;

/** The place typed or picked: its id, its label, or either name exactly. */
export function placeFromInput(places: readonly ReportPlace[], input: string): ReportPlace | undefined {
  const v = input.trim();
  const id = /\(([a-z0-9-]+)\)$/.exec(v)?.[1] ?? v;
  return places.find((p) => p.id === id) ?? places.find((p) => p.name.zh === v || p.name.en.toLowerCase() === v.toLowerCase());
}

/**
 * `actionId`: made fresh for each form shown, so sending it twice (a double click, a reload
 * that re-posts) opens one ticket, as the desk's other actions do.
 */
export function callPage(places: readonly ReportPlace[], actionId: string, error?: string, chosen?: ReportPlace): string {
  const options = places.map((p) => `<option value="${esc(placeLabel(p))}"></option>`).join('');
  const categories = REPORT_CATEGORIES.map((c) => `<option value="${c}">${esc(REPORT_CATALOGUE[c].name.zh)} / ${esc(REPORT_CATALOGUE[c].name.en)} · ${REPORT_CATALOGUE[c].priority}</option>`).join('');
  return page(
    'zh',
    '登记来电 Log a call',
    `<p><a href="/">← 值班台 Duty desk</a></p><h1>登记来电 · Log a call</h1>${error ? `<p class="err" role="alert" data-testid="call-error">${esc(error)}</p>` : ''}
<form method="post" action="/desk/log-call" enctype="multipart/form-data"><input type="hidden" name="actionId" value="${esc(actionId)}">
<label for="place">地点 Place（楼栋/单元/公共点位，中英文均可 · building, unit or public point）</label>
<input id="place" name="place" type="text" list="places" required autofocus autocomplete="off" value="${chosen ? esc(placeLabel(chosen)) : ''}"><datalist id="places">${options}</datalist>
<label for="category">类别 Category</label><select id="category" name="category" required>${categories}</select>
<label for="description">描述 Description</label><textarea id="description" name="description" required maxlength="2000"></textarea>
<label for="callerName">来电人 Caller</label><input id="callerName" name="callerName" type="text" maxlength="100">
<label for="callerPhone">电话 Phone</label><input id="callerPhone" name="callerPhone" type="tel" maxlength="20">
<button type="submit">开单 Open ticket</button></form>`,
  );
}
