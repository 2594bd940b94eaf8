import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { combineCertificates, iniValue, npmCafile, trustSources, writeTrustBundle, type TrustInputs } from '../../workspaces/host-trust.js';

const cert = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;

function inputs(files: Record<string, string>, env: NodeJS.ProcessEnv = {}): TrustInputs {
  return {
    env,
    platform: 'linux',
    home: '/home/u',
    execPath: '/usr/bin/node',
    exists: (file) => file in files,
    readText: (file) => files[file],
  };
}

describe('trustSources', () => {
  it('takes the first system bundle that exists, then NODE_EXTRA_CA_CERTS, npm cafile and extra files', () => {
    const files = { '/etc/pki/tls/certs/ca-bundle.crt': '', '/home/u/.npmrc': 'cafile=/corp/npm.pem\n' };
    expect(trustSources(inputs(files, { NODE_EXTRA_CA_CERTS: '/corp/node.pem' }), ['/h/tls/ca/ca.crt'])).toEqual([
      { origin: 'system bundle', file: '/etc/pki/tls/certs/ca-bundle.crt' },
      { origin: 'NODE_EXTRA_CA_CERTS', file: '/corp/node.pem' },
      { origin: 'npm cafile', file: '/corp/npm.pem' },
      { origin: 'dual', file: '/h/tls/ca/ca.crt' },
    ]);
  });

  it("uses the host's own SSL_CERT_FILE as its system bundle when set", () => {
    expect(trustSources(inputs({ '/etc/ssl/certs/ca-certificates.crt': '' }, { SSL_CERT_FILE: '/corp/all.pem' }))[0]).toEqual({ origin: 'SSL_CERT_FILE', file: '/corp/all.pem' });
  });

  it('is empty on a host with nothing to lend', () => {
    expect(trustSources(inputs({}))).toEqual([]);
  });
});

describe('npmCafile', () => {
  it('prefers the environment, then the user npmrc, then the global npmrc under node’s prefix', () => {
    expect(npmCafile(inputs({ '/home/u/.npmrc': 'cafile=/u.pem' }, { npm_config_cafile: '/env.pem' }))).toBe('/env.pem');
    expect(npmCafile(inputs({ '/home/u/.npmrc': 'cafile=/u.pem', '/usr/etc/npmrc': 'cafile=/g.pem' }))).toBe('/u.pem');
    expect(npmCafile(inputs({ '/home/u/.npmrc': 'fund=false', '/usr/etc/npmrc': 'cafile = "/g.pem"' }))).toBe('/g.pem');
    expect(npmCafile(inputs({ '/x/rc': 'cafile=${CORP}/ca.pem' }, { NPM_CONFIG_USERCONFIG: '/x/rc', CORP: '/corp' }))).toBe('/corp/ca.pem');
    expect(npmCafile(inputs({ '/home/u/.npmrc': 'cafile=~/certs/ca.pem' }))).toBe('/home/u/certs/ca.pem');
    expect(npmCafile(inputs({}))).toBeUndefined();
  });

  it('reads ini lines, skipping comments; the last value wins as in npm', () => {
    expect(iniValue('; cafile=/no\n# cafile=/no\ncafile=/a\ncafile=/b\n', 'cafile')).toBe('/b');
    expect(iniValue('cafilex=/no', 'cafile')).toBeUndefined();
  });
});

describe('combineCertificates', () => {
  it('keeps every certificate once, in order, whatever the line endings and surrounding text', () => {
    const a = cert('AAAA');
    const b = cert('BBBB');
    expect(combineCertificates([`# comment\n${a}\n${b}\n`, `${a.replace(/\n/g, '\r\n')}\njunk`, b])).toEqual([a, b]);
    expect(combineCertificates(['no certificates here'])).toEqual([]);
  });
});

describe('writeTrustBundle', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('writes one readable bundle from every source, reports unreadable ones, and rewrites only on change', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dual-trust-')), 'trust');
    dirs.push(dir);
    const files: Record<string, string> = { '/etc/ssl/certs/ca-certificates.crt': `${cert('ROOT')}\n${cert('CORP')}`, '/corp/node.pem': cert('CORP'), '/h/dual-ca.crt': cert('DUAL') };
    // The sources are fakes; the bundle itself is written to and read back from the disk.
    const host: TrustInputs = { ...inputs(files, { NODE_EXTRA_CA_CERTS: '/corp/node.pem', npm_config_cafile: '/gone.pem' }), readText: (f) => files[f] ?? readOr(f) };
    const bundle = writeTrustBundle(dir, ['/h/dual-ca.crt'], host);
    expect(bundle).toEqual({ hostDir: dir, certificates: 3, unreadable: ['npm cafile /gone.pem'] });
    const file = join(dir, 'ca-certificates.crt');
    const text = readFileSync(file, 'utf8');
    expect(text.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect(text).toContain('DUAL');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    const before = statSync(file).ino;
    writeTrustBundle(dir, ['/h/dual-ca.crt'], host);
    expect(statSync(file).ino).toBe(before);
  });

  it('writes nothing when the host trusts nothing', () => {
    expect(writeTrustBundle('/nonexistent/never-made', [], inputs({}))).toBeUndefined();
  });
});

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
