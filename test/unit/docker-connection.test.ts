import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engineAddress } from '../../src/adapters/docker/connection.js';
import { mountProbeVerdict } from '../../src/adapters/docker/mount-probe.js';
import { sshArgs } from '../../src/adapters/docker/ssh-dial.js';

/** Where dual connects, resolved as the docker CLI resolves it (no engine needed: pure resolution). */
const root = mkdtempSync(join(tmpdir(), 'dual-conn-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const certs = join(root, 'certs');
mkdirSync(certs);
writeFileSync(join(certs, 'ca.pem'), 'CA');
writeFileSync(join(certs, 'cert.pem'), 'CERT');
writeFileSync(join(certs, 'key.pem'), 'KEY');

/** A Docker CLI config folder with contexts, laid out as docker/cli stores them. */
function dockerConfig(current: string | undefined, contexts: Record<string, { host: string; skipTlsVerify?: boolean; tls?: boolean }>): string {
  const dir = mkdtempSync(join(root, 'config-'));
  if (current !== undefined) writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: current }));
  for (const [name, c] of Object.entries(contexts)) {
    const id = createHash('sha256').update(name).digest('hex');
    mkdirSync(join(dir, 'contexts', 'meta', id), { recursive: true });
    writeFileSync(join(dir, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: c.host, SkipTLSVerify: c.skipTlsVerify ?? false } } }));
    if (c.tls) {
      const tls = join(dir, 'contexts', 'tls', id, 'docker');
      mkdirSync(tls, { recursive: true });
      writeFileSync(join(tls, 'ca.pem'), 'CTX-CA');
    }
  }
  return dir;
}

const noConfig = join(root, 'no-docker-config');

