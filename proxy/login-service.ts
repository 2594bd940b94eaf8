import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { DualError } from '../src/model/errors.js';

/**
 * `dual proxy install|uninstall`: the proxy as the user's login service, so it runs from
 * login on and is restarted by the system's own supervisor. Linux: a systemd user unit
 * running `dual proxy` in the foreground with Restart=on-failure. macOS: a launchd agent
 * with KeepAlive on failure. Both log to DUAL_HOME's bounded proxy.log, like `proxy start`.
 * The file carries MARKER, so uninstall only ever removes what install wrote.
 */
export const MARKER = 'Written by `dual proxy install`';
const SYSTEMD_UNIT = 'dual-proxy.service';
const LAUNCHD_LABEL = 'dev.dual.proxy';
/** Install records the directories it had to create in the file, so uninstall removes exactly those. */
const MADE = 'directory made by install:';

export interface ServiceInputs {
  /** Absolute path of node. */
  node: string;
  /** Absolute path of bin/dual.js. */
  bin: string;
  /** The DUAL_HOME the service serves. */
  home: string;
  log: string;
}

export interface ServiceEnv {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  uid: number;
}

export function serviceFile({ platform, env }: ServiceEnv): string {
  const home = env.HOME || homedir();
  if (platform === 'linux') return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'systemd', 'user', SYSTEMD_UNIT);
  if (platform === 'darwin') return join(home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
  throw new DualError(`dual proxy install supports Linux (systemd) and macOS (launchd), not ${platform}; run \`dual proxy start\` at login instead`);
}

