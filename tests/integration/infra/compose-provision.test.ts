/**
 * The kafka profile's one-shot `provision` service runs its command on every `up`. Here that
 * command (as compose hands it to the container's sh) runs the real provision-cli on a data
 * directory of its own, several times, as repeated `up`s would: the first issues every
 * device's secret, later ones succeed without replacing any, and real errors still fail.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifySecret } from '../../../services/gateway/credentials.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { interpolate } from '../../support/compose-services.ts';
import { composeFile } from '../../support/grafana-files.ts';
import { REPO_ROOT } from '../../support/mosquitto-env.ts';

const [shell, flag, script] = composeFile().services.provision!.command!.map(interpolate);

/** One `up`'s run of the provision container: its command in the repository (the image's WORKDIR holds it). */
function provision(dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  // Only what the container would have: no OC_ settings of the developer's shell.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OC_')));
  return new Promise((resolve) => {
    execFile(shell!, [flag!, script!], { cwd: REPO_ROOT, env: { ...env, OC_DATA_DIR: dataDir } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;

let dir: string;
let credentialsFile: string;
let secretsFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oc-compose-provision-'));
  credentialsFile = join(dir, 'device-credentials.json');
  secretsFile = join(dir, 'simulator', 'device-secrets.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('docker-compose provision service', () => {
  it('issues every device a secret once; later runs succeed and keep them; a device added later gets its own', async () => {
    const first = await provision(dir);
    expect(first.code, first.stderr).toBe(0);
    const deviceIds = listDevices(loadSite()).map((d) => d.id).sort();
    const credentials = readJson(credentialsFile);
    const secrets = readJson(secretsFile);
    expect(Object.keys(credentials).sort()).toEqual(deviceIds);
    expect(Object.keys(secrets).sort()).toEqual(deviceIds);
    for (const id of deviceIds) expect(verifySecret(secrets[id]!, credentials[id]!), id).toBe(true);

    const credentialsText = readFileSync(credentialsFile, 'utf8');
    const secretsText = readFileSync(secretsFile, 'utf8');
    const again = await provision(dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/every device already has credentials/);
    expect(readFileSync(credentialsFile, 'utf8')).toBe(credentialsText);
    expect(readFileSync(secretsFile, 'utf8')).toBe(secretsText);

    // As if the site file had gained this device since the last `up`.
    const [added, ...kept] = deviceIds;
    const { [added!]: _c, ...otherCredentials } = credentials;
    const { [added!]: _s, ...otherSecrets } = secrets;
    writeFileSync(credentialsFile, JSON.stringify(otherCredentials));
    writeFileSync(secretsFile, JSON.stringify(otherSecrets));
    const grown = await provision(dir);
    expect(grown.code, grown.stderr).toBe(0);
    const after = { credentials: readJson(credentialsFile), secrets: readJson(secretsFile) };
    expect(verifySecret(after.secrets[added!]!, after.credentials[added!]!)).toBe(true);
    for (const id of kept) {
      expect(after.credentials[id], id).toBe(credentials[id]);
      expect(after.secrets[id], id).toBe(secrets[id]);
    }
  }, 90_000);

  it('fails when provisioning fails, so nothing that waits for it starts', async () => {
    writeFileSync(credentialsFile, 'not json');
    const broken = await provision(dir);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toMatch(/credentials file .* is not valid JSON/);
  }, 60_000);
});
