import { describe, expect, it } from 'vitest';
import { frame } from '../helpers/docker-frames.js';
import { StreamDemuxer } from '../../src/adapters/docker/demux.js';
import { signalScript } from '../../workspaces/exec/signal-script.js';
import { classifyStartFailure, looksLikeStartFailure } from '../../workspaces/exec/start-failure.js';

describe('exec stream demultiplexing', () => {
  it('splits stdout and stderr frames even when chunks cut through headers', () => {
    const seen: string[] = [];
    const demuxer = new StreamDemuxer((stream, payload) => seen.push(`${stream}:${payload.toString()}`));
    const bytes = Buffer.concat([frame(1, 'out'), frame(2, 'err'), frame(1, 'more')]);
    for (let i = 0; i < bytes.length; i += 3) demuxer.push(bytes.subarray(i, i + 3));
    expect(seen).toEqual(['1:out', '2:err', '1:more']);
  });
});

describe('exec start failures', () => {
  const notFound = 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown\r\n';
  const denied = 'OCI runtime exec failed: exec failed: unable to start container process: exec: "/etc/passwd": permission denied: unknown';

  it('recognises the engine message and maps it to the shell convention', () => {
    expect(looksLikeStartFailure(Buffer.from(notFound))).toBe(true);
    expect(looksLikeStartFailure(Buffer.from('hello'))).toBe(false);
    expect(classifyStartFailure(notFound, 'nosuch')).toEqual({ exitCode: 127, message: 'nosuch: command not found' });
    expect(classifyStartFailure(denied, '/etc/passwd').exitCode).toBe(126);
  });
});

describe('signal delivery script', () => {
  it('targets only the tagged processes with the named signal', () => {
    const [shell, flag, script] = signalScript('ab12', 'SIGINT');
    expect([shell, flag]).toEqual(['sh', '-c']);
    expect(script).toContain("grep -qx 'DUAL_EXEC_ID=ab12'");
    expect(script).toContain('kill -INT');
  });

  it('refuses anything that could inject into the script', () => {
    expect(() => signalScript("x'; rm -rf /", 'SIGINT')).toThrow();
    expect(() => signalScript('ab', 'SIGSEGV' as NodeJS.Signals)).toThrow();
  });
});
