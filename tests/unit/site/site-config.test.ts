import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite, parseSite, REFERENCE_SITE_PATH } from '../../../services/site/load.ts';
import { loadServiceConfig } from '../../../services/config/service-config.ts';
import { isOcError } from '../../../services/shared/errors.ts';

// The raw YAML tree, poked at freely to break it in one place per test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawSite = any;
const reference = (): RawSite => parse(readFileSync(REFERENCE_SITE_PATH, 'utf8'));

describe('reference site: Dianliu Block 8', () => {
  const site = loadSite();
  const compound = site.communities[0]!.compounds[0]!;
  const devices = listDevices(site);

  it('has the figures of the place', () => {
    expect(compound.name).toEqual({ zh: '甸柳八区', en: 'Dianliu Block 8' });
    expect(compound.buildings).toHaveLength(6);
    expect(compound.buildings.flatMap((b) => b.entrances)).toHaveLength(32);
    expect(compound.households).toBe(569);
  });

  it('has door controllers on 32 unit doors and 2 gates, 12 cameras, 8 drain sensors at manholes', () => {
    const byKind = (k: string) => devices.filter((d) => d.kind === k);
    expect(byKind('door').filter((d) => d.placeType === 'entrance')).toHaveLength(32);
    expect(byKind('door').filter((d) => d.placeType === 'gate')).toHaveLength(2);
    expect(byKind('camera')).toHaveLength(12);
    expect(byKind('drain').every((d) => d.placeType === 'manhole' && d.depthMm! > 0)).toBe(true);
    expect(byKind('drain')).toHaveLength(8);
  });

  it('puts the cameras on lanes and gates (one watches the central parking), and the drain sensors by the street restaurants', () => {
    const cameraPlaces = devices.filter((d) => d.kind === 'camera').map((d) => d.placeType);
    expect(cameraPlaces.filter((t) => t === 'lane' || t === 'gate')).toHaveLength(11);
    expect(cameraPlaces.filter((t) => t === 'gate').length).toBeGreaterThanOrEqual(2);
    expect(cameraPlaces.filter((t) => t !== 'lane' && t !== 'gate')).toEqual(['parking']);
    const manholes = new Map(compound.publicPoints.filter((p) => p.type === 'manhole').map((p) => [p.id, p]));
    for (const d of devices.filter((x) => x.kind === 'drain')) {
      // Each manhole says whose kitchen drains into it, in both languages.
      expect(manholes.get(d.placeId)?.note?.en, d.id).toMatch(/restaurant|shop/);
      expect(manholes.get(d.placeId)?.note?.zh, d.id).toMatch(/[馆店铺]门前$/);
    }
  });

  it('names every place in Chinese and in English', () => {
    const named = [
      site.subdistrict,
      ...site.communities,
      compound,
      ...compound.buildings,
      ...compound.buildings.flatMap((b) => b.entrances),
      ...compound.publicPoints,
      ...devices,
    ];
    expect(named.length).toBeGreaterThan(6 + 32 + 54);
    for (const { name } of named) {
      expect(name.zh).toMatch(/\p{Script=Han}/u);
      expect(name.en).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});

describe('site config validation names the bad key', () => {
  const expectProblem = (mutate: (raw: RawSite) => void, key: string, text: RegExp) => {
    const raw = reference();
    mutate(raw);
    try {
      parseSite(raw, 'test-site');
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(isOcError(err, 'OC_CONFIG_INVALID')).toBe(true);
      expect((err as Error).message).toContain(key);
      expect((err as Error).message).toMatch(text);
    }
  };

  it('a device at an unknown place', () =>
    expectProblem((r) => (r.communities[0].compounds[0].devices[3].at = 'b9-u9'), 'communities.0.compounds.0.devices.3.at', /unknown place 'b9-u9'/));
  it('a duplicate device id', () =>
    expectProblem((r) => (r.communities[0].compounds[0].devices[1].id = r.communities[0].compounds[0].devices[0].id), 'devices.1.id', /duplicate device id/));
  it('an unknown device kind', () =>
    expectProblem((r) => (r.communities[0].compounds[0].devices[0].kind = 'toaster'), 'devices.0.kind', /door|camera|drain/));
  it('a manhole without depth', () =>
    expectProblem((r) => delete r.communities[0].compounds[0].publicPoints.find((p: RawSite) => p.type === 'manhole').depthMm, 'depthMm', /required for a manhole/));
  it('household totals that do not add up', () =>
    expectProblem((r) => (r.communities[0].compounds[0].households = 570), 'compounds.0.households', /add up to 569/));
  it('a misspelt key', () => expectProblem((r) => (r.communities[0].compounds[0].buildngs = []), 'communities.0.compounds.0.buildngs', /is not a known key/));
  it('a drain sensor not at a manhole', () =>
    expectProblem((r) => (r.communities[0].compounds[0].devices.find((d: RawSite) => d.kind === 'drain').at = 'lane-1'), '.at', /must be at a manhole/));
});

describe('service config from the environment', () => {
  it('has working defaults', () => {
    const config = loadServiceConfig({});
    expect(config.mqtt).toEqual({ host: '127.0.0.1', port: 1883, tls: undefined });
    expect(config.eventLog.kind).toBe('embedded');
    expect(config.simulator.enabled).toBe(true);
  });
  it('names each bad variable', () => {
    expect(() => loadServiceConfig({ OC_MQTT_PORT: 'eighty', OC_EVENT_LOG: 'postgres' })).toThrow(/OC_MQTT_PORT="eighty".*OC_EVENT_LOG="postgres"/);
    expect(() => loadServiceConfig({ OC_SIMULATE: 'maybe' })).toThrow(/OC_SIMULATE/);
    expect(() => loadServiceConfig({ OC_MQTT_TLS_CERT: 'cert.pem' })).toThrow(/OC_MQTT_TLS_KEY.*both a certificate and a key/);
  });
  it("keeps reports' personal data 180 days after a ticket closes unless OC_REPORT_RETENTION_DAYS says otherwise, and refuses a bad value", () => {
    expect(loadServiceConfig({}).api.reports.retentionDays).toBe(180);
    expect(loadServiceConfig({ OC_REPORT_RETENTION_DAYS: '30' }).api.reports.retentionDays).toBe(30);
    for (const bad of ['0', '-5', '1.5', 'half a year', '4000']) {
      let thrown: unknown;
      try {
        loadServiceConfig({ OC_REPORT_RETENTION_DAYS: bad });
      } catch (err) {
        thrown = err;
      }
      expect(isOcError(thrown, 'OC_CONFIG_INVALID'), bad).toBe(true);
      expect((thrown as Error).message).toContain(`OC_REPORT_RETENTION_DAYS=${JSON.stringify(bad)}`);
    }
  });
});

describe('choosing the event log is configuration only', () => {
  it('embedded by default, Kafka with its brokers', () => {
    expect(loadServiceConfig({}).eventLog.kind).toBe('embedded');
    expect(loadServiceConfig({ OC_EVENT_LOG: 'kafka', OC_KAFKA_BROKERS: '127.0.0.1:19092,10.0.0.2:9092' }).eventLog).toEqual({ kind: 'kafka', brokers: ['127.0.0.1:19092', '10.0.0.2:9092'] });
  });
  it('names a missing or malformed broker list', () => {
    expect(() => loadServiceConfig({ OC_EVENT_LOG: 'kafka' })).toThrow(/OC_KAFKA_BROKERS.*required when OC_EVENT_LOG=kafka/);
    expect(() => loadServiceConfig({ OC_EVENT_LOG: 'kafka', OC_KAFKA_BROKERS: 'kafka' })).toThrow(/OC_KAFKA_BROKERS="kafka".*host:port/);
  });
});
