/**
 * The Docker set-up's InfluxDB and Grafana, checked without Docker: the files parse, the
 * services agree on org, bucket and token, the platform's own config accepts what compose
 * gives it, and every dashboard query asks for measurements, fields and tags the time-series
 * schema has, and draws the drain levels where the alerting rules fire. Whether the Flux
 * runs is checked against a real InfluxDB in tests/infra/influx-grafana-dashboards.test.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toDeviceContext } from '../../../services/alerting/device-context.ts';
import { CATEGORIES, PRIORITIES } from '../../../services/alerting/domain/model.ts';
import { resolveRuleSettings } from '../../../services/alerting/domain/rules/settings.ts';
import { TICKET_STATES, TIMELINE_ACTIONS } from '../../../services/alerting/domain/tickets/types.ts';
import { loadRuleOverrides } from '../../../services/alerting/rule-overrides-file.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { loadTelemetryConfig } from '../../../services/telemetry/config.ts';
import { measurementSpec, tagsOf } from '../../../services/timeseries/measurements.ts';
import { interpolate } from '../../support/compose-services.ts';
import { allPanels, composeFile, dashboards, fluxQueries, GRAFANA, INFRA, readYaml, type Panel, type Thresholds } from '../../support/grafana-files.ts';

interface DatasourceFile {
  apiVersion: number;
  datasources: { uid: string; type: string; url: string; isDefault?: boolean; jsonData: Record<string, unknown>; secureJsonData: Record<string, string> }[];
}
interface ProviderFile {
  apiVersion: number;
  providers: { type: string; options: { path: string } }[];
}

const compose = composeFile();
const [datasource] = readYaml<DatasourceFile>(join(GRAFANA, 'provisioning/datasources/influxdb.yaml')).datasources;
const [provider] = readYaml<ProviderFile>(join(GRAFANA, 'provisioning/dashboards/opencompound.yaml')).providers;
const all = dashboards();

/** Flux columns every table has, whatever the measurement. */
const FLUX_COLUMNS = new Set(['_measurement', '_field', '_value', '_time', '_start', '_stop']);
/** Tag values from the alerting domain's closed lists, which a query's literal must be one of. */
const TAG_VALUES: Record<string, readonly string[]> = { action: TIMELINE_ACTIONS, state: TICKET_STATES, category: CATEGORIES, priority: PRIORITIES };

const matches = (text: string, re: RegExp) => [...text.matchAll(re)].map((m) => m[1]!);

describe('infra/docker-compose.yml: InfluxDB and Grafana', () => {
  const env = (service: string) => compose.services[service]!.environment!;

  it('sets InfluxDB 2.7 up with the org, bucket and token the platform and Grafana use', () => {
    const influx = compose.services.influxdb!;
    expect(influx.image).toBe('influxdb:2.7');
    expect(influx.healthcheck?.test).toEqual(['CMD', 'influx', 'ping']);
    const init = env('influxdb');
    expect(init).toMatchObject({ DOCKER_INFLUXDB_INIT_MODE: 'setup', DOCKER_INFLUXDB_INIT_ORG: 'opencompound', DOCKER_INFLUXDB_INIT_BUCKET: 'telemetry' });
    // influx setup refuses passwords under 8 characters.
    expect(interpolate(init.DOCKER_INFLUXDB_INIT_PASSWORD!).length).toBeGreaterThanOrEqual(8);

    // One token expression everywhere, so setting OC_INFLUX_TOKEN changes all three.
    const token = init.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN!;
    expect(token).toMatch(/^\$\{OC_INFLUX_TOKEN:-[^}]+\}$/);
    expect(env('opencompound').OC_INFLUX_TOKEN).toBe(token);
    expect(env('grafana').OC_INFLUX_TOKEN).toBe(token);
    expect(datasource!.secureJsonData.token).toBe('$OC_INFLUX_TOKEN');
    // The dev default is the one infra/influxdb/start.sh uses, so tests and docs agree.
    expect(interpolate(token)).toBe('opencompound-dev-token');
  });

  it('points the opencompound service at it, in a form its config accepts', () => {
    const oc = compose.services.opencompound!;
    const config = loadTelemetryConfig('/data', Object.fromEntries(Object.entries(oc.environment!).map(([k, v]) => [k, interpolate(String(v))])));
    const init = env('influxdb');
    expect(config.store).toEqual({ kind: 'influxdb', url: 'http://influxdb:8086', org: init.DOCKER_INFLUXDB_INIT_ORG, bucket: init.DOCKER_INFLUXDB_INIT_BUCKET, token: interpolate(init.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN!) });
    expect(oc.depends_on).toEqual({ influxdb: { condition: 'service_healthy' } });
  });

  it('gives Grafana a Flux data source on the same InfluxDB, org and bucket, and mounts the files the provisioning expects', () => {
    const init = env('influxdb');
    expect(datasource).toMatchObject({ type: 'influxdb', url: 'http://influxdb:8086', isDefault: true });
    expect(datasource!.jsonData).toMatchObject({ version: 'Flux', organization: init.DOCKER_INFLUXDB_INIT_ORG, defaultBucket: init.DOCKER_INFLUXDB_INIT_BUCKET });

    const grafana = compose.services.grafana!;
    expect(grafana.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    const mounts = new Map(grafana.volumes!.map((v) => [v.split(':')[1]!, v.split(':')[0]!]));
    expect(mounts.get('/etc/grafana/provisioning/datasources')).toBe('./grafana/provisioning/datasources');
    expect(mounts.get('/etc/grafana/provisioning/dashboards')).toBe('./grafana/provisioning/dashboards');
    expect(mounts.get(provider!.options.path)).toBe('./grafana/dashboards');
    expect(provider!.type).toBe('file');
    // Bind mounts are relative to infra/; named volumes are declared.
    for (const [service, s] of Object.entries(compose.services)) {
      for (const source of (s.volumes ?? []).map((v) => v.split(':')[0]!)) {
        if (source.startsWith('.')) expect(existsSync(join(INFRA, source)), `${service}: ${source}`).toBe(true);
        else expect(Object.keys(compose.volumes), `${service}: volume ${source}`).toContain(source);
      }
    }
    const home = env('grafana').GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
    expect(home.startsWith(`${provider!.options.path}/`)).toBe(true);
    expect(all.map((d) => d.file)).toContain(home.slice(provider!.options.path.length + 1));
  });
});

