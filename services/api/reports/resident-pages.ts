/**
 * The resident's pages, rendered on the server with no script: they work on any phone, and the CSP can forbid scripts outright.
 * An error says what is wrong in the reader's language, and names its stable code in `data-code` for machines.
 */
import { REPORT_CATALOGUE, REPORT_CATEGORIES } from '../../alerting/domain/reports/catalogue.ts';
import type { ReportRecord } from '../../alerting/store/report-rows.ts';
import { esc, page } from './html.ts';
import { say, STATE_WORDS, TEXT, type Lang } from './page-text.ts';
import type { ReportPlace } from './places.ts';
import type { Tracked } from './report-intake.ts';

const other = (lang: Lang): Lang => (lang === 'zh' ? 'en' : 'zh');
const langLink = (path: string, lang: Lang) => `<a class="lang" href="${esc(path)}?lang=${other(lang)}">${say('otherLang', lang)}</a>`;

export interface FormState {
  category?: string | undefined;
  description?: string | undefined;
  phone?: string | undefined;
  error?: keyof typeof TEXT | undefined;
  /** What to say when the code alone would be vague (a bad phone, too long); default: the code's sentence. */
  words?: keyof typeof TEXT | undefined;
}

export function reportForm(place: ReportPlace, lang: Lang, retentionDays: number, state: FormState = {}): string {
  const options = REPORT_CATEGORIES.map((c) => {
    const selected = state.category === c ? ' selected' : '';
    return `<option value="${c}"${selected}>${esc(REPORT_CATALOGUE[c].name[lang])}</option>`;
  }).join('');
  const error = state.error ? `<p class="err" role="alert" data-testid="report-error" data-code="${esc(state.error)}">${esc(say(state.words ?? state.error, lang))}</p>` : '';
  return page(
    lang,
    say('title', lang),
    `${langLink(`/report/${place.id}`, lang)}<h1>${say('title', lang)}</h1>
<p>${say('at', lang)}：<strong data-testid="place-name">${esc(place.compoundName[lang])} ${esc(place.name[lang])}</strong></p>${error}
<form method="post" action="/report/${esc(place.id)}?lang=${lang}" enctype="multipart/form-data">
<label for="category">${say('category', lang)}</label><select id="category" name="category" required><option value=""></option>${options}</select>
<label for="description">${say('description', lang)}</label><textarea id="description" name="description" maxlength="2000" required>${esc(state.description ?? '')}</textarea>
<label for="photos">${say('photos', lang)}</label><input id="photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple>
<label for="phone">${say('phone', lang)}</label><input id="phone" name="phone" type="tel" maxlength="20" autocomplete="tel" value="${esc(state.phone ?? '')}">
<p class="note" data-testid="privacy-note">${esc(say('privacy', lang, { days: retentionDays }))}</p>
<button type="submit">${say('send', lang)}</button></form>`,
  );
}

export function unknownPlacePage(id: string, lang: Lang): string {
  return page(lang, say('title', lang), `<h1>${say('title', lang)}</h1><p class="err" data-testid="report-error" data-code="OC_REPORT_UNKNOWN_PLACE">${esc(say('unknownPlace', lang, { id }))}</p>`);
}

export function errorPage(code: keyof typeof TEXT, lang: Lang, words: keyof typeof TEXT = code): string {
  return page(lang, say('title', lang), `<h1>${say('title', lang)}</h1><p class="err" role="alert" data-testid="report-error" data-code="${esc(code)}">${esc(say(words, lang))}</p>`);
}

export function sentPage(lang: Lang, trackingPath: string, merged: boolean): string {
  return page(
    lang,
    say('sent', lang),
    `<h1 class="ok">${say('sent', lang)}</h1>${merged ? `<p>${say('merged', lang)}</p>` : ''}
<p>${say('keepLink', lang)}</p><p class="link"><a data-testid="tracking-link" href="${esc(trackingPath)}?lang=${lang}">${esc(trackingPath)}</a></p>`,
  );
}

export function trackingPage(token: string, t: Tracked, place: ReportPlace | undefined, lang: Lang, notice?: keyof typeof TEXT): string {
  const path = `/track/${token}`;
  const r: ReportRecord = t.report;
  const photos = r.photoIds.map((id) => `<img class="photo" alt="" src="${esc(path)}/photos/${esc(id)}">`).join('');
  const category = REPORT_CATALOGUE[r.category as keyof typeof REPORT_CATALOGUE]?.name[lang] ?? r.category;
  let rating = '';
  if (r.rating) {
    rating = `<p data-testid="rated">${esc(say('rated', lang, { n: r.rating.stars }))}</p>`;
  } else if (t.ticket.state === 'resolved') {
    const stars = [1, 2, 3, 4, 5].map((n) => `<label><input type="radio" name="stars" value="${n}" required> ${n}</label>`).join('');
    rating = `<form method="post" action="${esc(path)}/rating?lang=${lang}" enctype="multipart/form-data"><h2>${say('rateTitle', lang)}</h2>
<div class="stars">${stars}</div><label for="comment">${say('comment', lang)}</label><textarea id="comment" name="comment" maxlength="1000"></textarea>
<button type="submit">${say('rate', lang)}</button></form>`;
  }
  const note = notice ? `<p class="${notice === 'reopened' ? 'ok' : 'err'}" data-testid="notice">${esc(say(notice, lang))}</p>` : '';
  return page(
    lang,
    say('trackTitle', lang),
    `${langLink(path, lang)}<h1>${say('trackTitle', lang)}</h1>${note}
<p class="state" data-testid="ticket-state" data-state="${esc(t.ticket.state)}">${esc(STATE_WORDS[t.ticket.state]?.[lang] ?? t.ticket.state)}</p>
<p>${say('at', lang)}：${esc(place ? place.name[lang] : r.placeId)} · ${esc(category)}</p>
<p data-testid="report-count">${esc(say('reports', lang, { n: t.reportCount }))}</p>
<p>${say('yourWords', lang)}：</p><blockquote data-testid="your-words">${esc(r.description)}</blockquote>${photos}${rating}`,
  );
}
