import type { Command } from 'commander';
import { dualHome } from '../../adapters/config/home.js';
import { printJson } from '../report.js';

/** `dual trust [--uninstall]`: dual's local CA into (or out of) the stores browsers and tools read. */
export function registerTrustCommand(program: Command): void {
  program
    .command('trust')
    .description("install dual's local CA where browsers and tools look, so https://<ws>.localhost:<port> is trusted (--uninstall reverses it)")
    .option('--uninstall', 'remove the CA from every store `dual trust` put it in')
    .option('--json', 'print what was done as JSON')
    .action(async (options: { uninstall?: boolean; json?: boolean }) => {
      const { installTrust, uninstallTrust } = await import('../../adapters/tls/trust.js');
      const home = dualHome();
      const report = options.uninstall ? await uninstallTrust(home) : await installTrust(home);
      // A failed store, or (installing) no store at all: scripts see it in the exit code.
      if (report.steps.some((s) => s.kind === 'failed') || (!options.uninstall && report.installs.length === 0)) process.exitCode = 1;
      if (options.json) return printJson(report);
      if (report.ca.created) process.stdout.write(`made dual's local CA: ${report.ca.file}\n`);
      for (const step of report.steps) {
        const line = `${step.detail}\n`;
        if (step.kind === 'installed' || step.kind === 'removed') process.stdout.write(line);
        else process.stderr.write(step.kind === 'present' ? line : `${step.kind}: ${line}`);
      }
      if (!options.uninstall) {
        process.stdout.write(
          report.installs.length > 0
            ? 'dual now prints https:// URLs (http:// keeps working on the same ports); restart running browsers to pick up the CA\n'
            : 'the CA is trusted nowhere yet; see the messages above\n',
        );
      }
    });
}
