import type { IncomingHttpHeaders } from 'node:http';
import type { Page } from '../pages.js';
import type { WorkspaceView } from '../route-table.js';
import type { ActivityTracker } from './activity.js';
import type { Waker } from './waker.js';
import { mayWake, wantsWakingPage } from './wake-policy.js';

/** What the request path needs for idle sleep (proxy/wake/). */
export interface WakeDeps {
  waker: Waker;
  tracker: ActivityTracker;
  /** How long a non-browser request is held while its workspace wakes, before a 503. */
  holdMs: number;
}

/** Default bound on holding a request during a wake: a dev server's start, not a setup. */
export const WAKE_HOLD_MS = 60_000;

export type Gate =
  | { kind: 'pass' }
  | { kind: 'page'; page: Page }
  /** Resolves to a page to answer with, or undefined once the workspace serves (decide again, then forward). */
  | { kind: 'hold'; done: Promise<Page | undefined> };

/**
 * Runs after the Host check and the route lookup (so a rebinding page, an unknown name or
 * another home's workspace never gets here) for a workspace that sleeps or is waking.
 */
export function gate(deps: WakeDeps, view: WorkspaceView, headers: IncomingHttpHeaders, method: string | undefined): Gate {
  const { waker } = deps;
  if (!waker.needsWake(view)) return { kind: 'pass' };
  if (!mayWake(headers)) return { kind: 'page', page: { kind: 'sleeping', workspace: view } };
  const failure = waker.recentFailure(view.id);
  if (failure !== undefined) return { kind: 'page', page: { kind: 'wake-failed', workspace: view, detail: failure } };
  const wake = waker.wake(view.id);
  if (wantsWakingPage(headers, method)) return { kind: 'page', page: { kind: 'waking', workspace: view } };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), deps.holdMs);
  });
  const done = Promise.race([wake, bound]).then((outcome): Page | undefined => {
    clearTimeout(timer);
    if (outcome === undefined) return { kind: 'waking', workspace: view };
    return outcome.ok ? undefined : { kind: 'wake-failed', workspace: view, detail: outcome.message };
  });
  return { kind: 'hold', done };
}
