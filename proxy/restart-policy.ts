/**
 * When the supervised proxy dies, how soon to start it again, and when to stop trying.
 * Pure: the supervisor feeds it each exit.
 *
 * A proxy that ran for `stableMs` had a good run: the next restart is immediate-ish again.
 * One that died sooner is a rapid failure; each one in a row doubles the wait, and after
 * `maxRapidFailures` in a row the supervisor gives up (a proxy that cannot stay up, e.g.
 * a broken install, must not spin for ever), saying why in the log and `dual proxy status`.
 */
export interface RestartPolicy {
  stableMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
  maxRapidFailures: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { stableMs: 10_000, firstDelayMs: 250, maxDelayMs: 8_000, maxRapidFailures: 5 };

export type RestartDecision = { kind: 'restart'; delayMs: number; rapidFailures: number } | { kind: 'give-up'; rapidFailures: number };

export function decideRestart(previousRapidFailures: number, uptimeMs: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): RestartDecision {
  const rapidFailures = uptimeMs >= policy.stableMs ? 1 : previousRapidFailures + 1;
  if (uptimeMs < policy.stableMs && rapidFailures >= policy.maxRapidFailures) return { kind: 'give-up', rapidFailures };
  const delayMs = Math.min(policy.firstDelayMs * 2 ** (rapidFailures - 1), policy.maxDelayMs);
  return { kind: 'restart', delayMs, rapidFailures };
}

/** `code 1`, `signal SIGKILL`: how an exit reads in the log and in `dual proxy status`. */
export function describeExit(code: number | null, signal: string | null): string {
  return signal ? `signal ${signal}` : `code ${code ?? '?'}`;
}
