/**
 * The one way a test waits: poll a condition until it holds, never a fixed sleep.
 * The failure message names what never came, so a red test says what it was waiting for.
 */
export interface PollOptions {
  /** Give up after this long (generous: CI shares two cores with servers). */
  timeoutMs?: number;
  /** Pause between two checks. */
  intervalMs?: number;
}

/**
 * Calls `check` until it returns something other than `undefined`, `null` or `false`,
 * and returns that value; after `timeoutMs` it fails with "timed out waiting for <what>",
 * adding the last error `check` threw, if any.
 */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { timeoutMs = 20_000, intervalMs = 25 }: PollOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last check threw: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * A waiting helper that was not told what it waits for names the condition by its source
 * text, e.g. `() => statuses().some((s) => s.state === 'offline')`: enough to find the line.
 */
export function conditionText(check: (...args: never[]) => unknown): string {
  const text = check.toString().replace(/\s+/g, ' ');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
