/**
 * Step marks for finding where a command's time goes (SPEC.md "Where a seeded create's time
 * goes"): with DUAL_TRACE=1 each mark prints `dual: trace <ms since the process began> <step>`
 * on stderr. Off by default, one env lookup per mark.
 */
export function traceMark(step: string): void {
  if (process.env.DUAL_TRACE === '1') process.stderr.write(`dual: trace ${performance.now().toFixed(0)} ms ${step}\n`);
}
