import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUAL_BIN, dualOk, runDual } from '../helpers/cli.js';
import { makeCa, makeDockerCerts, writeCertDir, type DockerCerts } from '../helpers/docker-certs.js';
import { TlsEngineRelay } from '../helpers/engine-relay.js';
import { branchPageConfig } from '../helpers/fixtures.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { freePort, request, waitFor } from '../helpers/proxy-fixtures.js';
import { stopChild } from '../helpers/processes.js';
import { Sandbox } from '../helpers/sandbox.js';
import { LoopbackSshd } from '../helpers/sshd.js';

/**
 * dual connects as the `docker` CLI does (DOCKER_HOST over tcp+TLS and ssh://, DOCKER_CONTEXT,
 * the config's currentContext), against the real engine: a TLS listener with certificates made
 * here relays to the engine socket, and a real sshd on loopback runs `docker system dial-stdio`.
 */
const sandbox = new Sandbox();
const repo = sandbox.repoName('conn');
const ws = `${repo}-feat`;
let proxyPort: number;
let certs: DockerCerts;
let relay: TlsEngineRelay;
let sshd: LoopbackSshd;

function tlsEnv(certDir = certs.clientDir): NodeJS.ProcessEnv {
  return { ...sandbox.env, DOCKER_HOST: relay.dockerHost, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certDir };
}

function sshEnv(dockerHost = sshd.dockerHost): NodeJS.ProcessEnv {
  return { ...sandbox.env, ...sshd.env, DOCKER_HOST: dockerHost };
}

function oneLine(stderr: string): string {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  return stderr.trimEnd();
}

async function listedIds(env: NodeJS.ProcessEnv): Promise<string[]> {
  return (JSON.parse((await dualOk(['list', '--json'], { env })).stdout) as Array<{ id: string }>).map((w) => w.id);
}

beforeAll(async () => {
  proxyPort = await freePort();
  certs = await makeDockerCerts(sandbox.path('certs'));
  relay = new TlsEngineRelay({ cert: certs.serverCert, key: certs.serverKey, ca: certs.ca });
  await relay.start();
  sshd = new LoopbackSshd(sandbox.path('sshd'));
  await sshd.start();
  makeRepo(sandbox.path('conn'), { '.dual.json': branchPageConfig(proxyPort) }, { feat: {}, other: {} });
  await dualOk(['add', sandbox.path('conn'), '--name', repo], { env: sandbox.env });
});

afterAll(async () => {
  // Each step runs even when one before it fails: nothing of this file may outlive it.
  await sshd?.stop().catch(() => undefined);
  await relay?.stop().catch(() => undefined);
  await sandbox.cleanup();
});

describe('DOCKER_HOST=tcp:// with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', () => {
  it('creates, execs in and lists a workspace through a TLS listener that requires a client certificate', async () => {
    const before = relay.connections;
    await dualOk(['create', repo, 'feat'], { env: tlsEnv() });
    const r = await runDual(['exec', ws, '--', 'sh', '-c', 'echo "$DUAL_BRANCH"; exit 3'], { env: tlsEnv() });
    expect(r.stdout).toBe('feat\n');
    expect(r.code).toBe(3);
    expect(await listedIds(tlsEnv())).toEqual([ws]);
    expect(relay.connections).toBeGreaterThan(before);
  });

  it('refuses, in one line, an engine whose certificate the given CA did not sign', async () => {
    const wrong = sandbox.path('wrong-ca');
    const otherCa = await makeCa('not the engine CA');
    const client = (name: string) => readFileSync(join(certs.clientDir, name), 'utf8');
    writeCertDir(wrong, { ca: otherCa.certPem, cert: client('cert.pem'), key: client('key.pem') });
    const list = await runDual(['list'], { env: tlsEnv(wrong) });
    expect(list.code).toBe(1);
    expect(oneLine(list.stderr)).toMatch(
      new RegExp(`^dual: TLS with the Docker engine at tcp://127\\.0\\.0\\.1:${relay.port} failed \\(.+\\): check that ${wrong}/ca\\.pem is the CA that signed`),
    );
    const exec = await runDual(['exec', ws, '--', 'true'], { env: tlsEnv(wrong) });
    expect(exec.code).toBe(125);
    expect(oneLine(exec.stderr)).toMatch(/^dual: TLS with the Docker engine/);
  });

  it('says which DOCKER_CERT_PATH cannot be read', async () => {
    const missing = sandbox.path('no-such-certs');
    const r = await runDual(['list'], { env: tlsEnv(missing) });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      `dual: DOCKER_CERT_PATH ${missing} is not a readable folder (ENOENT): point DOCKER_CERT_PATH at the folder holding ca.pem, cert.pem and key.pem`,
    );
  });
});

