/**
 * `.dual.json` for a workspace that serves its branch name on :3000 with busybox httpd, in the
 * offline test image (the seeds' experiment 001, as a repo's own config).
 */
export function branchPageConfig(port = 3000): string {
  return JSON.stringify({
    image: 'dual-test/busybox',
    start: `mkdir -p /tmp/www && echo "$DUAL_BRANCH" > /tmp/www/index.html && exec httpd -f -p ${port} -h /tmp/www`,
    ports: [port],
  });
}

export const BRANCH_PAGE_CONFIG = branchPageConfig();

/** Polls until `check` returns a value (not undefined) or the deadline passes (generous: a deadline only ends a failing wait). */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
