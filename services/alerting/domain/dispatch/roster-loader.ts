/** The one dispatch file that touches the filesystem: read a roster file and hand it to parseRoster. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { OcError } from '../../../shared/errors.ts';
import { parseRoster } from './parse-roster.ts';
import type { Roster } from './types.ts';

export const REFERENCE_ROSTER_PATH = fileURLToPath(new URL('../../reference/dianliu-block8-roster.yaml', import.meta.url));

/** Reads a YAML or JSON roster (default: the reference site's); every problem names its key. */
export function loadRoster(path: string = REFERENCE_ROSTER_PATH): Roster {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OcError('OC_CONFIG_INVALID', `cannot read roster file ${path}: ${(err as Error).message}`);
  }
  const json = path.endsWith('.json');
  let raw: unknown;
  try {
    raw = json ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new OcError('OC_CONFIG_INVALID', `roster file ${path} is not valid ${json ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  return parseRoster(raw, path);
}
