import pino, { type Logger } from 'pino'

/** The service's logger: JSON lines, pretty only on a terminal. Authorization headers are never written. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    // Channel secrets and robot webhooks (their URL carries the robot's token) are never written either.
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        'authorization',
        'token',
        'secret',
        '*.secret',
        'channels[*].secret',
        'channels[*].url',
        'smtpUrl',
        '*.smtpUrl',
      ],
      censor: '[redacted]',
    },
    ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } } : {}),
  })
}
