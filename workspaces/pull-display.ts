import type { PullProgress } from '../src/adapters/docker/engine.js';
import { formatBytes } from './attached/status.js';

type PullEvent = Parameters<PullProgress>[0];

/**
 * What `dual create` / `dual attach` print on stderr while the engine pulls an image. On a
 * terminal, byte counts and the engine's retry countdown rewrite one line; in a log (CI, an
 * agent) each layer prints a line per state change only, Downloading with the layer's size,
 * and a retry once per attempt (the engine's countdown ticks every second: 75 lines for the
 * five retries of one cut layer, measured against distribution 2.8).
 */
export class PullDisplay {
  private readonly last = new Map<string, string>();

  constructor(private readonly interactive: boolean) {}

  /** The text to write for one event ('' when it adds nothing). */
  render(event: PullEvent): string {
    if (!event.status) return '';
    const key = event.id ?? '';
    const previous = this.last.get(key);
    this.last.set(key, event.status);
    const countdown = retrySeconds(event.status);
    if (this.interactive && (event.progress || countdown !== undefined)) {
      return `\r\x1b[K  ${key} ${event.status}${event.progress ? ` ${event.progress}` : ''}`;
    }
    if (countdown !== undefined) {
      const before = previous === undefined ? undefined : retrySeconds(previous);
      if (before !== undefined && countdown < before) return '';
    } else if (previous !== undefined && stateOf(previous) === stateOf(event.status)) {
      return '';
    }
    const size = event.status === 'Downloading' && event.progressDetail?.total ? ` (${formatBytes(event.progressDetail.total)})` : '';
    return `${this.interactive ? '\r\x1b[K' : ''}  ${key ? `${key}: ` : ''}${event.status}${size}\n`;
  }

  /** Clears the rewritten line at the end (terminal only). */
  finish(): string {
    return this.interactive ? '\r\x1b[K' : '';
  }
}

function retrySeconds(status: string): number | undefined {
  const match = /^Retrying in (\d+) seconds?$/.exec(status);
  return match ? Number(match[1]) : undefined;
}

/** Retry countdowns are one state; every other status is its own. */
function stateOf(status: string): string {
  return retrySeconds(status) === undefined ? status : 'Retrying';
}
