import type { ProxyLog } from './log.js';

/**
 * pino: JSON lines by default, readable lines with --verbose through pino-pretty when it
 * is installed. To stderr in the foreground; to `logFile` (bounded, rotating-log.ts) for
 * the background proxy and a login service.
 */
export async function createPinoLog(options: { verbose: boolean; logFile?: string }): Promise<ProxyLog> {
  const { pino } = await import('pino');
  const level = options.verbose ? 'debug' : 'info';
  const destination = options.logFile
    ? new (await import('./rotating-log.js')).RotatingLogFile(options.logFile)
    : pino.destination({ fd: 2, sync: true });
  let logger = pino({ level, base: { pid: process.pid } }, destination);
  if (options.verbose) {
    try {
      const { default: pretty } = await import('pino-pretty');
      const colorize = !options.logFile && process.stderr.isTTY;
      logger = pino({ level, base: undefined }, pretty({ destination: options.logFile ? destination : 2, sync: true, colorize, ignore: 'pid,hostname' }));
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
