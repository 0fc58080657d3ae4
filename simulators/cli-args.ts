import { parseArgs } from 'node:util';
import { ERROR_CATALOGUE, isOcError, OcError } from '../services/shared/errors.ts';
import { parseScenario, readScenarioFile, type Scenario, type ScenarioVerb } from './scenario.ts';

export const DEFAULT_BROKER_URL = 'mqtt://127.0.0.1:1883';

/** What `npm run simulate -- ...` was asked to do; the scenario part is merged over a file. */
export interface SimulatorCliOptions {
  help: boolean;
  scenarioFile: string | undefined;
  sitePath: string | undefined;
  /** The broker when neither --broker nor the scenario names one: OC_MQTT_HOST/OC_MQTT_PORT, as the gateway reads them. */
  defaultBrokerUrl: string;
  dataDir: string;
  secretsPath: string;
  progressEveryS: number;
  drainTimeoutS: number;
  /** --report: play the scenario on its own simulated clock through gateway, log and alerting in this process, print the noise report. */
  report: boolean;
  /** --json with --report: the report as JSON instead of tables. */
  json: boolean;
  /** --brief with --report: the tables without the lists of tickets. */
  brief: boolean;
  /** Scenario fields given as flags (seed, speed, durationS, startAt, devices, broker, events). */
  scenario: Record<string, unknown> & { events: Record<string, unknown>[] };
  /** Each event of `scenario.events` as it was typed (`--power-cut dl8@60+600`), to name it in errors. */
  eventFlags: string[];
}

/** Flags that script one event each, and the `target@at[+durationS][:value]` parts each takes. */
const EVENT_FLAGS: Record<ScenarioVerb, { duration: 'required' | 'optional' | 'none'; value: 'number' | 'text' | 'none'; valueKey?: string; example: string }> = {
  rainstorm: { duration: 'required', value: 'number', valueKey: 'intensityMmH', example: 'm3@60+1800:40' },
  'forced-open': { duration: 'optional', value: 'none', example: 'dl8-b1-u1-door@10' },
  'held-open': { duration: 'required', value: 'none', example: 'gate-n@20+90' },
  'video-loss': { duration: 'required', value: 'none', example: 'dl8-cam-03@5+120' },
  tamper: { duration: 'optional', value: 'text', example: 'dl8-cam-05@40+600:cover' },
  motion: { duration: 'none', value: 'text', valueKey: 'zone', example: 'lane-2@300:lane' },
  'grease-blockage': { duration: 'none', value: 'number', valueKey: 'ratePerHour', example: 'm5@30:0.15' },
  'clear-blockage': { duration: 'none', value: 'none', example: 'm5@7200' },
  'power-cut': { duration: 'required', value: 'none', example: 'dl8@60+600' },
};

export const USAGE = `Usage: npm run simulate -- [options]

  --scenario FILE          YAML or JSON scenario (see simulators/scenarios/)
  --site FILE              site file (default: $OC_SITE_FILE, else the Dianliu Block 8 reference site)
  --broker URL             MQTT broker (default: mqtt://$OC_MQTT_HOST:$OC_MQTT_PORT, else ${DEFAULT_BROKER_URL})
  --speed N                simulated seconds per wall second
  --duration S             simulated length of the run, seconds
  --seed N                 random seed; the same seed replays the same run
  --start-at ISO           simulated start, e.g. 2026-07-15T18:00:00+08:00 (default: now)
  --devices LIST           only these kinds, device ids, place, building or compound ids, e.g. door,drain
  --data-dir DIR           where the agents' outboxes live (default $OC_DATA_DIR/simulator, else ./data/simulator)
  --secrets FILE           device secrets {deviceId: secret} (default device-secrets.json in that same
                           $OC_DATA_DIR/simulator or ./data/simulator; written by npm start or
                           npm run provision -- --all --simulator)
  --progress-every S       wall seconds between progress lines (default 5)
  --drain-timeout S        on exit, how long to wait for outboxes to empty (default 10)
  --report                 no broker: play the scenario on its own simulated clock through a
                           gateway, event log and alerting service in this process, as fast as
                           it goes, and print the noise report (also: npm run noise-report -- FILE)
  --json                   with --report: print the report as JSON
  --brief                  with --report: the tables only, without the lists of tickets

Exit code: 0 when every envelope reached the broker, 3 when some stayed in the outbox
(they are sent on the next run), 2 for a mistake in the flags, the scenario or the site.

Scripted events (repeatable; AT and DURATION in simulated seconds from the start;
TARGET is a device id, a place id such as m3, b1-u1, gate-n, a building id such as b2,
a compound id such as dl8, or *):
${Object.entries(EVENT_FLAGS)
  .map(([verb, f]) => `  --${verb.padEnd(22)} e.g. ${f.example}`)
  .join('\n')}
`;