describe('DOCKER_HOST=ssh://', () => {
  it('execs with stdin, lists and re-creates through ssh and the remote `docker system dial-stdio`', async () => {
    const r = await runDual(['exec', ws, '--', 'wc', '-c'], { env: sshEnv(), input: 'through ssh' });
    expect(r.stdout.trim()).toBe('11');
    expect(r.code).toBe(0);
    expect(await listedIds(sshEnv())).toEqual([ws]);
    const again = await dualOk(['create', repo, 'feat'], { env: sshEnv() });
    expect(again.stdout).toContain(ws);
  });

  it('runs the proxy over ssh too: it discovers the workspace and serves it', async () => {
    // In the foreground (`dual proxy`), polled here: the background start's own deadline is
    // for a local engine, and every ssh connection costs seconds on a loaded machine.
    const proxy = spawn(process.execPath, [DUAL_BIN, 'proxy', '--port', String(proxyPort)], { env: { ...process.env, ...sshEnv() }, stdio: 'ignore' });
    try {
      const page = await waitFor(async () => {
        const reply = await request(proxyPort, `${ws}.localhost:${proxyPort}`).catch(() => undefined);
        return reply?.status === 200 ? reply.body.trim() : undefined;
      }, 60_000, 'the workspace through a proxy connected over ssh');
      expect(page).toBe('feat');
    } finally {
      await stopChild(proxy);
    }
  }, 120_000);

  it("passes ssh's own reason on, in one line, when ssh cannot connect", async () => {
    const closed = await freePort();
    const r = await runDual(['list'], { env: sshEnv(`ssh://${sshd.user}@127.0.0.1:${closed}`) });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      new RegExp(`^dual: cannot reach the Docker engine at ssh://${sshd.user}@127\\.0\\.0\\.1:${closed}: ssh exited 255 \\(.*Connection refused\\); check that \`ssh -l ${sshd.user} -p ${closed} -- 127\\.0\\.0\\.1 docker version\` works$`),
    );
  });
});

describe('Docker contexts (DOCKER_CONTEXT, currentContext in $DOCKER_CONFIG/config.json)', () => {
  const config = () => sandbox.path('docker-config');
  let dead: number;

  function writeContext(name: string, host: string, tlsFrom?: string): void {
    const id = createHash('sha256').update(name).digest('hex');
    const meta = join(config(), 'contexts', 'meta', id);
    mkdirSync(meta, { recursive: true });
    writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
    if (tlsFrom) {
      const read = (f: string) => readFileSync(join(tlsFrom, f), 'utf8');
      writeCertDir(join(config(), 'contexts', 'tls', id, 'docker'), { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') });
    }
  }

  function useContext(name: string): void {
    writeFileSync(join(config(), 'config.json'), JSON.stringify({ currentContext: name }));
  }

  function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...sandbox.env, ...sshd.env, DOCKER_CONFIG: config(), ...extra };
  }

  beforeAll(async () => {
    dead = await freePort();
    writeContext('tls-engine', relay.dockerHost, certs.clientDir);
    writeContext('ssh-engine', sshd.dockerHost);
    writeContext('dead', `tcp://127.0.0.1:${dead}`);
  });

  it('uses the current context of the Docker CLI config, with its TLS files', async () => {
    useContext('tls-engine');
    const before = relay.connections;
    expect(await listedIds(env())).toEqual([ws]);
    expect(relay.connections).toBeGreaterThan(before);
    useContext('dead');
    const r = await runDual(['list'], { env: env() });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(`dual: cannot reach the Docker engine at tcp://127.0.0.1:${dead} (docker context "dead"): start Docker (or set DOCKER_HOST) and try again`);
  });

  it('lets DOCKER_CONTEXT override the config, and DOCKER_HOST override both, as docker does', async () => {
    useContext('dead');
    expect(await listedIds(env({ DOCKER_CONTEXT: 'ssh-engine' }))).toEqual([ws]);
    expect(await listedIds(env({ DOCKER_CONTEXT: 'default' }))).toEqual([ws]);
    expect(await listedIds(env({ DOCKER_CONTEXT: 'dead', DOCKER_HOST: 'unix:///var/run/docker.sock' }))).toEqual([ws]);
  });

  it('names an unknown context in one line', async () => {
    const r = await runDual(['exec', ws, '--', 'true'], { env: env({ DOCKER_CONTEXT: 'no-such-context' }) });
    expect(r.code).toBe(125);
    expect(oneLine(r.stderr)).toBe(
      'dual: Docker context "no-such-context" (from DOCKER_CONTEXT) does not exist: `docker context ls` lists the contexts; unset DOCKER_CONTEXT or set it to one',
    );
  });
});

describe('an engine that does not see this machine\'s files', () => {
  it('refuses `dual create` in one line and makes nothing', async () => {
    // The same engine, but dual runs in a mount namespace where its worktrees folder is a
    // tmpfs the engine cannot see: to the engine, dual's files are on another machine.
    const worktrees = join(sandbox.home, 'worktrees');
    mkdirSync(worktrees, { recursive: true });
    const r = await runDual(['create', repo, 'other'], {
      env: sandbox.env,
      wrapper: ['unshare', '--mount', '--', 'sh', '-c', 'mount -t tmpfs dual-elsewhere "$0" && exec "$@"', worktrees],
    });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      `dual: the Docker engine at /var/run/docker.sock does not see this machine's files (${worktrees}), so it cannot mount a worktree: use an engine on this machine (unset DOCKER_HOST and DOCKER_CONTEXT, or \`docker context use default\`)`,
    );
    expect(existsSync(join(worktrees, repo, 'other'))).toBe(false);
    expect(git(sandbox.path('conn'), 'worktree', 'list')).not.toContain('other');
    expect(await listedIds(sandbox.env)).toEqual([ws]);
  });
});
