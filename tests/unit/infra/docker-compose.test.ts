/**
 * infra/docker-compose.yml's two deployments, checked without Docker: every platform
 * container's settings go through the config loaders of the entry point it runs, its
 * command reaches node with arguments that entry point accepts, and the file hangs
 * together (profiles, ports, depends_on, volumes, image tags, `$` escaping).
 * The InfluxDB and Grafana parts are in grafana-provisioning.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServiceConfig, type ServiceConfig } from '../../../services/config/service-config.ts';
import { loadTelemetryConfig, type TelemetryConfig } from '../../../services/telemetry/config.ts';
import { buildScenario, parseSimulatorArgs, type SimulatorCliOptions } from '../../../simulators/cli-args.ts';
import { DEFAULT_UTC_OFFSET_MIN } from '../../../simulators/models/model.ts';
import { readScenarioFile, scenarioUtcOffsetMin, type Scenario } from '../../../simulators/scenario.ts';
import { allStrings, dependencies, imageDefaults, inProfile, interpolate, mounts, onMount, parsePort, runWithStandInNode } from '../../support/compose-services.ts';
import { composeFile, INFRA, readYaml, type ComposeService } from '../../support/grafana-files.ts';
import { REPO_ROOT } from '../../support/mosquitto-env.ts';

const compose = composeFile();
const image = imageDefaults();
const PROFILES = ['all-in-one', 'kafka'] as const;

/** Settings as each entry point's main() reads them. */
interface Settings {
  service?: ServiceConfig;
  telemetry?: TelemetryConfig;
  simulator?: { options: SimulatorCliOptions; scenario: Scenario };
}
type Loader = 'loadServiceConfig' | 'loadTelemetryConfig' | 'parseSimulatorArgs';

/**
 * The entry points a container may run: the loaders its main() calls (checked against its
 * source below) and what it listens on, which is what a service may publish.
 */
const ENTRY_POINTS: Record<string, { loaders: Loader[]; listens: (s: Settings) => { host: string; port: number }[] }> = {
  'services/main.ts': { loaders: ['loadServiceConfig', 'loadTelemetryConfig'], listens: (s) => [s.service!.mqtt, s.service!.http] },
  'services/gateway/cli.ts': { loaders: ['loadServiceConfig'], listens: (s) => [s.service!.mqtt] },
  'services/alerting/cli.ts': { loaders: ['loadServiceConfig', 'loadTelemetryConfig'], listens: (s) => [s.service!.http] },
  'services/telemetry/cli.ts': { loaders: ['loadServiceConfig', 'loadTelemetryConfig'], listens: () => [] },
  'services/gateway/provision-cli.ts': { loaders: ['loadServiceConfig'], listens: () => [] },
  'simulators/cli.ts': { loaders: ['parseSimulatorArgs'], listens: () => [] },
};
const ALL_LOADERS: Loader[] = ['loadServiceConfig', 'loadTelemetryConfig', 'parseSimulatorArgs'];

/** The platform's containers: those running the image infra/Dockerfile builds. */
const platform = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);
const service = (name: string): ComposeService => compose.services[name]!;

interface Container {
  entry: string;
  args: string[];
  /** The image's ENV under the service's environment, as the process sees it. */
  env: Record<string, string>;
  settings: Settings;
  /** OC_ variables the process reads: the loaders' (recorded), and process.env.OC_* in its entry point and the logger. */
  reads: Set<string>;
}