describe('DOCKER_HOST', () => {
  it('defaults to the engine socket, and reads unix://, tcp:// and ssh:// as docker does', () => {
    expect(engineAddress({ DOCKER_CONFIG: noConfig })).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock', display: '/var/run/docker.sock' });
    expect(engineAddress({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toMatchObject({ kind: 'unix', socketPath: '/run/user/1000/docker.sock' });
    expect(engineAddress({ DOCKER_HOST: 'unix://' })).toMatchObject({ kind: 'unix', socketPath: '/var/run/docker.sock' });
    expect(engineAddress({ DOCKER_HOST: 'tcp://build.example:2376' })).toEqual({ kind: 'tcp', host: 'build.example', port: 2376, display: 'tcp://build.example:2376' });
    // No port: 2375, with or without TLS (docker/cli opts.ParseTCPAddr); no scheme: tcp.
    expect(engineAddress({ DOCKER_HOST: 'tcp://10.0.0.5' })).toMatchObject({ host: '10.0.0.5', port: 2375 });
    expect(engineAddress({ DOCKER_HOST: '10.0.0.5:2000' })).toMatchObject({ kind: 'tcp', host: '10.0.0.5', port: 2000 });
    expect(engineAddress({ DOCKER_HOST: 'tcp://[::1]:2375' })).toMatchObject({ host: '::1', port: 2375 });
    expect(engineAddress({ DOCKER_HOST: 'ssh://me@box:2222' })).toEqual({ kind: 'ssh', target: { user: 'me', host: 'box', port: '2222' }, display: 'ssh://me@box:2222' });
    expect(engineAddress({ DOCKER_HOST: 'ssh://box/run/docker.sock' })).toMatchObject({ target: { host: 'box', socketPath: '/run/docker.sock' } });
  });

  it('refuses what dual cannot use, saying what to write instead', () => {
    expect(() => engineAddress({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' })).toThrow(
      'DOCKER_HOST=npipe:////./pipe/docker_engine uses npipe://, which dual does not support: use unix://, tcp:// or ssh://',
    );
    expect(() => engineAddress({ DOCKER_HOST: 'https://box:2376' })).toThrow(/uses https:\/\/, which dual does not support/);
    expect(() => engineAddress({ DOCKER_HOST: 'ssh://me:secret@box' })).toThrow('DOCKER_HOST=ssh://me:secret@box has a password in the URL (use an ssh key or ssh-agent): write it as ssh://[user@]host[:port]');
    expect(() => engineAddress({ DOCKER_HOST: 'tcp://box:2375/prefix' })).toThrow('DOCKER_HOST=tcp://box:2375/prefix has more than host and port: write it as tcp://<host>:<port>');
    expect(() => engineAddress({ DOCKER_HOST: 'tcp://box:99999' })).toThrow(/is not a valid address/);
  });

  it('uses TLS for tcp:// when DOCKER_TLS_VERIFY is non-empty (even "0", as docker/cli reads it), verifying the engine', () => {
    for (const value of ['1', '0', 'true']) {
      const address = engineAddress({ DOCKER_HOST: 'tcp://box:2376', DOCKER_TLS_VERIFY: value, DOCKER_CERT_PATH: certs });
      expect(address).toMatchObject({ kind: 'tcp', tls: { verify: true, dir: certs } });
      expect(address.kind === 'tcp' && address.tls?.ca?.toString()).toBe('CA');
    }
    expect(engineAddress({ DOCKER_HOST: 'tcp://box:2376', DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: certs })).not.toHaveProperty('tls');
    expect(engineAddress({ DOCKER_HOST: 'tcp://box:2376', DOCKER_TLS: '1', DOCKER_CERT_PATH: certs })).toMatchObject({ tls: { verify: false } });
  });

  it('reads the certificates from the Docker config folder when DOCKER_CERT_PATH is unset', () => {
    expect(engineAddress({ DOCKER_HOST: 'tcp://box:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CONFIG: certs })).toMatchObject({ tls: { dir: certs } });
  });

  it('never uses TLS (nor reads certificates) for a socket or ssh', () => {
    const missing = join(root, 'missing');
    expect(engineAddress({ DOCKER_HOST: 'unix:///x.sock', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: missing })).not.toHaveProperty('tls');
    expect(engineAddress({ DOCKER_HOST: 'ssh://box', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: missing })).not.toHaveProperty('tls');
  });

  it('names a certificate folder that is missing, empty or half a client certificate', () => {
    const env = (dir: string) => ({ DOCKER_HOST: 'tcp://box:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir });
    expect(() => engineAddress(env(join(root, 'missing')))).toThrow(/^DOCKER_CERT_PATH .*missing is not a readable folder \(ENOENT\)/);
    const empty = mkdtempSync(join(root, 'empty-'));
    expect(() => engineAddress(env(empty))).toThrow(/holds none of ca\.pem, cert\.pem, key\.pem/);
    writeFileSync(join(empty, 'cert.pem'), 'CERT');
    expect(() => engineAddress(env(empty))).toThrow(/has cert\.pem but no key\.pem: a client certificate needs both/);
  });
});

describe('Docker contexts', () => {
  const contexts = { remote: { host: 'ssh://me@box' }, secure: { host: 'tcp://box:2376', tls: true }, insecure: { host: 'tcp://box:2376', skipTlsVerify: true } };

  it('follows docker/cli: DOCKER_HOST, then DOCKER_CONTEXT, then currentContext, then the default socket', () => {
    const config = dockerConfig('secure', contexts);
    expect(engineAddress({ DOCKER_CONFIG: config })).toMatchObject({ kind: 'tcp', display: 'tcp://box:2376 (docker context "secure")' });
    expect(engineAddress({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'remote' })).toMatchObject({ kind: 'ssh', target: { user: 'me', host: 'box' } });
    expect(engineAddress({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'remote', DOCKER_HOST: 'unix:///h.sock' })).toMatchObject({ socketPath: '/h.sock' });
    expect(engineAddress({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'default' })).toMatchObject({ socketPath: '/var/run/docker.sock' });
    expect(engineAddress({ DOCKER_CONFIG: dockerConfig(undefined, contexts) })).toMatchObject({ socketPath: '/var/run/docker.sock' });
  });

  it("takes a context's TLS files, and SkipTLSVerify means TLS without verification", () => {
    const config = dockerConfig(undefined, contexts);
    const secure = engineAddress({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'secure' });
    expect(secure).toMatchObject({ tls: { verify: true } });
    expect(secure.kind === 'tcp' && secure.tls?.ca?.toString()).toBe('CTX-CA');
    expect(engineAddress({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'insecure' })).toMatchObject({ tls: { verify: false } });
  });

  it('names an unknown context and who chose it', () => {
    const config = dockerConfig('gone', contexts);
    expect(() => engineAddress({ DOCKER_CONFIG: config })).toThrow(
      `Docker context "gone" (from the current context in ${config}/config.json) does not exist: \`docker context ls\` lists the contexts; run \`docker context use <name>\` with one of them`,
    );
    expect(() => engineAddress({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'nope' })).toThrow(/^Docker context "nope" \(from DOCKER_CONTEXT\) does not exist/);
  });

  it('says when config.json is not JSON', () => {
    const config = mkdtempSync(join(root, 'bad-'));
    writeFileSync(join(config, 'config.json'), '{ not json');
    expect(() => engineAddress({ DOCKER_CONFIG: config })).toThrow(`the Docker CLI config ${config}/config.json is not valid JSON: fix it, or set DOCKER_CONFIG to another folder`);
  });
});

describe('ssh:// (docker/cli connhelper)', () => {
  it('runs `docker system dial-stdio` remotely, with the host after `--` and remote words quoted for the remote shell', () => {
    expect(sshArgs({ user: 'me', host: 'box', port: '2222' })).toEqual(['-o', 'ConnectTimeout=30', '-T', '-l', 'me', '-p', '2222', '--', 'box', 'docker', 'system', 'dial-stdio']);
    expect(sshArgs({ host: '-oProxyCommand=x', socketPath: "/tmp/it's here.sock" })).toEqual([
      '-o',
      'ConnectTimeout=30',
      '-T',
      '--',
      '-oProxyCommand=x',
      'docker',
      `'--host=unix:///tmp/it'\\''s here.sock'`,
      'system',
      'dial-stdio',
    ]);
  });
});

describe('mount probe verdict', () => {
  it('tells the same filesystem (no such image) from another machine (bind source missing)', () => {
    expect(mountProbeVerdict(404, 'No such image: dual-mount-probe.invalid/absent:never')).toBe(true);
    expect(mountProbeVerdict(400, 'invalid mount config for type "bind": bind source path does not exist: /x')).toBe(false);
    expect(mountProbeVerdict(500, 'something else')).toBeUndefined();
  });
});
