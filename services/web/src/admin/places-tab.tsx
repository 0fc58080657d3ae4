import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/context.tsx';
import { ErrorBanner } from '../ui/error-banner.tsx';
import { useLoad } from '../ui/hooks.ts';
import { addPlace, getPlaces, patchPlace, type Place } from './config-api.ts';

const ADDABLE = ['entrance', 'gate', 'lane', 'parking', 'manhole', 'square'] as const;

/** The Places tab: buildings with their units (households, renters), public points; add one, edit the counts and names. */
export function PlacesTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const places = useLoad((signal) => getPlaces(signal), []);
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState('');
  const all = places.data?.places ?? [];
  const buildings = all.filter((p) => p.type === 'building');
  const points = all.filter((p) => p.type !== 'building' && p.type !== 'entrance');
  const run = async (work: () => Promise<string>) => {
    try {
      setNote(await work());
      setError(undefined);
      places.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div class="admin-places">
      <h1>{t('admin.places.title')}</h1>
      <ErrorBanner error={places.error ?? error} onRetry={places.reload} />
      {note && (
        <p class="admin-result" role="status">
          {note}
        </p>
      )}
      <section class="panel">
        <div class="table-wrap">
          <table class="board-table">
            <thead>
              <tr>
                <th>{t('admin.people.id')}</th>
                <th>{t('admin.people.nameZh')}</th>
                <th>{t('admin.places.households')}</th>
                <th>{t('admin.places.renters')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {buildings.map((b) => [
                <tr key={b.id} class="admin-places__building">
                  <th scope="row">{b.id}</th>
                  <td colSpan={4}>{i18n.name(b.name)}</td>
                </tr>,
                ...all.filter((e) => e.type === 'entrance' && e.buildingId === b.id).map((e) => <UnitRow key={`${e.id}-${e.version}`} unit={e} onSave={run} />),
              ])}
              {points.map((p) => (
                <tr key={p.id}>
                  <th scope="row">{p.id}</th>
                  <td>
                    {i18n.name(p.name)} <span class="muted">{p.type}</span>
                  </td>
                  <td colSpan={3} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <AddPlace buildings={buildings} onAdd={run} />
    </div>
  );
}

function UnitRow({ unit, onSave }: { unit: Place; onSave: (work: () => Promise<string>) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [households, setHouseholds] = useState(String(unit.households ?? 0));
  const [renters, setRenters] = useState(unit.renters === undefined ? '' : String(unit.renters));
  const dirty = households !== String(unit.households ?? 0) || renters !== (unit.renters === undefined ? '' : String(unit.renters));
  return (
    <tr data-place={unit.id}>
      <td>{unit.id}</td>
      <td>{i18n.name(unit.name)}</td>
      <td>
        <input class="admin-input--short" name="households" inputMode="numeric" value={households} onInput={(e) => setHouseholds(e.currentTarget.value)} />
      </td>
      <td>
        <input class="admin-input--short" name="renters" inputMode="numeric" value={renters} onInput={(e) => setRenters(e.currentTarget.value)} />
      </td>
      <td>
        {dirty && (
          <button type="button" class="btn btn--small" onClick={() => onSave(async () => (await patchPlace(unit.id, { version: unit.version, households: Number(households), renters: renters === '' ? null : Number(renters) }), t('admin.places.save')))}>
            {t('admin.places.save')}
          </button>
        )}
      </td>
    </tr>
  );
}

function AddPlace({ buildings, onAdd }: { buildings: Place[]; onAdd: (work: () => Promise<string>) => void }) {
  const { t } = useI18n();
  const [f, setF] = useState({ type: 'entrance', parent: '', id: '', zh: '', en: '', households: '', renters: '', x: '', y: '', depthMm: '' });
  const input = (key: keyof typeof f, label: string) => (
    <label>
      {label}
      <input name={key} value={f[key]} onInput={(e) => setF({ ...f, [key]: e.currentTarget.value })} />
    </label>
  );
  const submit = (e: Event) => {
    e.preventDefault();
    const plan = f.x !== '' && f.y !== '' ? { plan: { x: Number(f.x), y: Number(f.y) } } : {};
    const body =
      f.type === 'entrance'
        ? { type: 'entrance', buildingId: f.parent, id: f.id, name: { zh: f.zh, en: f.en }, households: Number(f.households || 0), ...(f.renters ? { renters: Number(f.renters) } : {}), ...plan }
        : { type: f.type, compoundId: f.parent, id: f.id, name: { zh: f.zh, en: f.en }, ...(f.depthMm ? { depthMm: Number(f.depthMm) } : {}), ...plan };
    onAdd(async () => (await addPlace(body), t('admin.places.added', { id: f.id })));
  };
  return (
    <section class="panel" aria-labelledby="add-place-title">
      <h2 id="add-place-title">{t('admin.places.add')}</h2>
      <form class="admin-form" onSubmit={submit}>
        <label>
          {t('admin.places.type')}
          <select name="type" value={f.type} onChange={(e) => setF({ ...f, type: e.currentTarget.value })}>
            {ADDABLE.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.places.parent')}
          <input name="parent" list="admin-buildings" value={f.parent} onInput={(e) => setF({ ...f, parent: e.currentTarget.value })} />
          <datalist id="admin-buildings">
            {buildings.map((b) => (
              <option key={b.id} value={b.id} />
            ))}
          </datalist>
        </label>
        {input('id', t('admin.people.id'))}
        {input('zh', t('admin.people.nameZh'))}
        {input('en', t('admin.people.nameEn'))}
        {f.type === 'entrance' && input('households', t('admin.places.households'))}
        {f.type === 'entrance' && input('renters', t('admin.places.renters'))}
        {f.type === 'manhole' && input('depthMm', t('admin.places.depth'))}
        {input('x', t('admin.places.x'))}
        {input('y', t('admin.places.y'))}
        <button type="submit" class="btn">
          {t('admin.places.add')}
        </button>
      </form>
    </section>
  );
}
