/** The one dispatch file that touches the filesystem: read a roster file and hand it to parseRoster. */
import { fileURLToPath } from 'node:url';
import { readConfigFile } from '../../../shared/config-file.ts';
import { parseRoster } from './parse-roster.ts';
import type { Roster } from './types.ts';

export const REFERENCE_ROSTER_PATH = fileURLToPath(new URL('../../reference/dianliu-block8-roster.yaml', import.meta.url));

/** Reads a YAML or JSON roster (default: the reference site's); every problem names its key. */
export function loadRoster(path: string = REFERENCE_ROSTER_PATH): Roster {
  return parseRoster(readConfigFile(path, 'roster file'), path);
}
