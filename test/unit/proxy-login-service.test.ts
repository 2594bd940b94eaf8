import { describe, expect, it } from 'vitest';
import { parseUnit } from '../helpers/unit-file.js';
import { MARKER, renderLaunchdPlist, renderSystemdUnit, serviceCommands, serviceFile } from '../../proxy/login-service.js';

const inputs = { node: '/usr/bin/node', bin: '/opt/my dual/bin/dual.js', home: '/home/u/.dual 100%', log: '/home/u/.dual/logs/proxy.log' };

describe('systemd user unit', () => {
  it('runs `dual proxy` in the foreground for this DUAL_HOME, restarted on failure, started at login', () => {
    const text = renderSystemdUnit(inputs);
    expect(text).toContain(MARKER);
    const unit = parseUnit(text);
    expect(unit.Service!.ExecStart).toEqual(['"/usr/bin/node" "/opt/my dual/bin/dual.js" "proxy"']);
    expect(unit.Service!.Environment).toEqual([
      '"DUAL_HOME=/home/u/.dual 100%%"',
      '"DUAL_PROXY_LOG=/home/u/.dual/logs/proxy.log"',
      'DUAL_PROXY_SERVICE=systemd',
    ]);
    expect(unit.Service!.Restart).toEqual(['on-failure']);
    expect(unit.Install!.WantedBy).toEqual(['default.target']);
  });
  it('records the directories install made, as comments systemd skips', () => {
    const text = renderSystemdUnit(inputs, ['/h/.config/systemd/user', '/h/.config/systemd']);
    expect(text).toContain('# directory made by install: %2Fh%2F.config%2Fsystemd%2Fuser\n');
    expect(parseUnit(text)).toEqual(parseUnit(renderSystemdUnit(inputs)));
  });
  it('escapes quotes, backslashes and $ in ExecStart', () => {
    const unit = parseUnit(renderSystemdUnit({ ...inputs, bin: '/a"b\\c$d/dual.js' }));
    expect(unit.Service!.ExecStart![0]).toContain('"/a\\"b\\\\c$$d/dual.js"');
  });
  it('lives in XDG_CONFIG_HOME (or ~/.config) and is enabled with systemctl --user', () => {
    expect(serviceFile({ platform: 'linux', env: { HOME: '/h', XDG_CONFIG_HOME: '/x' }, uid: 1 })).toBe('/x/systemd/user/dual-proxy.service');
    expect(serviceFile({ platform: 'linux', env: { HOME: '/h' }, uid: 1 })).toBe('/h/.config/systemd/user/dual-proxy.service');
    expect(serviceCommands('linux', '/x', 1).activate).toContainEqual(['systemctl', '--user', 'enable', '--now', 'dual-proxy.service']);
  });
});

describe('launchd agent', () => {
  it('is a plist in ~/Library/LaunchAgents with KeepAlive on failure, values escaped', () => {
    const text = renderLaunchdPlist({ ...inputs, home: '/Users/u/<&>' });
    expect(text).toContain('<key>Label</key><string>dev.dual.proxy</string>');
    expect(text).toContain('<string>/Users/u/&#60;&#38;&#62;</string>');
    expect(text).toContain('<key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>');
    expect(text).not.toContain('<&>');
    expect(serviceFile({ platform: 'darwin', env: { HOME: '/Users/u' }, uid: 501 })).toBe('/Users/u/Library/LaunchAgents/dev.dual.proxy.plist');
    expect(serviceCommands('darwin', '/f.plist', 501).activate).toEqual([['launchctl', 'bootstrap', 'gui/501', '/f.plist']]);
  });
  it('is refused on other platforms with a line saying what to do', () => {
    expect(() => serviceFile({ platform: 'win32', env: {}, uid: 0 })).toThrow(/dual proxy start/);
  });
});
