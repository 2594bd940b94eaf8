import type { WorkspaceConfig } from '../../src/adapters/config/dual-json.js';
import type { Context } from '../../src/adapters/context.js';
import { urlScheme } from '../../src/adapters/tls/trust-record.js';
import { workspaceUrls } from '../../src/model/workspace.js';
import type { WorkspaceRef } from '../../src/model/workspace.js';
import type { ReadyOptions } from '../bring-up.js';
import { DEFAULT_PORT_TIMEOUT_SECONDS } from '../port-wait.js';

export interface CreateOptions {
  repo: string;
  branch: string;
  image?: string;
  /** Start point for a new branch (default: the repo's HEAD). */
  from?: string;
  /** Seconds to wait for every port to answer after start (default 120; 0 = do not wait). */
  portTimeoutSeconds?: number;
  /** A workspace of the same repo whose attached containers' data the new one starts with (data-from.ts). */
  dataFrom?: string;
}

export interface CreateResult {
  id: string;
  repo: string;
  branch: string;
  worktree: string;
  containerId: string;
  urls: string[];
  /** True when the workspace already existed and create only made sure it was started and set up. */
  existed: boolean;
  config: WorkspaceConfig;
}

export function readyOptions(options: CreateOptions, interrupted?: () => boolean): ReadyOptions {
  return { portTimeoutMs: (options.portTimeoutSeconds ?? DEFAULT_PORT_TIMEOUT_SECONDS) * 1000, interrupted };
}

export function createResult(ctx: Context, ws: WorkspaceRef, config: WorkspaceConfig, existed: boolean): CreateResult {
  const urls = workspaceUrls(ws.id, config.ports, urlScheme(ctx.paths.home));
  return { ...ws, urls, existed, config };
}
