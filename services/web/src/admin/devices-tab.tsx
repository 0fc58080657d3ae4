import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { useI18n } from '../i18n/context.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { errorText } from '../ui/error-text.ts';
import { addDevice, DEVICE_KINDS, listDevices, moveDevice, revokeDevice, rotateDevice, sitePlaces, type AdminDevice, type MountPlace } from './admin-api.ts';
import { DeviceImport } from './device-import.tsx';
import { ProvisioningKey } from './provisioning-key.tsx';
import { SecretBox } from './secret-box.tsx';

/** How often the list asks again: a device added here shows up online within about this long. */
const REFRESH_MS = 2000;

type Notice = { kind: 'secret'; text: string; value: string } | { kind: 'info'; text: string } | { kind: 'error'; text: string };

/** Devices: add one (its secret shown once), watch it come online, move, rotate, revoke; import a CSV; issue a provisioning key. */
export function DevicesTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const [devices, setDevices] = useState<AdminDevice[] | undefined>();
  const [places, setPlaces] = useState<{ buildings: MountPlace[]; places: MountPlace[] }>({ buildings: [], places: [] });
  const [notice, setNotice] = useState<Notice | undefined>();
  const [filter, setFilter] = useState('');
  const [stateFilter, setStateFilter] = useState<'' | 'active' | 'revoked'>('');
  const [confirming, setConfirming] = useState<string | undefined>();

  const refresh = useCallback(() => {
    listDevices().then(setDevices, (err: unknown) => setNotice({ kind: 'error', text: errorText(err, i18n) }));
  }, [i18n]);
  useEffect(() => {
    refresh();
    sitePlaces().then(setPlaces, () => undefined);
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const placeName = useMemo(() => {
    const byId = new Map(places.places.map((p) => [p.id, p]));
    return (id: string) => {
      const p = byId.get(id);
      return p ? `${i18n.name(p.name)} (${id})` : id;
    };
  }, [places, i18n]);

  const act = (work: () => Promise<Notice>) => {
    setNotice(undefined);
    work().then(
      (n) => {
        setNotice(n);
        refresh();
      },
      (err: unknown) => setNotice({ kind: 'error', text: errorText(err, i18n) }),
    );
  };

  // What was changed last comes first: the device just added or rotated is at the top.
  const shown = [...(devices ?? [])].sort((a, b) => b.updatedAt - a.updatedAt || a.deviceId.localeCompare(b.deviceId)).filter((d) => (stateFilter === '' || d.state === stateFilter) && (filter === '' || `${d.deviceId} ${d.placeId} ${d.name?.zh ?? ''} ${d.name?.en ?? ''}`.toLowerCase().includes(filter.toLowerCase())));

  return (
    <section class="admin-section" aria-labelledby="devices-title">
      <h1 id="devices-title">{t('admin.devices.title')}</h1>
      <AddDeviceForm places={places.places} onAdded={(id, secret) => act(async () => ({ kind: 'secret', text: t('admin.devices.secretOnce', { id }), value: secret }))} onError={(text) => setNotice({ kind: 'error', text })} />
      {notice?.kind === 'secret' && <SecretBox text={notice.text} value={notice.value} />}
      {notice?.kind === 'info' && (
        <p class="notice" role="status">
          {notice.text}
        </p>
      )}
      {notice?.kind === 'error' && (
        <p class="error" role="alert">
          {notice.text}
        </p>
      )}
      <div class="admin-filters">
        <label class="field field--inline">
          <span>{t('admin.devices.filter')}</span>
          <input type="search" value={filter} data-testid="device-filter" onInput={(e) => setFilter(e.currentTarget.value)} />
        </label>
        <label class="field field--inline">
          <span>{t('admin.devices.state')}</span>
          <select value={stateFilter} onChange={(e) => setStateFilter(e.currentTarget.value as typeof stateFilter)}>
            <option value="">{t('admin.devices.allStates')}</option>
            <option value="active">{t('admin.state.active')}</option>
            <option value="revoked">{t('admin.state.revoked')}</option>
          </select>
        </label>
        <span class="muted">{t('admin.devices.count', { shown: shown.length, total: devices?.length ?? 0 })}</span>
      </div>
      <div class="table-wrap">
        <table class="board-table admin-table" data-testid="device-table">
          <thead>
            <tr>
              <th>{t('admin.devices.id')}</th>
              <th>{t('admin.devices.kind')}</th>
              <th>{t('admin.devices.place')}</th>
              <th>{t('admin.devices.state')}</th>
              <th>{t('admin.devices.status')}</th>
              <th class="num">{t('admin.devices.version')}</th>
              <th>{t('admin.devices.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((d) => (
              <tr key={d.deviceId} data-device={d.deviceId} data-state={d.state} data-status={d.status}>
                <td class="mono">{d.deviceId}</td>
                <td>{t(`admin.kind.${d.kind}` as MessageKey)}</td>
                <td>
                  {d.state === 'active' ? (
                    <select
                      aria-label={`${t('admin.devices.move')} ${d.deviceId}`}
                      value={d.placeId}
                      onChange={(e) => {
                        const placeId = e.currentTarget.value;
                        act(async () => {
                          await moveDevice(d.deviceId, d.version, placeId);
                          return { kind: 'info', text: t('admin.devices.moved', { id: d.deviceId, place: placeName(placeId) }) };
                        });
                      }}
                    >
                      {places.places.filter((p) => d.kind !== 'drain' || p.type === 'manhole').map((p) => (
                        <option key={p.id} value={p.id}>
                          {placeName(p.id)}
                        </option>
                      ))}
                      {!places.places.some((p) => p.id === d.placeId) && <option value={d.placeId}>{d.placeId}</option>}
                    </select>
                  ) : (
                    placeName(d.placeId)
                  )}
                </td>
                <td>
                  <span class={`state state--${d.state === 'active' ? 'resolved' : 'closed'}`}>{t(`admin.state.${d.state}`)}</span>
                </td>
                <td>
                  <span class={`status--${d.status}`} data-testid="device-status">
                    <span class="dot" aria-hidden="true" /> {t(`admin.status.${d.status}`)}
                  </span>
                </td>
                <td class="num">{d.version}</td>
                <td>
                  {d.state === 'active' && (
                    <div class="admin-actions">
                      <button type="button" class="btn btn--small" onClick={() => act(async () => ({ kind: 'secret', text: t('admin.devices.rotated', { id: d.deviceId }), value: (await rotateDevice(d.deviceId)).secret }))}>
                        {t('admin.devices.rotate')}
                      </button>
                      {confirming === d.deviceId ? (
                        <button
                          type="button"
                          class="btn btn--small btn--danger"
                          onClick={() => {
                            setConfirming(undefined);
                            act(async () => {
                              await revokeDevice(d.deviceId);
                              return { kind: 'info', text: t('admin.devices.revoked', { id: d.deviceId }) };
                            });
                          }}
                        >
                          {t('admin.devices.revokeConfirm')}
                        </button>
                      ) : (
                        <button type="button" class="btn btn--small btn--ghost" onClick={() => setConfirming(d.deviceId)}>
                          {t('admin.devices.revoke')}
                        </button>
                      )}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="admin-columns">
        <DeviceImport onDone={refresh} />
        <ProvisioningKey buildings={places.buildings} />
      </div>
    </section>
  );
}

function AddDeviceForm({ places, onAdded, onError }: { places: MountPlace[]; onAdded(id: string, secret: string): void; onError(text: string): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [deviceId, setDeviceId] = useState('');
  const [kind, setKind] = useState<string>('camera');
  const [placeId, setPlaceId] = useState('');
  const [nameZh, setNameZh] = useState('');
  const [nameEn, setNameEn] = useState('');
  const [busy, setBusy] = useState(false);
  const fitting = places.filter((p) => kind !== 'drain' || p.type === 'manhole');
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const name = nameZh.trim() && nameEn.trim() ? { name: { zh: nameZh.trim(), en: nameEn.trim() } } : {};
    addDevice({ deviceId: deviceId.trim(), kind, placeId: placeId || fitting[0]?.id || '', ...name })
      .then(
        (issued) => {
          onAdded(issued.deviceId, issued.secret);
          setDeviceId('');
          setNameZh('');
          setNameEn('');
        },
        (err: unknown) => onError(errorText(err, i18n)),
      )
      .finally(() => setBusy(false));
  };
  return (
    <form class="admin-form" onSubmit={submit} aria-labelledby="add-device-title" data-testid="add-device">
      <h2 id="add-device-title">{t('admin.devices.add')}</h2>
      <label class="field">
        <span>{t('admin.devices.id')}</span>
        <input name="deviceId" required pattern="[a-z0-9][a-z0-9\-]{1,62}[a-z0-9]" placeholder="dl8-cam-13" value={deviceId} onInput={(e) => setDeviceId(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>{t('admin.devices.kind')}</span>
        <select name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          {DEVICE_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`admin.kind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>{t('admin.devices.place')}</span>
        <select name="placeId" value={placeId} onChange={(e) => setPlaceId(e.currentTarget.value)}>
          {fitting.map((p) => (
            <option key={p.id} value={p.id}>
              {i18n.name(p.name)} ({p.id})
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>{t('admin.devices.nameZh')}</span>
        <input name="nameZh" value={nameZh} onInput={(e) => setNameZh(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>{t('admin.devices.nameEn')}</span>
        <input name="nameEn" value={nameEn} onInput={(e) => setNameEn(e.currentTarget.value)} />
      </label>
      <button type="submit" class="btn btn--primary" disabled={busy}>
        {t('admin.devices.submit')}
      </button>
    </form>
  );
}
