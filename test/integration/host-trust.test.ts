import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceId } from '../../src/model/naming.js';
import { dualOk, runDual } from '../helpers/cli.js';
import { eventually } from '../helpers/fixtures.js';
import { makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * A host that trusts a private CA (as a company's TLS-intercepting proxy makes it) lends that
 * trust to its containers: node, npm and attached containers reach an https server whose
 * certificate that CA signed; a repo that turns it off does not.
 * Hermetic: the CA is made here and the https server runs in the workspace itself.
 */
const sandbox = new Sandbox();
const repo = sandbox.repoName('trust');
const npmCache = sandbox.path('npm-cache');
const caFile = sandbox.path('ca', 'ca.crt');
/** The host trusts the test CA the way many do: NODE_EXTRA_CA_CERTS in the user's environment. */
const env = { ...sandbox.env, NODE_EXTRA_CA_CERTS: caFile };
const trusting = workspaceId(repo, 'main');
const distrusting = workspaceId(repo, 'no-trust');

const SERVER = `const https = require('node:https'); const fs = require('node:fs');
https.createServer({ key: fs.readFileSync('server.key'), cert: fs.readFileSync('server.crt') }, (req, res) => {
  res.setHeader('content-type', 'application/json'); res.end('{}');
}).listen(3000, '0.0.0.0');
`;
/** Prints `status 200` or `error <code>`; always exits 0 so the test reads the outcome. */
const PROBE = `require('node:https').get('https://localhost:3000/', (r) => { console.log('status ' + r.statusCode); r.resume(); }).on('error', (e) => console.log('error ' + e.code));`;

function makeCertificates(dir: string): { key: string; cert: string } {
  mkdirSync(dir, { recursive: true });
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=dual test CA', '-days', '2',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf');
  return { key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.crt'), 'utf8') };
}

/** The probe's outcome once the server answers at all (it starts with the container). */
async function probe(args: string[]): Promise<string> {
  return eventually(async () => {
    const out = (await dualOk(args, { env })).stdout.trim();
    return out === 'error ECONNREFUSED' ? undefined : out;
  }, `the https server behind ${args.join(' ')}`, 30_000);
}

beforeAll(async () => {
  const { key, cert } = makeCertificates(sandbox.path('ca'));
  writeFileSync(join(sandbox.home, 'config.json'), JSON.stringify({ proxy: { autoStart: false }, npmCache }));
  const dualJson = { image: 'dual-test/node', start: 'node server.js', ports: [3000] };
  makeRepo(
    sandbox.path('trust'),
    { '.dual.json': JSON.stringify(dualJson), 'server.js': SERVER, 'server.key': key, 'server.crt': cert },
    { 'no-trust': { '.dual.json': JSON.stringify({ ...dualJson, trustHostCA: false, npmCache: false }) } },
  );
  await dualOk(['add', sandbox.path('trust'), '--name', repo], { env });
  await Promise.all([dualOk(['create', repo, 'main'], { env }), dualOk(['create', repo, 'no-trust'], { env })]);
}, 180_000);

afterAll(() => sandbox.cleanup());

describe("the host's trust in containers", () => {
  it('lets node in the workspace verify a certificate signed by a CA only the host trusts', async () => {
    expect(await probe(['exec', trusting, '--', 'node', '-e', PROBE])).toBe('status 200');
  });

  it('lets npm reach a registry behind that CA', async () => {
    await probe(['exec', trusting, '--', 'node', '-e', PROBE]);
    const ping = await runDual(['exec', trusting, '--', 'npm', 'ping', '--registry', 'https://localhost:3000/', '--fetch-retries', '0'], { env });
    expect(ping.stderr).toContain('PONG');
    expect(ping.code).toBe(0);
  });

  it('mounts the bundle read-only and points the usual variables at it', async () => {
    const vars = await dualOk(['exec', trusting, '--', 'sh', '-c', 'echo "$NODE_EXTRA_CA_CERTS $SSL_CERT_FILE $npm_config_cafile $GIT_SSL_CAINFO"'], { env });
    expect(vars.stdout.trim()).toBe(Array(4).fill('/etc/dual-ca/ca-certificates.crt').join(' '));
    const write = await runDual(['exec', trusting, '--', 'sh', '-c', 'echo x >> /etc/dual-ca/ca-certificates.crt'], { env });
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/read-only/i);
  });

  it('gives an attached container the same trust', async () => {
    await dualOk(['attach', trusting, 'agent', '--image', 'dual-test/node', '--', 'sleep', '3600'], { env });
    expect(await probe(['attached', 'exec', trusting, 'agent', '--', 'node', '-e', PROBE])).toBe('status 200');
  });

  it('shares one npm cache between workspaces, in the configured host directory', async () => {
    await dualOk(['exec', trusting, '--', 'sh', '-c', 'echo "$DUAL_BRANCH" > "$npm_config_cache/probe"'], { env });
    expect(readFileSync(join(npmCache, 'probe'), 'utf8').trim()).toBe('main');
  });

  it('lends nothing to a repo whose .dual.json turns it off', async () => {
    const outcome = await probe(['exec', distrusting, '--', 'node', '-e', PROBE]);
    expect(outcome).toMatch(/^error (UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)$/);
    const vars = await dualOk(['exec', distrusting, '--', 'sh', '-c', 'echo "[$NODE_EXTRA_CA_CERTS][$npm_config_cache]"; ls /etc/dual-ca 2>&1 || true'], { env });
    expect(vars.stdout).toContain('[][]');
    expect(vars.stdout).toMatch(/No such file/);
    expect(existsSync(join(npmCache, 'probe'))).toBe(true);
  });
});
