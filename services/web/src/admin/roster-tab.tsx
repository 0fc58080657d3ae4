import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/context.tsx';
import { ErrorBanner } from '../ui/error-banner.tsx';
import { useLoad } from '../ui/hooks.ts';
import { getPeople, getWeek, postSwap, putShift, type RosterWarning, type Schedule, type Week } from './config-api.ts';
import { Warnings } from './warnings.tsx';

/** The Roster tab: edit a shift pattern, swap a shift, and see who works each shift of the week. */
export function RosterTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const week = useLoad((signal) => getWeek(signal), []);
  const [result, setResult] = useState<{ message: string; warnings: RosterWarning[] } | undefined>();
  const [error, setError] = useState<unknown>();
  const w = week.data;

  const saved = (answer: { version: number; warnings: RosterWarning[] }) => {
    setError(undefined);
    setResult({ message: t('admin.roster.saved', { version: answer.version }), warnings: answer.warnings });
    week.reload();
  };

  return (
    <div class="admin-roster">
      <h1>{t('admin.roster.title')}</h1>
      <ErrorBanner error={week.error ?? error} onRetry={week.reload} />
      {result && (
        <div class="admin-result" role="status" data-testid="roster-result">
          <p>{result.message}</p>
          <Warnings warnings={result.warnings} />
        </div>
      )}
      {!w && !week.error && <p class="empty">{t('app.loading')}</p>}
      {w && (
        <>
          <Warnings warnings={w.warnings} />
          <section class="panel" aria-labelledby="patterns-title">
            <h2 id="patterns-title">{t('admin.roster.patterns')}</h2>
            {w.schedules.map((s) => (
              <ShiftForm key={`${s.id}-${w.version}`} schedule={s} version={w.version} onSaved={saved} onError={setError} />
            ))}
          </section>
          <SwapForm week={w} onSaved={saved} onError={setError} />
          <section class="panel" aria-labelledby="week-title">
            <h2 id="week-title">{t('admin.roster.week')}</h2>
            <div class="table-wrap">
              <table class="board-table admin-week">
                <thead>
                  <tr>
                    <th>{t('admin.roster.shift')}</th>
                    <th>{t('admin.roster.crew')}</th>
                    <th>{t('admin.roster.who')}</th>
                  </tr>
                </thead>
                <tbody>
                  {w.shifts.map((s) => (
                    <tr key={`${s.scheduleId}-${s.startsAt}`} data-shift={`${s.scheduleId} ${s.shiftStart}`}>
                      <td>
                        {i18n.dateTime(s.startsAt)} – {i18n.dateTime(s.endsAt)} <span class="muted">{i18n.name(w.schedules.find((x) => x.id === s.scheduleId)?.name)}</span>
                      </td>
                      <td>{i18n.name(w.schedules.find((x) => x.id === s.scheduleId)?.crews.find((c) => c.id === s.crew)?.name) || s.crew}</td>
                      <td>
                        {s.staff.map((m) => (
                          <span key={m.id} class={m.swappedIn ? 'chip chip--in' : 'chip'}>
                            {i18n.name(m.name)}
                            {m.swappedIn && <> ({t('admin.roster.swappedIn')})</>}
                          </span>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </div>
  );
}

function ShiftForm({ schedule, version, onSaved, onError }: { schedule: Schedule; version: number; onSaved: (a: { version: number; warnings: RosterWarning[] }) => void; onError: (e: unknown) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [handover, setHandover] = useState(schedule.handover);
  const [shiftHours, setShiftHours] = useState(String(schedule.shiftHours));
  const [rotation, setRotation] = useState(schedule.rotation.join(', '));
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      onSaved(await putShift(schedule.id, { version, handover, shiftHours: Number(shiftHours), rotation: rotation.split(/[\s,]+/).filter(Boolean) }));
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="admin-form" data-schedule={schedule.id} onSubmit={submit}>
      <h3>{i18n.name(schedule.name)}</h3>
      <label>
        {t('admin.roster.handover')}
        <input name="handover" value={handover} onInput={(e) => setHandover(e.currentTarget.value)} pattern="[0-2][0-9]:[0-5][0-9]" required />
      </label>
      <label>
        {t('admin.roster.shiftHours')}
        <select name="shiftHours" value={shiftHours} onChange={(e) => setShiftHours(e.currentTarget.value)}>
          {[1, 2, 3, 4, 6, 8, 12, 24].map((h) => (
            <option key={h} value={String(h)}>
              {h}
            </option>
          ))}
        </select>
      </label>
      <label class="admin-form__wide">
        {t('admin.roster.rotation')}
        <input name="rotation" value={rotation} onInput={(e) => setRotation(e.currentTarget.value)} required />
      </label>
      <button type="submit" class="btn" disabled={busy}>
        {t('admin.roster.save')}
      </button>
    </form>
  );
}

function SwapForm({ week, onSaved, onError }: { week: Week; onSaved: (a: { version: number; warnings: RosterWarning[] }) => void; onError: (e: unknown) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const people = useLoad((signal) => getPeople(signal), [week.version]);
  const [shiftKey, setShiftKey] = useState('');
  const [off, setOff] = useState('');
  const [on, setOn] = useState('');
  const shift = week.shifts.find((s) => `${s.scheduleId} ${s.shiftStart}` === shiftKey);
  const offMember = shift?.staff.find((m) => m.id === off);
  const candidates = (people.data?.people ?? []).filter((p) => !p.disabled && offMember && p.teamId === offMember.teamId && p.scheduleId === shift?.scheduleId && !shift?.staff.some((m) => m.id === p.id) && p.role !== 'manager');
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!shift) return;
    try {
      onSaved(await postSwap({ version: week.version, scheduleId: shift.scheduleId, shiftStart: shift.shiftStart, off, on }));
    } catch (err) {
      onError(err);
    }
  };
  return (
    <section class="panel" aria-labelledby="swap-title">
      <h2 id="swap-title">{t('admin.roster.swap')}</h2>
      <form class="admin-form" onSubmit={submit}>
        <label>
          {t('admin.roster.shift')}
          <select name="shift" value={shiftKey} onChange={(e) => (setShiftKey(e.currentTarget.value), setOff(''), setOn(''))}>
            <option value="">–</option>
            {week.shifts.map((s) => (
              <option key={`${s.scheduleId} ${s.shiftStart}`} value={`${s.scheduleId} ${s.shiftStart}`}>
                {s.shiftStart} · {i18n.name(week.schedules.find((x) => x.id === s.scheduleId)?.name)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.roster.swapOff')}
          <select name="off" value={off} onChange={(e) => (setOff(e.currentTarget.value), setOn(''))}>
            <option value="">–</option>
            {(shift?.staff ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {i18n.name(m.name)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.roster.swapOn')}
          <select name="on" value={on} onChange={(e) => setOn(e.currentTarget.value)}>
            <option value="">–</option>
            {candidates.map((p) => (
              <option key={p.id} value={p.id}>
                {i18n.name(p.name)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="btn" disabled={!shift || !off || !on}>
          {t('admin.roster.swapDo')}
        </button>
      </form>
    </section>
  );
}
