import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';

/** Generous: a loaded two-core CI box, a cold browser. Deadlines, never sleeps. */
export const UI_DEADLINE_MS = 20_000;

/** Signs in through the form, as a person would, and waits for the page behind it. */
export async function signIn(page: Page, path: string, login: string, password: string, ready: string): Promise<void> {
  await page.goto(path);
  await page.getByLabel(/登录名|Login name/).fill(login);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.locator('form button[type=submit]').click();
  await page.locator(ready).first().waitFor({ timeout: UI_DEADLINE_MS });
}

/**
 * Counts the alarm beeps the desk starts (WebAudio oscillators). The real AudioContext
 * still plays them; this only watches. A string, so the Node-side type check needs no DOM.
 */
export async function countBeeps(context: BrowserContext): Promise<void> {
  await context.addInitScript({
    content: `window.__ocOscillators = 0;
      const create = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function () { window.__ocOscillators += 1; return create.call(this); };`,
  });
}

export const beepsHeard = (page: Page): Promise<number> => page.evaluate('window.__ocOscillators') as Promise<number>;

/** Errors the page itself reports (uncaught exceptions, CSP refusals): a test ends by expecting none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // The sign-in form asks "who am I?" first: that 401 is the expected answer, not an error.
    if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(m.text());
  });
  return errors;
}

const SHOTS_DIR = fileURLToPath(new URL('../../../docs/screenshots', import.meta.url));

/**
 * Screenshots for the README. They go to docs/screenshots only when asked
 * (OC_UPDATE_SCREENSHOTS=1, `npm run screenshots`), so an ordinary run leaves the
 * checkout unchanged; otherwise to a temp dir. Either way the PNG is checked.
 */
export class Screenshots {
  readonly dir = process.env.OC_UPDATE_SCREENSHOTS === '1' ? SHOTS_DIR : mkdtempSync(join(tmpdir(), 'oc-shots-'));

  async take(page: Page, name: string): Promise<Buffer> {
    mkdirSync(this.dir, { recursive: true });
    const path = join(this.dir, `${name}.png`);
    const png = await page.screenshot({ type: 'png' });
    writeFileSync(path, png);
    return png;
  }
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
