import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dualOk, runDual } from '../helpers/cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { parseUnit } from '../helpers/unit-file.js';

/** `dual proxy install|uninstall` through the CLI, into a temp HOME (no systemd on this machine). */
const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

function world(name: string, withSystemctl: boolean, systemctlScript = '') {
  const home = sandbox.path(name, 'user-home');
  const bin = sandbox.path(name, 'bin');
  mkdirSync(home, { recursive: true });
  mkdirSync(bin, { recursive: true });
  const record = join(bin, 'systemctl.log');
  if (withSystemctl) {
    // A stand-in that records how it was called: dual must run it, never through a shell.
    writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${record}'\n${systemctlScript}`);
    chmodSync(join(bin, 'systemctl'), 0o755);
  }
  const env = { ...sandbox.env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), PATH: bin };
  return { env, unit: join(home, 'config', 'systemd', 'user', 'dual-proxy.service'), record };
}

describe('dual proxy install / uninstall', () => {
  it('without systemctl: writes the unit, prints it and the command to run; uninstall removes it', async () => {
    const w = world('plain', false);
    const installed = await dualOk(['proxy', 'install'], { env: w.env });
    const text = readFileSync(w.unit, 'utf8');
    expect(installed.stdout).toContain(`wrote ${w.unit}:\n${text}`);
    expect(installed.stdout).toContain('systemctl --user enable --now dual-proxy.service');
    const unit = parseUnit(text);
    expect(unit.Service!.ExecStart![0]).toMatch(/^"\/.*node" "\/.*\/bin\/dual\.js" "proxy"$/);
    expect(unit.Service!.Environment).toContain(`"DUAL_HOME=${sandbox.home}"`);
    expect(unit.Service!.Restart).toEqual(['on-failure']);

    const twice = await runDual(['proxy', 'install'], { env: w.env });
    expect(twice.code).toBe(1);
    expect(twice.stderr.trim()).toBe(`dual: the proxy is already installed as a login service (${w.unit}); run \`dual proxy uninstall\` first to change it`);
    expect(readFileSync(w.unit, 'utf8')).toBe(text);

    const removed = await dualOk(['proxy', 'uninstall'], { env: w.env });
    expect(removed.stdout).toContain(`removed ${w.unit}`);
    expect(existsSync(w.unit)).toBe(false);
    // The directories install made for it go too; HOME, which was there before, stays.
    expect(existsSync(join(w.env.XDG_CONFIG_HOME, 'systemd'))).toBe(false);
    expect(existsSync(w.env.HOME)).toBe(true);

    const again = await runDual(['proxy', 'uninstall'], { env: w.env });
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(`dual: the proxy is not installed as a login service (no ${w.unit}); nothing to uninstall`);
  });

  it('with systemctl: enables and starts it, and uninstall disables it before removing the file', async () => {
    const w = world('managed', true);
    const installed = await dualOk(['proxy', 'install'], { env: w.env });
    expect(installed.stdout).toContain('ran: systemctl --user enable --now dual-proxy.service');
    expect(readFileSync(w.record, 'utf8').split('\n')).toEqual(['--user daemon-reload', '--user enable --now dual-proxy.service', '']);
    await dualOk(['proxy', 'uninstall'], { env: w.env });
    expect(readFileSync(w.record, 'utf8').split('\n').slice(2)).toEqual(['--user disable --now dual-proxy.service', '--user daemon-reload', '']);
    expect(existsSync(w.unit)).toBe(false);
  });

  it('with systemctl but no user manager (as on this machine): keeps the unit and prints what to run', async () => {
    const w = world('nobus', true, `echo 'Failed to connect to bus: No medium found' >&2\nexit 1\n`);
    const installed = await dualOk(['proxy', 'install'], { env: w.env });
    expect(installed.stdout).toContain('systemctl could not reach a user service manager (Failed to connect to bus: No medium found)');
    expect(installed.stdout).toContain('  systemctl --user enable --now dual-proxy.service\n');
    expect(existsSync(w.unit)).toBe(true);
    const removed = await dualOk(['proxy', 'uninstall'], { env: w.env });
    expect(removed.stdout).not.toContain('ran:');
    expect(removed.stdout).toContain(`removed ${w.unit}`);
    expect(existsSync(w.unit)).toBe(false);
  });

  it('with systemctl refusing the unit: undoes what ran and removes the file', async () => {
    const w = world('refused', true, `case "$*" in *enable*) echo 'Failed to enable unit: Unit file is masked.' >&2; exit 1;; esac\n`);
    const result = await runDual(['proxy', 'install'], { env: w.env });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('dual: `systemctl --user enable --now dual-proxy.service` failed (Failed to enable unit: Unit file is masked.); nothing was installed');
    expect(existsSync(w.unit)).toBe(false);
    expect(readFileSync(w.record, 'utf8')).toContain('--user disable --now dual-proxy.service');
  });

  it('never overwrites or removes a unit file it did not write', async () => {
    const w = world('foreign', false);
    mkdirSync(join(w.unit, '..'), { recursive: true });
    writeFileSync(w.unit, '[Service]\nExecStart=/usr/bin/mine\n');
    const install = await runDual(['proxy', 'install'], { env: w.env });
    expect(install.code).toBe(1);
    expect(install.stderr).toContain('was not written by dual');
    const uninstall = await runDual(['proxy', 'uninstall'], { env: w.env });
    expect(uninstall.code).toBe(1);
    expect(readFileSync(w.unit, 'utf8')).toBe('[Service]\nExecStart=/usr/bin/mine\n');
  });
});
