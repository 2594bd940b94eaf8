/** The proxy's logging surface: pino in production (logger.ts), a recorder in tests. */
export interface ProxyLog {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLog: ProxyLog = { debug() {}, info() {}, warn() {}, error() {} };