describe('infra/grafana/dashboards', () => {
  it('has the three dashboards, with unique uids and panel ids, every query on the provisioned data source', () => {
    expect(all.map((d) => d.dashboard.uid)).toEqual(['oc-device-health', 'oc-drain-levels', 'oc-tickets']);
    for (const { dashboard } of all) {
      const ids = allPanels(dashboard.panels).map((p) => p.id);
      expect(new Set(ids).size, dashboard.uid).toBe(ids.length);
      for (const q of fluxQueries(dashboard)) expect(q.datasource, q.where).toEqual({ type: 'influxdb', uid: datasource!.uid });
      for (const p of allPanels(dashboard.panels)) expect(p.targets?.length ?? 0, `${dashboard.uid} panel ${p.id}`).toBeGreaterThan(0);
    }
  });

  it('asks every query for measurements, fields and tags of services/timeseries/measurements.ts only', () => {
    for (const { dashboard } of all) {
      for (const { where, query } of fluxQueries(dashboard)) {
        const measurements = matches(query, /r\._measurement\s*==\s*"([^"]+)"/g);
        expect(measurements.length, `${where} names no measurement`).toBeGreaterThan(0);
        const specs = measurements.map((m) => {
          const spec = measurementSpec(m);
          expect(spec, `${where}: unknown measurement ${m}`).toBeDefined();
          return spec!;
        });
        const fields = new Set(specs.flatMap((s) => Object.keys(s.fields)));
        const tags = new Set(specs.flatMap((s) => tagsOf(s)));
        for (const f of matches(query, /r\._field\s*==\s*"([^"]+)"/g)) expect(fields, `${where}: field ${f}`).toContain(f);
        // Any r.x is a tag, a field (after a pivot) or a column every Flux table has.
        for (const column of matches(query, /\br\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
          expect(tags.has(column) || fields.has(column) || FLUX_COLUMNS.has(column), `${where}: r.${column} is no tag or field of ${measurements.join(', ')}`).toBe(true);
        }
        for (const tag of matches(query, /\btag:\s*"([^"]+)"/g)) expect(tags, `${where}: tag ${tag}`).toContain(tag);
        for (const column of matches(query, /(?:group|keep)\(columns:\s*\[([^\]]*)\]/g).flatMap((list) => matches(list, /"([^"]+)"/g))) {
          expect(tags.has(column) || fields.has(column) || FLUX_COLUMNS.has(column), `${where}: column ${column}`).toBe(true);
        }
        for (const [, tag, value] of query.matchAll(/r\.(action|state|category|priority)\s*==\s*"([^"]+)"/g)) {
          expect(TAG_VALUES[tag!], `${where}: ${tag} "${value}"`).toContain(value);
        }
      }
    }
  });

  it("draws each manhole's warning and critical levels where its alerting rules fire (defaults, then the site's rules file)", () => {
    const drainDashboard = all.find((d) => d.dashboard.uid === 'oc-drain-levels')!.dashboard;
    const percentPanels = allPanels(drainDashboard.panels).filter((p) => p.fieldConfig?.defaults.unit === 'percent');
    expect(percentPanels.length).toBeGreaterThanOrEqual(2);
    const overrides = loadRuleOverrides();
    const drains = listDevices(loadSite()).filter((d) => d.kind === 'drain');
    expect(drains.length).toBeGreaterThan(0);
    for (const panel of percentPanels) {
      for (const d of drains) {
        const { warningPct, criticalPct } = resolveRuleSettings(overrides, toDeviceContext(d)).drain;
        // Series are named by the manhole (place) the query pivots on.
        expect(levelsDrawn(panel, d.placeId), `${panel.title}: ${d.placeId}`).toEqual([warningPct, criticalPct]);
      }
    }
  });
});

/** The threshold values a panel draws for the series named `series`: its override, else the panel's own. */
function levelsDrawn(panel: Panel, series: string): (number | null)[] {
  const override = panel.fieldConfig!.overrides.find((o) => o.matcher.id === 'byName' && o.matcher.options === series);
  const thresholds = (override?.properties.find((p) => p.id === 'thresholds')?.value as Thresholds | undefined) ?? panel.fieldConfig!.defaults.thresholds!;
  return thresholds.steps.slice(1).map((s) => s.value);
}
