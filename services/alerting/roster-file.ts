/** Reads a roster file and hands it to the pure parseRoster; kept outside domain/ because it touches the filesystem. */
import { fileURLToPath } from 'node:url';
import { readConfigFile } from '../shared/config-file.ts';
import { parseRoster } from './domain/dispatch/parse-roster.ts';
import type { Roster } from './domain/dispatch/types.ts';

export const REFERENCE_ROSTER_PATH = fileURLToPath(new URL('./reference/dianliu-block8-roster.yaml', import.meta.url));

/** Reads a YAML or JSON roster (default: the reference site's); every problem names its key. */
export function loadRoster(path: string = REFERENCE_ROSTER_PATH): Roster {
  return parseRoster(readConfigFile(path, 'roster file'), path);
}
