import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Human-readable lines for a developer's terminal (LOG_FORMAT=pretty, the default in
 * development). pino-pretty is loaded only then; elsewhere every line is JSON.
 */
export async function prettyDestination(destination: NodeJS.WritableStream = process.stdout): Promise<DestinationStream> {
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    destination,
    sync: true,
    colorize: destination === process.stdout && process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
}

/** Logs to stdout, or to `destination` (tests read what was logged). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'key', '*.key', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
