import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { OcError } from './errors.ts';

/**
 * Reads a config file people write by hand: YAML, or JSON by its extension.
 * `what` names it in errors ("roster file", "site file") so the message says
 * which file to fix.
 */
export function readConfigFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OcError('OC_CONFIG_INVALID', `cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  const json = path.endsWith('.json');
  try {
    return json ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new OcError('OC_CONFIG_INVALID', `${what} ${path} is not valid ${json ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
}
