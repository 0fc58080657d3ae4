/**
 * The policy of every suite against a real server: run against it, skip (a developer
 * without one), or fail. In CI a missing server is a broken pipeline, never a reason
 * to skip, so .ci/run must start the server and export the variable that names it.
 */
export type ServerSetup<T> = ({ state: 'ready' } & T) | { state: 'skip'; reason: string } | { state: 'broken'; reason: string };

export function inCi(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';
}

/** The answer when `variable` is unset: broken in CI, skipped elsewhere, with how to start the server. */
export function missingServer(env: NodeJS.ProcessEnv, variable: string, howToStart: string): { state: 'skip'; reason: string } | { state: 'broken'; reason: string } {
  return inCi(env)
    ? { state: 'broken', reason: `CI is set but ${variable} is not: .ci/run must start the server (${howToStart}) and export it` }
    : { state: 'skip', reason: `${variable} is not set (${howToStart})` };
}