/** What a platform service runs and the settings it ends up with. */
function container(name: string): Container {
  const s = service(name);
  const { argv } = runWithStandInNode(s.command ?? ['node', ...image.cmd.slice(1)]);
  expect(argv, `${name}: its command never runs node`).toBeDefined();
  expect(argv!.slice(0, 2), `${name}: node runs TypeScript through tsx, as the image's CMD does`).toEqual(['--import', 'tsx']);
  const [entry, ...args] = argv!.slice(2);
  const env = { ...image.env, ...Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))])) };
  const reads = new Set<string>();
  const recorded = new Proxy(env, {
    get: (target, key) => {
      if (typeof key === 'string') reads.add(key);
      return Reflect.get(target, key);
    },
  });
  const loaders = ENTRY_POINTS[entry!]?.loaders ?? [];
  const settings: Settings = {};
  if (loaders.includes('loadServiceConfig')) settings.service = loadServiceConfig(recorded);
  if (loaders.includes('loadTelemetryConfig')) settings.telemetry = loadTelemetryConfig(settings.service!.dataDir, recorded);
  if (loaders.includes('parseSimulatorArgs')) {
    const options = parseSimulatorArgs(args);
    // Relative paths are relative to the image's WORKDIR, where the repository is copied.
    settings.simulator = { options, scenario: buildScenario(options, (path) => readScenarioFile(resolve(REPO_ROOT, path))) };
  }
  for (const file of [entry!, 'services/shared/logger.ts'].filter((f) => existsSync(join(REPO_ROOT, f)))) {
    for (const [, key] of readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(/process\.env\.(OC_[A-Z0-9_]+)/g)) reads.add(key!);
  }
  return { entry: entry!, args, env, settings, reads };
}

/** Worked out on first use, so a broken service fails the tests that look at it, not the whole file. */
const containers = new Map<string, Container>();
function of(name: string): Container {
  if (!containers.has(name)) containers.set(name, container(name));
  return containers.get(name)!;
}
const influxInit = service('influxdb').environment!;

