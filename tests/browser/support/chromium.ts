import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import type { Clock } from '../../../services/shared/clock.ts';
import { inCi } from '../../support/server-env.ts';

/** Debian's package (infra/chromium/install.sh); playwright-core downloads no browser of its own. */
const CHROMIUM_PATH = process.env.OC_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Quiet and offline: no update checks, no sync, no QUIC, nothing but the page under test. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether the suite can run here. In CI a missing Chromium is a failure (the suite
 * must not pass by skipping); on a developer's machine it is a skip that says why.
 */
export function chromiumAvailability(): { run: true } | { run: false; reason: string } {
  if (existsSync(CHROMIUM_PATH)) return { run: true };
  const reason = `Chromium not found at ${CHROMIUM_PATH}: run \`bash infra/chromium/install.sh\` (or set OC_CHROMIUM_PATH)`;
  if (inCi(process.env)) throw new Error(`browser tests: ${reason}; CI is set, so this fails instead of skipping`);
  return { run: false, reason };
}

/**
 * One browser for a test file. Playwright starts it with a new empty --user-data-dir of
 * its own (in the OS temp dir, removed on close; it refuses one passed in `args`), and
 * each context below is a separate cookie jar: the desk and the phone sign in apart.
 */
export class TestBrowser {
  private constructor(
    readonly browser: Browser,
    private readonly clock: Clock | undefined,
  ) {}

  /**
   * With `clock`, every page's Date, timers and performance clock start at that clock's
   * now and run in real time from there (Playwright's clock.install), so the pages see
   * the same instant as the platform under test, not the machine's wall clock.
   */
  static async launch(options: { clock?: Clock } = {}): Promise<TestBrowser> {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
    return new TestBrowser(browser, options.clock);
  }

  /** The duty desk's screen: 1920×1080, Chinese, Beijing time. */
  desk(baseURL: string, over: BrowserContextOptions = {}): Promise<BrowserContext> {
    return this.context({ baseURL, viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...over });
  }

  /** A plumber's phone: 390×844, touch, Chinese, Beijing time. */
  phone(baseURL: string, over: BrowserContextOptions = {}): Promise<BrowserContext> {
    return this.context({
      baseURL,
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      ...over,
    });
  }

  private async context(options: BrowserContextOptions): Promise<BrowserContext> {
    const context = await this.browser.newContext(options);
    if (this.clock) await context.clock.install({ time: this.clock.now() });
    return context;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
