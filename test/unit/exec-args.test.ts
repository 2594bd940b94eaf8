import { describe, expect, it } from 'vitest';
import { parseExecArgs } from '../../src/cli/commands/exec-args.js';
import { workingDirectory } from '../../workspaces/exec/exec-target.js';

describe('dual exec arguments', () => {
  it('takes the workspace, options, and the command verbatim after --', () => {
    expect(parseExecArgs(['ws', '-e', 'A=1', '-w', 'sub', '--', 'npm', 'test', '--', '-x'])).toMatchObject({
      workspace: 'ws',
      env: ['A=1'],
      workdir: 'sub',
      command: ['npm', 'test', '--', '-x'],
    });
  });

  it('finds the workspace from the directory when none is named', () => {
    expect(parseExecArgs(['--', 'ls']).workspace).toBeUndefined();
  });

  it('copies a bare -e KEY from the caller environment', () => {
    expect(parseExecArgs(['-e', 'TOKEN', '--', 'x'], { TOKEN: 's3' }).env).toEqual(['TOKEN=s3']);
  });

  it('refuses a command without -- and unknown options with exit 125', () => {
    expect(() => parseExecArgs(['ws', 'npm', 'test'])).toThrow(/after --/);
    expect(() => parseExecArgs(['--bogus', '--', 'x'])).toThrow(/unknown option --bogus/);
    try {
      parseExecArgs(['ws']);
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(125);
    }
  });

  it('runs in the same relative directory as the caller inside the worktree, else at its root', () => {
    expect(workingDirectory('/nonexistent/wt', '/nonexistent/wt/a/b')).toBe('/nonexistent/wt');
    expect(workingDirectory(process.cwd(), `${process.cwd()}/test`)).toBe(`${process.cwd()}/test`);
    expect(workingDirectory(process.cwd(), '/')).toBe(process.cwd());
    expect(workingDirectory(process.cwd(), '/', 'sub')).toBe(`${process.cwd()}/sub`);
    expect(workingDirectory(process.cwd(), '/', '/abs')).toBe('/abs');
  });
});