/** A systemd unit. Values are quoted for systemd: "..." with \ and " escaped, % doubled (specifiers), $ doubled in ExecStart. */
export function renderSystemdUnit(inputs: ServiceInputs, made: string[] = []): string {
  const exec = [inputs.node, inputs.bin, 'proxy'].map((a) => systemdQuote(a.replaceAll('$', '$$$$'))).join(' ');
  return [
    `# ${MARKER}; \`dual proxy uninstall\` removes it.`,
    ...made.map((dir) => `# ${MADE} ${encodeURIComponent(dir)}`),
    '[Unit]',
    'Description=dual proxy: serves <workspace>.localhost:<port>',
    // Restart=on-failure, but a proxy that cannot start at all stops after 5 tries in 30 s.
    'StartLimitIntervalSec=30',
    'StartLimitBurst=5',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${exec}`,
    `Environment=${systemdQuote(`DUAL_HOME=${inputs.home}`)}`,
    `Environment=${systemdQuote(`DUAL_PROXY_LOG=${inputs.log}`)}`,
    'Environment=DUAL_PROXY_SERVICE=systemd',
    'Restart=on-failure',
    'RestartSec=1',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

function systemdQuote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replaceAll('%', '%%')}"`;
}

/** A launchd agent: KeepAlive restarts it when it exits with a failure, RunAtLoad starts it at login. */
export function renderLaunchdPlist(inputs: ServiceInputs, made: string[] = []): string {
  const string = (value: string) => `<string>${xmlEscape(value)}</string>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `<!-- ${MARKER}; \`dual proxy uninstall\` removes it. -->`,
    ...made.map((dir) => `<!-- ${MADE} ${encodeURIComponent(dir)} -->`),
    '<plist version="1.0">',
    '<dict>',
    `  <key>Label</key>${string(LAUNCHD_LABEL)}`,
    `  <key>ProgramArguments</key><array>${[inputs.node, inputs.bin, 'proxy'].map(string).join('')}</array>`,
    '  <key>EnvironmentVariables</key><dict>',
    `    <key>DUAL_HOME</key>${string(inputs.home)}`,
    `    <key>DUAL_PROXY_LOG</key>${string(inputs.log)}`,
    `    <key>DUAL_PROXY_SERVICE</key>${string('launchd')}`,
    '  </dict>',
    '  <key>RunAtLoad</key><true/>',
    '  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>',
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

function xmlEscape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The commands that start (install) and stop (uninstall) the service, as argv lists. */
export function serviceCommands(platform: NodeJS.Platform, file: string, uid: number): { activate: string[][]; deactivate: string[][] } {
  if (platform === 'darwin') {
    return { activate: [['launchctl', 'bootstrap', `gui/${uid}`, file]], deactivate: [['launchctl', 'bootout', `gui/${uid}`, file]] };
  }
  return {
    activate: [
      ['systemctl', '--user', 'daemon-reload'],
      ['systemctl', '--user', 'enable', '--now', SYSTEMD_UNIT],
    ],
    deactivate: [
      ['systemctl', '--user', 'disable', '--now', SYSTEMD_UNIT],
      ['systemctl', '--user', 'daemon-reload'],
    ],
  };
}

export interface InstallResult {
  file: string;
  content: string;
  /** Commands dual ran (the service manager answered). */
  ran: string[][];
  /** Commands for the user to run (no service manager, or it did not answer). */
  toRun: string[][];
  /** Why `toRun` is not empty when the manager exists but did not answer (no user session bus). */
  managerDown?: string;
}

export function installService(inputs: ServiceInputs, where: ServiceEnv): InstallResult {
  const file = serviceFile(where);
  if (existsSync(file)) {
    if (readFileSync(file, 'utf8').includes(MARKER)) {
      throw new DualError(`the proxy is already installed as a login service (${file}); run \`dual proxy uninstall\` first to change it`);
    }
    throw new DualError(`${file} exists and was not written by dual; move it away, then run \`dual proxy install\` again`);
  }
  const made = missingDirectories(dirname(file));
  const content = where.platform === 'darwin' ? renderLaunchdPlist(inputs, made) : renderSystemdUnit(inputs, made);
  const { activate } = serviceCommands(where.platform, file, where.uid);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content, { mode: 0o644 });
  if (!findOnPath(activate[0]![0]!, where.env)) return { file, content, ran: [], toRun: activate };
  const ran: string[][] = [];
  for (const command of activate) {
    const failure = run(command, where.env);
    if (failure && ran.length === 0 && isManagerDown(failure)) {
      // systemctl installed but no user manager (a container, WSL without systemd): the unit
      // is right, it just cannot be started from here. Keep it and say what to run later.
      return { file, content, ran, toRun: activate, managerDown: failure };
    }
    if (failure) {
      // Nothing half-made: what ran is undone, the file goes again, and the reason is shown.
      if (ran.length > 0) for (const undo of serviceCommands(where.platform, file, where.uid).deactivate) run(undo, where.env);
      removeWhatInstallMade(file, made);
      throw new DualError(`\`${command.join(' ')}\` failed (${failure}); nothing was installed`);
    }
    ran.push(command);
  }
  return { file, content, ran, toRun: [] };
}

/** systemctl's and launchctl's words for "there is no service manager session to talk to". */
function isManagerDown(failure: string): boolean {
  return /Failed to connect to bus|No medium found|System has not been booted with systemd|Could not find domain/i.test(failure);
}

export interface UninstallResult {
  file: string;
  ran: string[][];
}

export function uninstallService(where: ServiceEnv): UninstallResult {
  const file = serviceFile(where);
  if (!existsSync(file)) throw new DualError(`the proxy is not installed as a login service (no ${file}); nothing to uninstall`);
  if (!readFileSync(file, 'utf8').includes(MARKER)) throw new DualError(`${file} was not written by \`dual proxy install\`; left as it is`);
  const { deactivate } = serviceCommands(where.platform, file, where.uid);
  const ran: string[][] = [];
  const manager = findOnPath(deactivate[0]![0]!, where.env);
  // Stop and disable before the file goes (the manager needs it to know what to stop).
  if (manager) {
    const failure = run(deactivate[0]!, where.env);
    // A service that was never enabled (installed where no manager ran) has nothing to stop.
    if (failure && !isManagerDown(failure) && !/not loaded|not found|No such file|Could not find/i.test(failure)) {
      throw new DualError(`\`${deactivate[0]!.join(' ')}\` failed (${failure}); ${file} is left in place`);
    }
    if (!failure) ran.push(deactivate[0]!);
  }
  removeWhatInstallMade(file, madeDirectories(readFileSync(file, 'utf8')));
  if (manager) for (const command of deactivate.slice(1)) if (!run(command, where.env)) ran.push(command);
  return { file, ran };
}

/** The directories from `dir` upwards that do not exist yet, deepest first. */
function missingDirectories(dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.push(d);
  return missing;
}

function madeDirectories(content: string): string[] {
  return [...content.matchAll(new RegExp(`${MADE} (\\S+)`, 'g'))].map((m) => decodeURIComponent(m[1]!));
}

/** The file, then the directories install made (deepest first), each only if empty. */
function removeWhatInstallMade(file: string, made: string[]): void {
  rmSync(file, { force: true });
  for (const dir of made) {
    try {
      rmdirSync(dir);
    } catch {
      break; // not empty (something else lives there now): it and its parents stay
    }
  }
}

/** undefined when it exited 0, else its last stderr line (or how it ended). Never through a shell. */
function run(command: string[], env: NodeJS.ProcessEnv): string | undefined {
  const result = spawnSync(command[0]!, command.slice(1), { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  if (result.status === 0) return undefined;
  return result.stderr?.trim().split('\n').pop() || result.error?.message || `exit ${result.status ?? result.signal}`;
}

export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
