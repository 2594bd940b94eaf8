import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pullFailure } from '../../src/adapters/docker/pull-failure.js';
import { registryAuth } from '../../src/adapters/docker/registry-auth.js';
import { imageRegistry, isImageReference } from '../../src/model/image-reference.js';

const IMAGE = '127.0.0.1:5000/team/app:v1';

describe('a failed pull, in one line that says what to do', () => {
  it.each([
    ['Head "http://127.0.0.1:5000/v2/team/app/manifests/v1": no basic auth credentials', `cannot pull image ${IMAGE}: 127.0.0.1:5000 refused access (no basic auth credentials); log in with: docker login 127.0.0.1:5000, then run again`],
    ['unauthorized: authentication required', `cannot pull image ${IMAGE}: 127.0.0.1:5000 refused access (authentication required); log in with: docker login 127.0.0.1:5000, then run again`],
    ['manifest for 127.0.0.1:5000/team/app:v1 not found: manifest unknown: manifest unknown', `cannot pull image ${IMAGE}: 127.0.0.1:5000 has no such image or tag; check the name and tag`],
    ['error pulling image configuration: download failed after attempts=6: EOF', `cannot pull image ${IMAGE}: the connection to 127.0.0.1:5000 failed (EOF); check your network and run again`],
    ['Get "http://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused', `cannot pull image ${IMAGE}: the connection to 127.0.0.1:5000 failed (connection refused); check your network and run again`],
    ['Get "https://no-such.invalid/v2/": dial tcp: lookup no-such.invalid on 10.0.0.1:53: no such host', `cannot pull image ${IMAGE}: 127.0.0.1:5000 cannot be found (no such host); check the name and your network`],
    ['something new\nwith a second line', `cannot pull image ${IMAGE}: something new; check the name, your network, or build it locally`],
  ])('%s', (engine, expected) => {
    expect(pullFailure(IMAGE, engine).message).toBe(expected);
  });

  it("Docker Hub's ambiguous denial: no such repository, or a private one", () => {
    expect(pullFailure('acme/private', "pull access denied for acme/private, repository does not exist or may require 'docker login': denied: requested access to the resource is denied").message).toBe(
      'cannot pull image acme/private: it does not exist or needs a login; check the name, or log in with: docker login',
    );
  });
});

describe('the registry of an image reference, as Docker reads it', () => {
  it.each([
    ['node:22', 'docker.io'],
    ['library/node', 'docker.io'],
    ['ghcr.io/acme/app:1', 'ghcr.io'],
    ['localhost/app', 'localhost'],
    ['127.0.0.1:5000/app', '127.0.0.1:5000'],
    ['Registry/app', 'Registry'],
  ])('%s -> %s', (image, registry) => {
    expect(imageRegistry(image)).toBe(registry);
  });
});

describe('credentials stored by docker login', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dual-docker-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = (body: object) => writeFileSync(join(dir, 'config.json'), JSON.stringify(body));

  it('reads auths (base64 user:password) for the image registry only', () => {
    config({ auths: { '127.0.0.1:5000': { auth: Buffer.from('alice:s3:cret').toString('base64') } } });
    expect(registryAuth(IMAGE, { DOCKER_CONFIG: dir })).toEqual({ serveraddress: '127.0.0.1:5000', username: 'alice', password: 's3:cret' });
    expect(registryAuth('ghcr.io/x/y', { DOCKER_CONFIG: dir })).toBeUndefined();
  });

  it("asks the credential helper the user configured, Docker Hub under its CLI key", () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'docker-credential-fake'), '#!/bin/sh\nread addr\necho "{\\"ServerURL\\":\\"$addr\\",\\"Username\\":\\"bob\\",\\"Secret\\":\\"for $addr\\"}"\n');
    chmodSync(join(bin, 'docker-credential-fake'), 0o755);
    config({ credsStore: 'fake' });
    const env = { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH}` };
    expect(registryAuth('node:22', env)).toEqual({ serveraddress: 'https://index.docker.io/v1/', username: 'bob', password: 'for https://index.docker.io/v1/' });
  });

  it('none without a config', () => {
    expect(registryAuth(IMAGE, { DOCKER_CONFIG: join(dir, 'missing') })).toBeUndefined();
  });
});

describe('image references checked before the engine sees them', () => {
  it.each(['node:22', 'node', 'library/node:22-alpine', 'ghcr.io/acme/app:1.2', '127.0.0.1:5000/dual-test/pull:v1', 'localhost/a_b__c-d:latest', 'node@sha256:' + 'a'.repeat(64), 'Registry.Example:443/x/y'])('accepts %s', (image) => {
    expect(isImageReference(image)).toBe(true);
  });
  it.each(['Bad//Name', 'Node:22', 'a/', '/a', 'a:', 'a:b:c', 'a b', 'a/-b', 'node:' + 'x'.repeat(129), ''])('refuses %s', (image) => {
    expect(isImageReference(image)).toBe(false);
  });
});
