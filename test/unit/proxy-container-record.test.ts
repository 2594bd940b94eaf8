import { describe, expect, it } from 'vitest';
import { recordFromInspect } from '../../proxy/container-record.js';
import { chooseUpstreamMode } from '../../proxy/upstream-mode.js';

describe('recordFromInspect', () => {
  it('reads labels, bridge IP and the 127.0.0.1 published ports', () => {
    const record = recordFromInspect({
      Id: 'abc',
      Name: '/dual-shop-main',
      State: { Status: 'running', Running: true },
      Config: { Labels: { 'dual.workspace': 'shop-main', 'dual.repo': 'shop', 'dual.branch': 'main', 'dual.ports': '3000,5173', 'dual.host-rewrite': 'localhost' } },
      NetworkSettings: {
        IPAddress: '172.17.0.4',
        Networks: { bridge: { IPAddress: '172.17.0.4' } },
        Ports: { '3000/tcp': [{ HostIp: '127.0.0.1', HostPort: '49001' }], '5173/tcp': null, '53/udp': [{ HostIp: '127.0.0.1', HostPort: '1' }] },
      },
    });
    expect(record).toMatchObject({ containerId: 'abc', workspace: 'shop-main', name: 'dual-shop-main', ports: [3000, 5173], hostRewrite: true, bridgeIp: '172.17.0.4', published: { 3000: 49001 } });
    expect(record?.attached).toBeUndefined();
  });

  it('reads the address on the workspace network, where the top-level IPAddress is empty', () => {
    const record = recordFromInspect({
      Id: 'abc',
      Name: '/dual-shop-main',
      Config: { Labels: { 'dual.workspace': 'shop-main' } },
      NetworkSettings: { IPAddress: '', Networks: { other: { IPAddress: '10.9.0.2' }, 'dual-workspaces': { IPAddress: '172.20.0.5' } } },
    });
    expect(record?.bridgeIp).toBe('172.20.0.5');
  });

  it('marks sidecars and skips unlabelled containers', () => {
    expect(recordFromInspect({ Id: 'x', Name: '/x', Config: { Labels: { 'dual.workspace': 'w', 'dual.attached': 'db' } } })?.attached).toBe('db');
    expect(recordFromInspect({ Id: 'y', Name: '/y', Config: { Labels: {} } })).toBeUndefined();
  });
});

describe('chooseUpstreamMode', () => {
  it('auto picks bridge on Linux and published elsewhere or when the bridge is unreachable', () => {
    expect(chooseUpstreamMode('auto', { platform: 'linux', dockerDesktop: false })).toBe('bridge');
    expect(chooseUpstreamMode('auto', { platform: 'linux', dockerDesktop: true })).toBe('published');
    expect(chooseUpstreamMode('auto', { platform: 'darwin', dockerDesktop: false })).toBe('published');
    expect(chooseUpstreamMode('auto', { platform: 'linux', dockerDesktop: false, bridgeReachable: false })).toBe('published');
    expect(chooseUpstreamMode('bridge', { platform: 'darwin', dockerDesktop: true })).toBe('bridge');
  });
});
