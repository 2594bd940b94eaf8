import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUAL_BIN, dualOk, runDual } from '../helpers/cli.js';
import { eventually } from '../helpers/fixtures.js';
import { makeRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

/** `dual exec` semantics: streams, stdin, working directory, environment, TTY, signals. */
const sandbox = new Sandbox();
const env = sandbox.env;
const repo = sandbox.repoName('x');
const ws = `${repo}-feat-exec`;
const worktree = `${sandbox.home}/worktrees/${repo}/feat-exec`;

async function listening(port: number): Promise<boolean> {
  const r = await runDual(['exec', ws, '--', 'sh', '-c', `netstat -ltn | grep -q ':${port} '`], { env });
  return r.code === 0;
}

/** Starts `dual exec` as a child, waits until the command listens, signals dual, returns dual's exit code. */
async function interruptServer(port: number, command: string[], signal: NodeJS.Signals): Promise<number | null> {
  const child = spawn(process.execPath, [DUAL_BIN, 'exec', ws, '--', ...command], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await eventually(async () => ((await listening(port)) ? true : undefined), `port ${port} listening`);
    child.kill(signal);
    return await exited;
  } finally {
    child.kill('SIGKILL');
  }
}

beforeAll(async () => {
  makeRepo(sandbox.path('x'), { '.dual.json': JSON.stringify({ image: 'dual-test/node' }), 'sub/dir/file.txt': 'hi' }, { 'feat/exec': {} });
  await dualOk(['add', sandbox.path('x'), '--name', repo], { env });
  await dualOk(['create', repo, 'feat/exec'], { env });
});
afterAll(() => sandbox.cleanup());

describe('dual exec', () => {
  it('forwards piped stdin byte-exact and closes it at its end', async () => {
    const r = await runDual(['exec', ws, '--', 'wc', '-c'], { env, input: Buffer.from('a\0b') });
    expect(r.stdout.trim()).toBe('3');
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const sum = await runDual(['exec', ws, '--', 'md5sum'], { env, input: big });
    const expected = spawnSync('md5sum', { input: big }).stdout.toString().split(' ')[0];
    expect(sum.stdout.split(' ')[0]).toBe(expected);
  });

  it('gives the command an empty stdin when its own is /dev/null, and a file stdin byte-exact', () => {
    const wc = (stdin: 'ignore' | number) =>
      spawnSync(process.execPath, [DUAL_BIN, 'exec', ws, '--', 'wc', '-c'], { env: { ...process.env, ...env }, stdio: [stdin, 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000 });
    const empty = wc('ignore');
    expect(empty.stdout.trim()).toBe('0');
    expect(empty.status).toBe(0);
    const file = sandbox.path('stdin.bin');
    writeFileSync(file, 'a\0bc');
    const fd = openSync(file, 'r');
    try {
      expect(wc(fd).stdout.trim()).toBe('4');
    } finally {
      closeSync(fd);
    }
  });

  it('keeps stdout and stderr separate when not on a terminal', async () => {
    const r = await runDual(['exec', ws, '--', 'sh', '-c', 'echo out; echo err >&2; test -t 1 || echo no-tty'], { env });
    expect(r.stdout).toBe('out\nno-tty\n');
    expect(r.stderr).toBe('err\n');
  });

  it('allocates a TTY when stdin and stdout are terminals', () => {
    const inner = `${process.execPath} ${DUAL_BIN} exec ${ws} -- sh -c 'test -t 0 && test -t 1 && echo has-tty'`;
    const r = spawnSync('script', ['-qec', inner, '/dev/null'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(r.stdout).toContain('has-tty');
    expect(r.status).toBe(0);
  });

  it("sizes the TTY to the caller's terminal and follows window resizes", () => {
    const driver = fileURLToPath(new URL('../helpers/pty-driver.py', import.meta.url));
    const loop = 'while read x; do [ "$x" = q ] && exit 3; stty size; done';
    const r = spawnSync('python3', [driver, '24', '80', '30', '100', '--', process.execPath, DUAL_BIN, 'exec', ws, '--', 'sh', '-c', loop], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(r.stdout).toContain('24 80');
    expect(r.stdout).toContain('30 100');
    expect(r.status).toBe(3);
  });

  it('runs at the worktree root from outside, and in the same relative directory from inside', async () => {
    expect((await dualOk(['exec', ws, '--', 'pwd'], { env, cwd: '/' })).stdout.trim()).toBe(worktree);
    mkdirSync(`${worktree}/sub/dir`, { recursive: true });
    const inside = await dualOk(['exec', '--', 'sh', '-c', 'pwd; cat file.txt'], { env, cwd: `${worktree}/sub/dir` });
    expect(inside.stdout).toBe(`${worktree}/sub/dir\nhi`);
  });

  it('honours -e and -w', async () => {
    const r = await dualOk(['exec', ws, '-e', 'GREETING=hello there', '-w', 'sub', '--', 'sh', '-c', 'echo "$GREETING"; pwd'], { env });
    expect(r.stdout).toBe(`hello there\n${worktree}/sub\n`);
  });

  it('sees the branch through git inside the container (the git dir is mounted at its path)', async () => {
    const r = await dualOk(['exec', ws, '--', 'git', 'rev-parse', '--abbrev-ref', 'HEAD'], { env });
    expect(r.stdout.trim()).toBe('feat/exec');
  });

  it('sets the hostname to the workspace id', async () => {
    expect((await dualOk(['exec', ws, '--', 'hostname'], { env })).stdout.trim()).toBe(ws);
  });

  it('Ctrl-C ends the process in the container and frees its port (128+2)', async () => {
    expect(await interruptServer(4000, ['httpd', '-f', '-p', '4000'], 'SIGINT')).toBe(130);
    expect(await listening(4000)).toBe(false);
  });

  it('SIGTERM ends a whole process tree, including children that ignore SIGINT', async () => {
    // A non-interactive shell starts background jobs with SIGINT ignored: only tree-wide delivery frees the port.
    expect(await interruptServer(4001, ['sh', '-c', 'httpd -f -p 4001 & wait'], 'SIGINT')).toBe(130);
    expect(await listening(4001)).toBe(false);
    expect(await interruptServer(4002, ['node', '-e', 'require("http").createServer().listen(4002)'], 'SIGTERM')).toBe(143);
    expect(await listening(4002)).toBe(false);
  });

  it('says what to do for an unknown workspace and outside any worktree', async () => {
    const unknown = await runDual(['exec', 'nope', '--', 'true'], { env });
    expect(unknown.code).toBe(125);
    expect(unknown.stderr).toBe("dual: no workspace 'nope'; see `dual list` for the workspaces there are\n");
    const nowhere = await runDual(['exec', '--', 'true'], { env, cwd: '/' });
    expect(nowhere.code).toBe(125);
    expect(nowhere.stderr).toBe("dual: / is not inside a workspace's worktree; name the workspace (see `dual list`)\n");
    const noCommand = await runDual(['exec', ws, 'ls'], { env });
    expect(noCommand.stderr).toBe(`dual: put the command after --: dual exec ${ws} -- ls\n`);
  });
});
