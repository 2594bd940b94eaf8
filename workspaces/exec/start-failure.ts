/**
 * When the engine cannot start an exec'd command it reports exit 126 for every cause and
 * writes an "OCI runtime exec failed" line into the output stream. Users expect the shell's
 * convention: 127 for a command that does not exist, 126 for one that cannot be executed.
 */
export interface StartFailure {
  exitCode: 126 | 127;
  message: string;
}

const OCI_PREFIX = 'OCI runtime exec failed';

export function looksLikeStartFailure(firstOutput: Buffer): boolean {
  return firstOutput.subarray(0, OCI_PREFIX.length).toString('latin1') === OCI_PREFIX;
}

export function classifyStartFailure(text: string, command: string): StartFailure {
  if (/executable file not found|no such file or directory/i.test(text)) {
    return { exitCode: 127, message: `${command}: command not found` };
  }
  if (/permission denied/i.test(text)) {
    return { exitCode: 126, message: `${command}: permission denied (not executable)` };
  }
  const reason = text.replace(/^OCI runtime exec failed: (exec failed: )?/, '').replace(/: unknown\s*$/, '').trim();
  return { exitCode: 126, message: `${command}: cannot execute: ${reason}` };
}
