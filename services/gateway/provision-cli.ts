import { parseArgs } from 'node:util';
import { loadServiceConfig } from '../config/service-config.ts';
import { isOcError } from '../shared/errors.ts';
import { listDevices } from '../site/devices.ts';
import { loadSite } from '../site/load.ts';
import { FileCredentialStore, generateSecret, hashSecret } from './credentials.ts';
import { readSecretsFile, writeSecretsFile } from './provision.ts';

/**
 * `npm run provision -- --device dl8-cam-01 [--device ...] [--rotate]`: issues a
 * secret for each device, stores only its hash, and prints the secret once for
 * the installer to put on the device. `--all` does every device of the site that has none,
 * `--all --rotate` every device of the site.
 * `--simulator` writes the secrets to the simulators' secrets file instead of printing
 * them, for running `npm run simulate` against a separately started gateway.
 */
function main(): void {
  const { values } = parseArgs({
    options: { device: { type: 'string', multiple: true }, all: { type: 'boolean' }, rotate: { type: 'boolean' }, simulator: { type: 'boolean' } },
  });
  const config = loadServiceConfig();
  const known = new Set(listDevices(loadSite(config.siteFile)).map((d) => d.id));
  const store = FileCredentialStore.open(config.credentialsFile);
  // --all issues secrets to the devices that have none; with --rotate, to every device of the site.
  const wanted = values.all ? [...known].filter((id) => values.rotate || !store.has(id)) : (values.device ?? []);
  if (wanted.length === 0) {
    console.error(
      values.all
        ? `nothing to do: every device of the site already has credentials in ${config.credentialsFile}; add --rotate to issue new secrets to all of them${values.simulator ? ' (and write them for the simulators)' : ''}`
        : 'nothing to do: name devices with --device ID, or --all for every device without credentials (--all --rotate: every device)',
    );
    process.exitCode = 2;
    return;
  }
  for (const id of wanted) {
    if (!known.has(id)) throw new Error(`--device ${id}: not a device of the site ${config.siteFile}`);
    if (store.has(id) && !values.rotate) throw new Error(`--device ${id}: already has credentials; add --rotate to replace them`);
  }
  const simulatorSecrets = values.simulator ? readSecretsFile(config.simulator.secretsFile) : undefined;
  for (const id of wanted) {
    const secret = generateSecret();
    store.set(id, hashSecret(secret));
    if (simulatorSecrets) simulatorSecrets.set(id, secret);
    else console.log(`${id}\t${secret}`);
  }
  store.save();
  if (simulatorSecrets) writeSecretsFile(config.simulator.secretsFile, simulatorSecrets);
  console.error(
    simulatorSecrets
      ? `stored ${wanted.length} hash(es) in ${config.credentialsFile} and the secrets in ${config.simulator.secretsFile}`
      : `stored ${wanted.length} hash(es) in ${config.credentialsFile}; the secrets above are not kept anywhere`,
  );
}

try {
  main();
} catch (err) {
  console.error(isOcError(err) ? `${err.code}: ${err.message}` : (err as Error).message);
  process.exitCode = 1;
}
