import { useMemo, useState } from 'preact/hooks';
import { REPORT_CATALOGUE, REPORT_CATEGORIES, type ReportCategory } from '../../../../alerting/domain/reports/catalogue.ts';
import { logCall } from '../../api/endpoints.ts';
import { useI18n } from '../../i18n/context.tsx';
import { callPlaces, matchPlaces, pickedOnPlan, type CallPlace } from '../../logic/call-places.ts';
import { randomId } from '../../logic/ids.ts';
import { hrefOf } from '../../logic/routes.ts';
import { ErrorBanner } from '../../ui/error-banner.tsx';
import { useDeskRefs } from '../desk-context.ts';
import { PlanSvg } from '../site/plan-svg.tsx';

const PHONE = /^[0-9+() -]{3,20}$/;
const callHref = (placeId: string) => hrefOf({ view: 'log-call', place: placeId });

/**
 * Log a phone call from the board in under 30 seconds (issue 16): find the place by typing
 * (Chinese or English) or by clicking it on the site plan, pick the category, a line of
 * what is wrong and the caller. "Open ticket" posts POST /api/tickets with an action id
 * made once per form, so a double click or a retry opens one ticket, and lands on it.
 */
export function LogCallView({ place: placeId }: { place: string | undefined }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { site } = useDeskRefs();
  const places = useMemo(() => (site ? callPlaces(site.plan) : []), [site]);
  const compounds = site ? site.communities.flatMap((c) => c.compounds) : [];
  const home = places.find((p) => p.id === placeId)?.compoundId;
  const compound = compounds.find((c) => c.id === home) ?? compounds[0];
  const picked = pickedOnPlan(compound, places, placeId);

  const [query, setQuery] = useState('');
  const [category, setCategory] = useState<ReportCategory>('drainage');
  const [description, setDescription] = useState('');
  const [callerName, setCallerName] = useState('');
  const [callerPhone, setCallerPhone] = useState('');
  const [actionId] = useState(() => randomId());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [problem, setProblem] = useState<string | undefined>();

  const matches = matchPlaces(places, query);
  const pick = (p: CallPlace) => {
    setQuery('');
    location.hash = callHref(p.id);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const place = picked.place;
    const phone = callerPhone.trim();
    if (!place) return setProblem(t('call.needPlace'));
    if (description.trim() === '') return setProblem(t('call.needWords'));
    if (phone && !PHONE.test(phone)) return setProblem(t('call.badPhone'));
    setProblem(undefined);
    setBusy(true);
    setError(undefined);
    try {
      const done = await logCall(actionId, { placeId: place.id, category, description: description.trim(), ...(callerName.trim() ? { callerName: callerName.trim() } : {}), ...(phone ? { callerPhone: phone } : {}) });
      location.hash = hrefOf({ view: 'ticket', id: done.ticket.id });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="site log-call">
      <section class="site__plan" aria-labelledby="call-plan-title">
        <div class="site__head">
          <h1 id="call-plan-title">{t('call.title')}</h1>
          <p class="muted">{t('call.placeHint')}</p>
        </div>
        {compound ? <PlanSvg compound={compound} selected={placeId} hrefOf={callHref} /> : <p class="empty">{t('app.loading')}</p>}
      </section>
      <aside class="side">
        <form class="panel call-form" onSubmit={submit} aria-labelledby="call-plan-title">
          <label for="call-place">{t('call.place')}</label>
          <input
            id="call-place"
            type="search"
            autoComplete="off"
            autoFocus
            value={query}
            placeholder="M3号 · manhole m3 · 1号楼1单元"
            onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && matches[0]) {
                e.preventDefault();
                pick(matches[0]);
              }
            }}
          />
          {query.trim() !== '' && (
            <ul class="call-matches" aria-label={t('call.place')}>
              {matches.length === 0 && <li class="muted">{t('call.noMatch')}</li>}
              {matches.map((p) => (
                <li key={`${p.compoundId}/${p.id}`}>
                  <button type="button" class="btn btn--ghost" data-place={p.id} onClick={() => pick(p)}>
                    {i18n.name(p.name)} <span class="mono muted">{p.id}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {picked.building && (
            <div class="call-entrances">
              <p>{t('call.pickOnPlan', { name: i18n.name(picked.building.name) })}</p>
              <ul class="call-matches">
                {picked.building.entrances.map((e) => (
                  <li key={e.id}>
                    <a class="btn btn--ghost" href={callHref(e.id)} data-place={e.id}>
                      {i18n.name(e.name)}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          )}
          <p class="call-picked" data-testid="call-picked" data-place={picked.place?.id ?? ''}>
            {t('call.picked')}: <strong>{picked.place ? i18n.name(picked.place.name) : '—'}</strong>
          </p>
          <label for="call-category">{t('call.category')}</label>
          <select id="call-category" value={category} onChange={(e) => setCategory((e.target as HTMLSelectElement).value as ReportCategory)}>
            {REPORT_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {i18n.name(REPORT_CATALOGUE[c].name)} · {REPORT_CATALOGUE[c].priority}
              </option>
            ))}
          </select>
          <label for="call-description">{t('call.description')}</label>
          <textarea id="call-description" required maxLength={2000} value={description} onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)} />
          <label for="call-caller">{t('call.callerName')}</label>
          <input id="call-caller" type="text" maxLength={100} value={callerName} onInput={(e) => setCallerName((e.target as HTMLInputElement).value)} />
          <label for="call-phone">{t('call.callerPhone')}</label>
          <input id="call-phone" type="tel" maxLength={20} value={callerPhone} onInput={(e) => setCallerPhone((e.target as HTMLInputElement).value)} />
          {problem && (
            <p class="error-banner" role="alert" data-testid="call-problem">
              {problem}
            </p>
          )}
          <ErrorBanner error={error} />
          <button type="submit" class="btn btn--primary" data-testid="call-submit" disabled={busy}>
            {t('call.submit')}
          </button>
          <p class="hint">
            <a href="/desk/log-call">{t('call.plainForm')}</a>
          </p>
        </form>
      </aside>
    </div>
  );
}
