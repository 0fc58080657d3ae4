/**
 * Reads the Docker set-up's files (infra/docker-compose.yml, infra/grafana/) for the tests
 * that check them: the unit test against the schema, the infra test against a real InfluxDB.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './mosquitto-env.ts';

export const INFRA = join(REPO_ROOT, 'infra');
export const GRAFANA = join(INFRA, 'grafana');
const DASHBOARDS_DIR = join(GRAFANA, 'dashboards');

export interface Datasource {
  type: string;
  uid: string;
}

export interface Target {
  refId: string;
  datasource?: Datasource;
  query: string;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: Datasource;
  targets?: Target[];
  panels?: Panel[];
  repeat?: string;
  fieldConfig?: {
    defaults: { unit?: string; thresholds?: Thresholds };
    overrides: { matcher: { id: string; options: string }; properties: { id: string; value: unknown }[] }[];
  };
}

export interface Thresholds {
  mode: string;
  steps: { color: string; value: number | null }[];
}

export interface Variable {
  name: string;
  type: string;
  datasource?: Datasource;
  query: string;
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

export const readYaml = <T>(path: string): T => parse(readFileSync(path, 'utf8')) as T;

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  profiles?: string[];
  command?: string[];
  restart?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

export const composeFile = () => readYaml<{ services: Record<string, ComposeService>; volumes: Record<string, unknown> }>(join(INFRA, 'docker-compose.yml'));

export function dashboards(): { file: string; dashboard: Dashboard }[] {
  return readdirSync(DASHBOARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard }));
}

/** Every panel, also those inside rows. */
export function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** Every Flux query of a dashboard, named for messages: panel targets and query variables. */
export function fluxQueries(d: Dashboard): { where: string; query: string; datasource: Datasource | undefined }[] {
  const fromPanels = allPanels(d.panels).flatMap((p) => (p.targets ?? []).map((t) => ({ where: `${d.uid} panel ${p.id} "${p.title}" ${t.refId}`, query: t.query, datasource: t.datasource ?? p.datasource })));
  const fromVariables = d.templating.list.filter((v) => v.type === 'query').map((v) => ({ where: `${d.uid} variable ${v.name}`, query: v.query, datasource: v.datasource }));
  return [...fromPanels, ...fromVariables];
}
