import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/context.tsx';
import { ErrorBanner } from '../ui/error-banner.tsx';
import { useLoad } from '../ui/hooks.ts';
import { addPerson, getPeople, patchPerson, type Person, type PersonAnswer } from './config-api.ts';
import { Warnings } from './warnings.tsx';

const ROLES = ['staff', 'operator', 'supervisor', 'manager'] as const;

/** The People tab: everyone on the roster, disable or enable at a click, edit contact and crew, add someone. */
export function PeopleTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const people = useLoad((signal) => getPeople(signal), []);
  const [error, setError] = useState<unknown>();
  const [answer, setAnswer] = useState<PersonAnswer | undefined>();
  const data = people.data;
  const run = async (work: () => Promise<PersonAnswer>) => {
    try {
      setAnswer(await work());
      setError(undefined);
      people.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div class="admin-people">
      <h1>{t('admin.people.title')}</h1>
      <ErrorBanner error={people.error ?? error} onRetry={people.reload} />
      {answer && (
        <div class="admin-result" role="status">
          <Warnings warnings={answer.warnings} />
          {answer.returnedToDesk.length > 0 && <p>{t('admin.people.returned', { tickets: answer.returnedToDesk.join(', ') })}</p>}
        </div>
      )}
      {data && (
        <>
          <section class="panel">
            <div class="table-wrap">
              <table class="board-table admin-people__table">
                <thead>
                  <tr>
                    <th>{t('admin.people.id')}</th>
                    <th>{t('admin.people.nameZh')}</th>
                    <th>{t('admin.people.team')}</th>
                    <th>{t('admin.people.role')}</th>
                    <th>{t('admin.roster.crew')}</th>
                    <th>{t('admin.people.phone')}</th>
                    <th>{t('admin.people.email')}</th>
                    <th>{t('admin.people.login')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {data.people.map((p) => (
                    <PersonRow key={`${p.id}-${data.version}`} person={p} version={data.version} onChange={run} />
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <AddPerson version={data.version} onAdd={run} />
        </>
      )}
    </div>
  );
}

function PersonRow({ person, version, onChange }: { person: Person; version: number; onChange: (work: () => Promise<PersonAnswer>) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [phone, setPhone] = useState(person.phone ?? '');
  const [email, setEmail] = useState(person.email ?? '');
  const [crew, setCrew] = useState(person.crew ?? '');
  const dirty = phone !== (person.phone ?? '') || email !== (person.email ?? '') || crew !== (person.crew ?? '');
  const save = () => onChange(() => patchPerson(person.id, { version, phone: phone || null, email: email || null, ...(crew !== (person.crew ?? '') ? { crew: crew || null } : {}) }));
  return (
    <tr data-person={person.id} class={person.disabled ? 'row row--disabled' : 'row'}>
      <td>{person.id}</td>
      <td>
        {i18n.name(person.name)} {person.disabled && <span class="badge">{t('admin.people.disabled')}</span>}
      </td>
      <td>{person.teamId}</td>
      <td>{person.role}</td>
      <td>
        <input class="admin-input--short" name="crew" value={crew} onInput={(e) => setCrew(e.currentTarget.value)} />
      </td>
      <td>
        <input name="phone" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
      </td>
      <td>
        <input name="email" type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      </td>
      <td>{person.login ? `${person.login.login} (${person.login.role})` : ''}</td>
      <td class="admin-actions">
        {dirty && (
          <button type="button" class="btn btn--small" onClick={save}>
            {t('admin.people.save')}
          </button>
        )}
        <button type="button" class="btn btn--small" data-action={person.disabled ? 'enable' : 'disable'} onClick={() => onChange(() => patchPerson(person.id, { version, disabled: !person.disabled }))}>
          {t(person.disabled ? 'admin.people.enable' : 'admin.people.disable')}
        </button>
      </td>
    </tr>
  );
}

function AddPerson({ version, onAdd }: { version: number; onAdd: (work: () => Promise<PersonAnswer>) => void }) {
  const { t } = useI18n();
  const [f, setF] = useState({ id: '', zh: '', en: '', teamId: '', role: 'staff', scheduleId: '', crew: '', phone: '', email: '', login: '', password: '' });
  const field = (key: keyof typeof f, label: string, type = 'text') => (
    <label>
      {label}
      <input name={key} type={type} value={f[key]} onInput={(e) => setF({ ...f, [key]: e.currentTarget.value })} />
    </label>
  );
  const submit = (e: Event) => {
    e.preventDefault();
    const loginRole = f.role === 'staff' ? 'staff' : f.role === 'manager' ? 'manager' : 'operator';
    onAdd(() =>
      addPerson({
        version,
        id: f.id,
        name: { zh: f.zh, en: f.en },
        teamId: f.teamId,
        role: f.role,
        ...(f.scheduleId ? { scheduleId: f.scheduleId } : {}),
        ...(f.crew ? { crew: f.crew } : {}),
        ...(f.phone ? { phone: f.phone } : {}),
        ...(f.email ? { email: f.email } : {}),
        ...(f.login ? { login: { login: f.login, role: loginRole, password: f.password } } : {}),
      }),
    );
  };
  return (
    <section class="panel" aria-labelledby="add-person-title">
      <h2 id="add-person-title">{t('admin.people.add')}</h2>
      <form class="admin-form" onSubmit={submit}>
        {field('id', t('admin.people.id'))}
        {field('zh', t('admin.people.nameZh'))}
        {field('en', t('admin.people.nameEn'))}
        {field('teamId', t('admin.people.team'))}
        <label>
          {t('admin.people.role')}
          <select name="role" value={f.role} onChange={(e) => setF({ ...f, role: e.currentTarget.value })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        {field('scheduleId', t('admin.people.schedule'))}
        {field('crew', t('admin.roster.crew'))}
        {field('phone', t('admin.people.phone'), 'tel')}
        {field('email', t('admin.people.email'), 'email')}
        {field('login', t('admin.people.login'))}
        {field('password', t('admin.people.password'), 'password')}
        <button type="submit" class="btn">
          {t('admin.people.add')}
        </button>
      </form>
    </section>
  );
}
