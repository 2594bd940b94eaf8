/**
 * Container and volume labels: the contract between the workspace manager, the proxy and
 * anything else that looks at Docker. Docker is the source of truth for which workspaces
 * exist; dual keeps no second list that could drift.
 */
export const LABEL = {
  workspace: 'dual.workspace',
  repo: 'dual.repo',
  branch: 'dual.branch',
  worktree: 'dual.worktree',
  ports: 'dual.ports',
  version: 'dual.version',
  /** Present (value = the attached name) only on attached containers. */
  attached: 'dual.attached',
  /** Per-repo proxy option: present `localhost:<port>` as Host/Origin to the dev server. */
  hostRewrite: 'dual.host-rewrite',
  /** Present on every volume dual creates. */
  volume: 'dual.volume',
  /**
   * The DUAL_HOME that made a workspace. Each installation (a user's ~/.dual, a test run, the
   * demo) sees and routes only its own workspaces, even when they share one engine.
   */
  home: 'dual.home',
  /** On the workspace network (value `isolated`): dual made it, with inter-container traffic off. */
  network: 'dual.network',
  /** The container-shaping `.dual.json` settings it was made with (see workspaces/config-drift.ts). */
  config: 'dual.config',
  /**
   * Present on workspace containers whose main process is dual's entry script (setup, then
   * start; workspaces/entry.ts); its value is the script's protocol version.
   */
  entry: 'dual.entry',
  /** `.dual.json` `idle.stopAfterMinutes`: the proxy puts the workspace to sleep after that long unused. */
  idle: 'dual.idle-minutes',
} as const;

/**
 * The label filters of every engine query dual makes (containers, volumes, networks, events):
 * always narrowed to one DUAL_HOME, so one installation never lists, changes or removes what
 * another made on the same engine, even with the same repo name. Pass `LABEL.workspace` (any
 * workspace) or `dual.workspace=<id>` and friends as the rest. test/unit/home-filters.test.ts
 * checks that no query bypasses this.
 */
export function homeFilters(home: string, ...filters: string[]): string[] {
  return [`${LABEL.home}=${home}`, ...filters];
}

export function parsePortsLabel(value: string | undefined): number[] {
  if (!value) return [];
  return value
    .split(',')
    .map((p) => Number(p.trim()))
    .filter((p) => Number.isInteger(p) && p > 0 && p < 65536);
}

export function formatPortsLabel(ports: readonly number[]): string {
  return ports.join(',');
}