/**
 * Parses argv (without node and script) into options; bad flags throw OC_CONFIG_INVALID naming the flag.
 * Defaults come from the same OC_DATA_DIR, OC_SITE_FILE, OC_MQTT_HOST and OC_MQTT_PORT that
 * `npm run provision` and `npm run gateway` read, so one set of settings serves all three.
 */
export function parseSimulatorArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): SimulatorCliOptions {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        scenario: { type: 'string' },
        site: { type: 'string' },
        broker: { type: 'string' },
        speed: { type: 'string' },
        duration: { type: 'string' },
        seed: { type: 'string' },
        'start-at': { type: 'string' },
        devices: { type: 'string' },
        'data-dir': { type: 'string' },
        secrets: { type: 'string' },
        'progress-every': { type: 'string' },
        'drain-timeout': { type: 'string' },
        report: { type: 'boolean' },
        json: { type: 'boolean' },
        brief: { type: 'boolean' },
        ...Object.fromEntries(Object.keys(EVENT_FLAGS).map((verb) => [verb, { type: 'string' as const, multiple: true as const }])),
      },
    }).values;
  } catch (err) {
    throw new OcError('OC_CONFIG_INVALID', `${(err as Error).message}\n\n${USAGE}`);
  }
  const str = (name: string): string | undefined => values[name] as string | undefined;
  const num = (name: string): number | undefined => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw flagError(name, raw, 'a number');
    return n;
  };

  const scenario: SimulatorCliOptions['scenario'] = { events: [] };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) scenario[key] = value;
  };
  set('seed', num('seed'));
  set('speed', num('speed'));
  set('durationS', num('duration'));
  set('startAt', str('start-at'));
  set('broker', str('broker'));
  set('devices', str('devices')?.split(',').map((s) => s.trim()).filter(Boolean));
  const eventFlags: string[] = [];
  for (const verb of Object.keys(EVENT_FLAGS) as ScenarioVerb[]) {
    for (const spec of (values[verb] as string[] | undefined) ?? []) {
      scenario.events.push(parseEventFlag(verb, spec));
      eventFlags.push(`--${verb} ${spec}`);
    }
  }

  const simulatorDir = env.OC_DATA_DIR ? `${env.OC_DATA_DIR}/simulator` : './data/simulator';
  return {
    help: values.help === true,
    scenarioFile: str('scenario'),
    sitePath: str('site') ?? (env.OC_SITE_FILE || undefined),
    defaultBrokerUrl: brokerFromEnv(env),
    dataDir: str('data-dir') ?? simulatorDir,
    secretsPath: str('secrets') ?? `${simulatorDir}/device-secrets.json`,
    progressEveryS: num('progress-every') ?? 5,
    drainTimeoutS: num('drain-timeout') ?? 10,
    report: values.report === true,
    json: values.json === true,
    brief: values.brief === true,
    scenario,
    eventFlags,
  };
}

