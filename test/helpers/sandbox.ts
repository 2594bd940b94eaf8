import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiTransport } from '../../src/adapters/docker/api-transport.js';

/**
 * One test file's world: a temp DUAL_HOME, a temp dir for repos, and a unique repo-name
 * prefix so files running in parallel never share a container name. `cleanup()` removes
 * every container and volume labelled with one of this sandbox's repo names, whatever
 * state the test left them in.
 */
export class Sandbox {
  readonly root = mkdtempSync(join(tmpdir(), 'dual-test-'));
  readonly home = join(this.root, 'home');
  readonly tag = randomBytes(3).toString('hex');
  private readonly docker = new ApiTransport();

  /** Tests that want the proxy start it themselves; `dual create` must not start one. */
  constructor() {
    mkdirSync(this.home, { recursive: true });
    writeFileSync(join(this.home, 'config.json'), JSON.stringify({ proxy: { autoStart: false } }));
  }

  get env(): NodeJS.ProcessEnv {
    return { DUAL_HOME: this.home };
  }

  /** A repo name unique to this sandbox, e.g. `shop-a1b2c3`. */
  repoName(base: string): string {
    return `${base}-${this.tag}`;
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /** Made by this sandbox: its worktrees live under its root, its repo names contain its tag. */
  private owns(labels: Record<string, string>): boolean {
    return (labels['dual.worktree'] ?? '').startsWith(this.root) || (labels['dual.repo'] ?? '').includes(this.tag);
  }

  async cleanup(): Promise<void> {
    const filter = encodeURIComponent(JSON.stringify({ label: ['dual.workspace'] }));
    const containers = await this.docker.request<Array<{ Id: string; Labels: Record<string, string> }>>(
      'GET',
      `/containers/json?all=1&filters=${filter}`,
    );
    const mine = containers.filter((c) => this.owns(c.Labels));
    const ids = new Set(mine.map((c) => c.Labels['dual.workspace']));
    await Promise.all(mine.map((c) => this.docker.request('DELETE', `/containers/${c.Id}?force=1&v=1`).catch(() => undefined)));
    const volumes = await this.docker.request<{ Volumes: Array<{ Name: string; Labels: Record<string, string> | null }> | null }>(
      'GET',
      `/volumes?filters=${encodeURIComponent(JSON.stringify({ label: ['dual.workspace'] }))}`,
    );
    const myVolumes = (volumes.Volumes ?? []).filter((v) => this.owns(v.Labels ?? {}) || ids.has(v.Labels?.['dual.workspace']));
    await Promise.all(myVolumes.map((v) => this.docker.request('DELETE', `/volumes/${v.Name}?force=1`).catch(() => undefined)));
    this.docker.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}