describe('infra/docker-compose.yml: the platform services', () => {
  it('runs the all-in-one in profile all-in-one and a container per service in profile kafka, infrastructure in neither', () => {
    const byProfile = (p: string) => Object.keys(compose.services).filter((n) => service(n).profiles?.includes(p)).sort();
    expect(byProfile('all-in-one')).toEqual(['opencompound']);
    expect(byProfile('kafka')).toEqual(['alerting', 'gateway', 'provision', 'simulator', 'telemetry']);
    for (const name of ['mosquitto', 'kafka', 'influxdb', 'grafana']) expect(service(name).profiles, name).toBeUndefined();
    for (const [name, s] of Object.entries(compose.services)) {
      for (const p of s.profiles ?? []) expect(PROFILES, `${name}: profile ${p}`).toContain(p);
    }
  });

  it('builds every platform service from infra/Dockerfile into one image, and runs an entry point that exists and reads its settings as this test does', () => {
    expect(platform.length).toBe(6);
    for (const [name, s] of platform) {
      expect(s.image, name).toBe('opencompound:local');
      expect(resolve(INFRA, s.build!.context), name).toBe(REPO_ROOT);
      expect(s.build!.dockerfile, name).toBe('infra/Dockerfile');
      const { entry } = of(name);
      expect(existsSync(join(REPO_ROOT, entry)), `${name}: ${entry}`).toBe(true);
      expect(Object.keys(ENTRY_POINTS), `${name}: ${entry}`).toContain(entry);
    }
    expect(of('opencompound').entry).toBe('services/main.ts');
    // The table above must say which loaders each main() really calls.
    for (const [entry, { loaders }] of Object.entries(ENTRY_POINTS)) {
      const source = readFileSync(join(REPO_ROOT, entry), 'utf8');
      for (const loader of ALL_LOADERS) expect(source.includes(`${loader}(`), `${entry} calls ${loader}`).toBe(loaders.includes(loader));
    }
  });

  it('sets no OC_ variable the process would ignore', () => {
    for (const [name, s] of platform) {
      const { reads, entry } = of(name);
      for (const key of Object.keys(s.environment ?? {}).filter((k) => k.startsWith('OC_'))) expect(reads, `${name} (${entry}) does not read ${key}`).toContain(key);
    }
  });

  it('puts the kafka profile on the broker the kafka service advertises to containers, and the all-in-one on its embedded log', () => {
    const advertised = service('kafka').environment!.KAFKA_ADVERTISED_LISTENERS!.split(',').map((l) => l.replace(/^[A-Z_]+:\/\//, ''));
    for (const name of ['gateway', 'alerting', 'telemetry']) {
      const log = of(name).settings.service!.eventLog;
      expect(log.kind, name).toBe('kafka');
      if (log.kind === 'kafka') for (const broker of log.brokers) expect(advertised, `${name}: ${broker}`).toContain(broker);
      expect(dependencies(service(name)).kafka, name).toBe('service_healthy');
    }
    expect(of('opencompound').settings.service!.eventLog.kind).toBe('embedded');
    // The health check asks the listener the services use, with the broker's own tools.
    const [kind, check] = service('kafka').healthcheck!.test;
    expect(kind).toBe('CMD-SHELL');
    expect(check).toMatch(/^(KAFKA_HEAP_OPTS=\S+ )?\/opt\/kafka\/bin\/kafka-broker-api-versions\.sh --bootstrap-server (\S+)/);
    expect(advertised).toContain(/--bootstrap-server (\S+)/.exec(check!)![1]);
  });

  it('writes and reads the time series in the influxdb service with the org, bucket and token it was set up with', () => {
    const expected = { kind: 'influxdb', url: 'http://influxdb:8086', org: influxInit.DOCKER_INFLUXDB_INIT_ORG, bucket: influxInit.DOCKER_INFLUXDB_INIT_BUCKET, token: interpolate(influxInit.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN!) };
    for (const name of ['opencompound', 'alerting', 'telemetry']) {
      expect(of(name).settings.telemetry!.store, name).toEqual(expected);
      // One token expression everywhere, so setting OC_INFLUX_TOKEN changes them all.
      expect(service(name).environment!.OC_INFLUX_TOKEN, name).toBe(influxInit.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN);
      expect(dependencies(service(name)).influxdb, name).toBe('service_healthy');
    }
  });

  it('provisions once into the volume the gateway reads credentials from and the simulator reads secrets from', () => {
    const provision = of('provision');
    expect(provision.entry).toBe('services/gateway/provision-cli.ts');
    expect(provision.args).toEqual(['--all', '--simulator']);
    expect(service('provision').restart).toBe('no');
    const credentials = onMount(service('provision'), provision.settings.service!.credentialsFile);
    const secrets = onMount(service('provision'), provision.settings.service!.simulator.secretsFile);
    expect(credentials?.mount.readOnly).toBe(false);
    expect(secrets?.mount.source).toBe(credentials?.mount.source);
    // The gateway writes beside them: its config store and the retained config messages (issue 17).
    expect(onMount(service('gateway'), of('gateway').settings.service!.credentialsFile)).toEqual(credentials);
    expect(onMount(service('simulator'), resolve(of('simulator').settings.simulator!.options.secretsPath))).toEqual(secrets);
    expect(onMount(service('simulator'), resolve(of('simulator').settings.simulator!.options.dataDir))?.mount.readOnly, 'outboxes are written').toBe(false);
    for (const name of ['gateway', 'simulator']) expect(dependencies(service(name)).provision, name).toBe('service_completed_successfully');
  });

  it('treats "nothing to do" from a second provision as success, and any other failure as failure', () => {
    // provision-cli exits 2 when every device already has credentials (a later `up`), 1 on errors.
    const command = service('provision').command!;
    expect(runWithStandInNode(command, 0).exitCode).toBe(0);
    expect(runWithStandInNode(command, 2).exitCode).toBe(0);
    expect(runWithStandInNode(command, 1).exitCode).not.toBe(0);
  });

  it('keeps tickets and sessions of the alerting service on a volume of its own', () => {
    const alerting = of('alerting').settings.service!;
    const store = onMount(service('alerting'), alerting.alerting.storePath);
    expect(store?.mount.readOnly).toBe(false);
    expect(Object.keys(compose.volumes)).toContain(store!.mount.source);
    expect(onMount(service('alerting'), alerting.dataDir)).toEqual({ mount: store!.mount, relative: '' });
    for (const name of platform.map(([n]) => n).filter((n) => n !== 'alerting')) {
      for (const m of mounts(service(name))) expect(m.source, `${name} shares ${m.source}`).not.toBe(store!.mount.source);
    }
  });

  it('runs the simulator on the live-demo scenario against the gateway, from now at 1x in the site zone', () => {
    const { scenario, options } = of('simulator').settings.simulator!;
    expect(scenario.name).toBe('live-demo');
    expect(options.scenarioFile).toBe('simulators/scenarios/live-demo.yaml');
    const broker = new URL(scenario.broker!);
    expect(broker.hostname).toBe('gateway');
    expect(Number(broker.port)).toBe(of('gateway').settings.service!.mqtt.port);
    // Device time is real time: started now (the shell's `date`), one simulated second per second.
    expect(scenario.speed).toBe(1);
    expect(Math.abs(Date.parse(scenario.startAt!) - Date.now())).toBeLessThan(3_600_000);
    expect(scenarioUtcOffsetMin(scenario)).toBe(DEFAULT_UTC_OFFSET_MIN);
    expect(dependencies(service('simulator')).gateway).toBeDefined();
  });

  it('publishes only ports the process listens on, on all interfaces inside the container and 127.0.0.1 outside', () => {
    const published = (name: string) => (service(name).ports ?? []).map(parsePort);
    for (const [name] of platform) {
      const listens = ENTRY_POINTS[of(name).entry]!.listens(of(name).settings);
      for (const p of published(name)) {
        const listener = listens.find((l) => l.port === p.containerPort);
        expect(listener, `${name}: nothing listens on ${p.containerPort}`).toBeDefined();
        expect(listener!.host, `${name}: ${p.containerPort}`).toBe('0.0.0.0');
      }
    }
    expect(published('gateway').map((p) => p.hostPort)).toEqual([1883]);
    expect(published('alerting').map((p) => p.hostPort)).toEqual([8080]);
    expect(published('opencompound').map((p) => p.hostPort)).toEqual([1883, 8080]);
    for (const [name, s] of Object.entries(compose.services)) for (const spec of s.ports ?? []) expect(parsePort(spec).hostIp, `${name}: ${spec}`).toBe('127.0.0.1');
  });

  it('publishes no host port twice in one profile', () => {
    for (const profile of PROFILES) {
      const taken = new Map<number, string>();
      for (const [name, s] of Object.entries(compose.services).filter(([, s]) => inProfile(s, profile))) {
        for (const { hostPort } of (s.ports ?? []).map(parsePort)) {
          expect(taken.get(hostPort), `${profile}: ${name} and ${taken.get(hostPort)} both publish ${hostPort}`).toBeUndefined();
          taken.set(hostPort, name);
        }
      }
      expect(taken.size, profile).toBeGreaterThan(0);
    }
  });

  it('depends only on services of its own profile, waits for health only where there is a check, and for completion only of one-shots', () => {
    const conditions = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [target, condition] of Object.entries(dependencies(s))) {
        const t = compose.services[target];
        expect(t, `${name} depends on ${target}`).toBeDefined();
        expect(conditions, `${name} → ${target}`).toContain(condition);
        // A profile-less target starts with every profile; otherwise it must share one.
        if (t!.profiles) expect(s.profiles?.some((p) => t!.profiles!.includes(p)), `${name} → ${target}: not in its profile`).toBe(true);
        if (condition === 'service_healthy') expect(t!.healthcheck, `${name} → ${target}: no healthcheck`).toBeDefined();
        if (condition === 'service_completed_successfully') expect([undefined, 'no'], `${name} → ${target}: restarted, so never complete`).toContain(t!.restart);
      }
    }
  });

  it('mounts only named volumes it declares and files that exist', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const { source } of mounts(s)) {
        if (source.startsWith('.')) expect(existsSync(join(INFRA, source)), `${name}: ${source}`).toBe(true);
        else expect(Object.keys(compose.volumes), `${name}: volume ${source}`).toContain(source);
      }
    }
    const used = new Set(Object.values(compose.services).flatMap((s) => mounts(s).map((m) => m.source)));
    for (const volume of Object.keys(compose.volumes)) expect(used, `volume ${volume} is declared but unused`).toContain(volume);
  });

  it('pins every image to a tag other than latest', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      expect(s.image, name).toBeDefined();
      const tag = /:([^/:]+)$/.exec(s.image!)?.[1];
      expect(tag, `${name}: ${s.image} has no tag`).toBeDefined();
      expect(tag, name).not.toBe('latest');
    }
  });

  it('escapes every "$" that is not a variable with a default', () => {
    const raw = readYaml<unknown>(join(INFRA, 'docker-compose.yml'));
    for (const { path, value } of allStrings(raw)) expect(() => interpolate(value), path).not.toThrow();
  });
});
