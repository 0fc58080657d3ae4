import { buildWeb } from '../../../services/web/build.ts';

/** Vitest global setup: the tests drive the pages as built from the current source, never a stale build. */
export default async function setup(): Promise<void> {
  await buildWeb();
}
