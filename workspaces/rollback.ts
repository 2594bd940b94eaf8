/**
 * Undo steps collected while creating something; on failure they run in reverse so nothing
 * half-made is left behind (devcontainers/cli#386). A failing undo step is reported, not
 * thrown, so the rest still run and the original error stays the one the user sees.
 */
export class Rollback {
  private readonly steps: Array<{ what: string; undo: () => Promise<unknown> }> = [];

  add(what: string, undo: () => Promise<unknown>): void {
    this.steps.push({ what, undo });
  }

  async run(log: (message: string) => void): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step.undo();
      } catch (error) {
        log(`dual: could not undo ${step.what}: ${(error as Error).message}`);
      }
    }
    this.steps.length = 0;
  }
}
