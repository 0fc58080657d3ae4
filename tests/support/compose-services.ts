/**
 * What Docker would make of infra/docker-compose.yml's services, worked out without Docker:
 * compose's `$` interpolation, the image's ENV and CMD (infra/Dockerfile), the arguments a
 * service's command hands to node (a `sh -c` script is run by a real sh), published ports,
 * mounts and depends_on. For tests/unit/infra/docker-compose.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INFRA, type ComposeService } from './grafana-files.ts';

/**
 * A value as `docker compose up` sees it with no variables set: `$$` is a `$` (for the
 * container's shell) and `${NAME:-default}` its default. Any other `$` throws: compose
 * would reject it, or substitute something this file does not give a default for.
 */
export function interpolate(value: string): string {
  return value.replace(/\$\$|\$\{[A-Za-z0-9_]+:-([^}]*)\}|\$/g, (match, fallback: string | undefined) => {
    if (match === '$$') return '$';
    if (fallback !== undefined) return fallback;
    throw new Error(`${JSON.stringify(value)}: a "$" compose would interpolate; write "$$" for the shell's, or \${NAME:-default}`);
  });
}

/** Every string in a parsed YAML document, with where it is, for checking them all. */
export function allStrings(node: unknown, path = ''): { path: string; value: string }[] {
  if (typeof node === 'string') return [{ path, value: node }];
  if (Array.isArray(node)) return node.flatMap((v, i) => allStrings(v, `${path}[${i}]`));
  if (node !== null && typeof node === 'object') return Object.entries(node).flatMap(([k, v]) => allStrings(v, path ? `${path}.${k}` : k));
  return [];
}

export interface ImageDefaults {
  env: Record<string, string>;
  cmd: string[];
}

/** The ENV and CMD of the Dockerfile's last stage (the image that runs), in the forms infra/Dockerfile uses. */
export function imageDefaults(dockerfile = join(INFRA, 'Dockerfile')): ImageDefaults {
  const instructions = readFileSync(dockerfile, 'utf8')
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  let lastFrom = -1;
  instructions.forEach((line, i) => {
    if (/^FROM\s/i.test(line)) lastFrom = i;
  });
  const runtime = instructions.slice(lastFrom);
  const env: Record<string, string> = {};
  for (const line of runtime.filter((l) => /^ENV\s/i.test(l))) {
    for (const pair of line.slice(4).trim().split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq <= 0 || /["']/.test(pair)) throw new Error(`${dockerfile}: ENV ${pair}: only unquoted KEY=VALUE is understood here`);
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  const cmds = runtime.filter((l) => /^CMD\s/i.test(l));
  if (cmds.length === 0) throw new Error(`${dockerfile}: no CMD in the last stage`);
  return { env, cmd: JSON.parse(cmds[cmds.length - 1]!.slice(4)) as string[] };
}

export interface NodeRun {
  /** What node was given (after `node`), or undefined when the command never ran node. */
  argv: string[] | undefined;
  /** The command's exit status; for the exec form, node's own. */
  exitCode: number;
}

/**
 * Runs a service's command (interpolated as compose does) with a stand-in `node` first on
 * the PATH, which records its arguments and exits with `nodeExit`. A `sh -c` script runs
 * in a real sh, so quoting, `$(...)` and `||` are the shell's own; the exec form is read as is.
 */
export function runWithStandInNode(command: readonly string[], nodeExit = 0): NodeRun {
  const args = command.map(interpolate);
  if (args[0] === 'node') return { argv: args.slice(1), exitCode: nodeExit };
  if (args[0] !== 'sh' || args[1] !== '-c' || args.length !== 3) throw new Error(`command ${JSON.stringify(command)}: expected ["node", ...] or ["sh", "-c", script]`);
  const dir = mkdtempSync(join(tmpdir(), 'oc-compose-cmd-'));
  try {
    const argvFile = join(dir, 'argv');
    writeFileSync(join(dir, 'node'), '#!/bin/sh\n: > "$ARGV_FILE"\nfor a in "$@"; do printf \'%s\\0\' "$a" >> "$ARGV_FILE"; done\nexit "$NODE_EXIT"\n');
    chmodSync(join(dir, 'node'), 0o755);
    const run = spawnSync('sh', ['-c', args[2]!], { cwd: dir, encoding: 'utf8', env: { PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`, ARGV_FILE: argvFile, NODE_EXIT: String(nodeExit) } });
    if (run.error) throw run.error;
    const argv = existsSync(argvFile) ? readFileSync(argvFile, 'utf8').split('\0').slice(0, -1) : undefined;
    return { argv, exitCode: run.status ?? -1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface PublishedPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
}

/** `127.0.0.1:1883:1883`, the one form the file uses; anything else throws. */
export function parsePort(spec: string): PublishedPort {
  const m = /^(\d+\.\d+\.\d+\.\d+):(\d+):(\d+)$/.exec(spec);
  if (!m) throw new Error(`port ${spec}: expected HOST_IP:HOST_PORT:CONTAINER_PORT`);
  return { hostIp: m[1]!, hostPort: Number(m[2]), containerPort: Number(m[3]) };
}

/** depends_on in its long form: a short list means "started". */
export function dependencies(service: ComposeService): Record<string, string> {
  const d = service.depends_on;
  if (d === undefined) return {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(d).map(([name, v]) => [name, v.condition]));
}

export interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
}

export const mounts = (service: ComposeService): Mount[] =>
  (service.volumes ?? []).map((v) => {
    const [source, target, mode] = v.split(':');
    return { source: source!, target: target!, readOnly: mode === 'ro' };
  });

/** Which mount a path inside the container lies on, and where on it; undefined when on none. */
export function onMount(service: ComposeService, path: string): { mount: Mount; relative: string } | undefined {
  const candidates = mounts(service).filter((m) => path === m.target || path.startsWith(`${m.target}/`));
  const mount = candidates.sort((a, b) => b.target.length - a.target.length)[0];
  return mount && { mount, relative: path.slice(mount.target.length) };
}

/** Whether a service starts with `--profile profile` (services without profiles always do). */
export const inProfile = (service: ComposeService, profile: string): boolean => !service.profiles || service.profiles.includes(profile);
