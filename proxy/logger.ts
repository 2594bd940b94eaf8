import type { ProxyLog } from './log.js';

/**
 * pino to stderr: JSON lines by default (the background proxy's log file), readable lines
 * with --verbose through pino-pretty when it is installed.
 */
export async function createPinoLog(options: { verbose: boolean }): Promise<ProxyLog> {
  const { pino } = await import('pino');
  const level = options.verbose ? 'debug' : 'info';
  let logger = pino({ level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
  if (options.verbose) {
    try {
      const { default: pretty } = await import('pino-pretty');
      logger = pino({ level, base: undefined }, pretty({ destination: 2, sync: true, colorize: process.stderr.isTTY, ignore: 'pid,hostname' }));
    } catch {
      logger.warn('pino-pretty is not installed; logging JSON');
    }
  }
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
}