/** mqtt://OC_MQTT_HOST:OC_MQTT_PORT; a gateway listening on every interface is reached on loopback. */
function brokerFromEnv(env: NodeJS.ProcessEnv): string {
  const host = !env.OC_MQTT_HOST || env.OC_MQTT_HOST === '0.0.0.0' ? '127.0.0.1' : env.OC_MQTT_HOST;
  const raw = env.OC_MQTT_PORT || '1883';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new OcError('OC_CONFIG_INVALID', `OC_MQTT_PORT=${JSON.stringify(raw)}: expected a port number 1-65535 (the broker the agents connect to)`);
  }
  return `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

const EVENT_SPEC = /^([^@\s]+)@(\d+(?:\.\d+)?)(?:\+(\d+(?:\.\d+)?))?(?::(\S+))?$/;

/** `m3@60+1800:40` -> { do: 'rainstorm', target: 'm3', at: 60, durationS: 1800, intensityMmH: 40 }. */
export function parseEventFlag(verb: ScenarioVerb, spec: string): Record<string, unknown> {
  const shape = EVENT_FLAGS[verb];
  const m = EVENT_SPEC.exec(spec);
  const expected = `TARGET@AT${shape.duration === 'required' ? '+DURATION' : shape.duration === 'optional' ? '[+DURATION]' : ''}${
    shape.value === 'none' ? '' : `:${(shape.valueKey ?? 'VALUE').toUpperCase()}`
  } (e.g. ${shape.example})`;
  if (!m) throw flagError(verb, spec, expected);
  const [, target, at, duration, value] = m;
  if ((shape.duration === 'required' && duration === undefined) || (shape.duration === 'none' && duration !== undefined)) {
    throw flagError(verb, spec, expected);
  }
  const needsValue = verb === 'rainstorm' || verb === 'grease-blockage';
  if ((needsValue && value === undefined) || (shape.value === 'none' && value !== undefined)) throw flagError(verb, spec, expected);
  const event: Record<string, unknown> = { at: Number(at), do: verb, target };
  if (duration !== undefined) event.durationS = Number(duration);
  if (value !== undefined) {
    if (shape.value === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw flagError(verb, spec, expected);
      event[shape.valueKey!] = n;
    } else if (verb === 'tamper') {
      // Cameras are covered or blurred; anything else is a door's tamper reason.
      if (value === 'cover' || value === 'blur') event.mode = value;
      else event.reason = value;
    } else {
      event[shape.valueKey!] = value;
    }
  }
  return event;
}

/**
 * The scenario to run: the file (if any), with flag fields overriding it and
 * flag events added after the file's. Validated as a whole.
 */
export function buildScenario(options: Pick<SimulatorCliOptions, 'scenarioFile' | 'scenario' | 'eventFlags'>, readFile: (path: string) => unknown = readScenarioFile): Scenario {
  const fromFile = options.scenarioFile === undefined ? {} : readFile(options.scenarioFile);
  if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) {
    throw new OcError('OC_CONFIG_INVALID', `${options.scenarioFile}: (root): must be an object`);
  }
  const file = fromFile as Record<string, unknown>;
  const { events: flagEvents, ...flagFields } = options.scenario;
  const fileEvents = Array.isArray(file.events) ? file.events : file.events === undefined ? [] : file.events;
  const merged = {
    ...file,
    ...flagFields,
    events: Array.isArray(fileEvents) ? [...fileEvents, ...flagEvents] : fileEvents,
  };
  try {
    return parseScenario(merged, options.scenarioFile ?? 'command line');
  } catch (err) {
    throw inFlagTerms(err, options.eventFlags, Array.isArray(merged.events) ? merged.events.length : 0);
  }
}

/**
 * A scenario error about an event that came from a flag, said with the flag as typed:
 * `--power-cut dl9@60+10 (events.0.target): unknown device or place 'dl9'`. Flag events
 * come after the file's, so the last `flags.length` of `eventCount` events are theirs.
 */
export function inFlagTerms(err: unknown, flags: readonly string[], eventCount: number): unknown {
  if (!isOcError(err, 'OC_CONFIG_INVALID') || flags.length === 0) return err;
  const firstFlagEvent = eventCount - flags.length;
  const prefix = `${ERROR_CATALOGUE.OC_CONFIG_INVALID}: `;
  const detail = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  const named = detail.replace(/events\.(\d+)(?:\.\w+)*/g, (path: string, index: string) => {
    const flag = flags[Number(index) - firstFlagEvent];
    return flag === undefined ? path : `${flag} (${path})`;
  });
  return named === detail ? err : new OcError('OC_CONFIG_INVALID', named, err.details);
}

function flagError(flag: string, value: string, expected: string): OcError {
  return new OcError('OC_CONFIG_INVALID', `--${flag} ${JSON.stringify(value)}: expected ${expected}`, { keys: [`--${flag}`] });
}
