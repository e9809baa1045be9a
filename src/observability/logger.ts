/**
 * The server's pino logger, made safe for patient data. Nothing Qiao logs on purpose carries any
 * (request-log.ts says what a request line holds), but an error's message can quote what caused it:
 * a JSON parser quotes the body, PostgreSQL quotes the value it could not store. So every `err` is
 * reduced to its kind, its code, a message with quoted values blanked, and the stack's frames; and the
 * fields that would carry credentials or content are redacted wherever someone logs them.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

/** Defence in depth: fields that must never reach a log, if a later change ever logs them. */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'password',
  '*.password',
  'body',
  '*.body',
  'resource',
  '*.resource',
  'query',
  '*.query',
];

const MAX_MESSAGE = 300;
const MAX_FRAMES = 20;

/** Quoted text ("…", '…', `…`) and PostgreSQL's `(column)=(value)` details: where messages echo input. */
const QUOTED = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|\([^()]*\)=\([^()]*\)/g;

export function redactMessage(message: unknown): string | undefined {
  if (typeof message !== 'string') return undefined;
  return message.slice(0, MAX_MESSAGE * 4).replace(QUOTED, '[redacted]').slice(0, MAX_MESSAGE);
}

/** What is logged of an error, whatever shape it comes in (an Error, errorSummary()'s object). */
export function safeError(err: unknown): unknown {
  if (err === null || typeof err !== 'object') return err === undefined ? undefined : { message: redactMessage(String(err)) };
  const e = err as { name?: unknown; code?: unknown; message?: unknown; stack?: unknown };
  const frames = typeof e.stack === 'string' ? e.stack.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, MAX_FRAMES) : [];
  return {
    type: typeof e.name === 'string' ? e.name.slice(0, 100) : undefined,
    code: typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code).slice(0, 40) : undefined,
    message: redactMessage(e.message),
    stack: frames.length ? frames.map((f) => f.trim()).join('\n') : undefined,
  };
}

const SAFE = {
  serializers: { err: safeError, error: safeError },
  redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
};

/** Qiao's logger: JSON lines to stdout (or the stream given), at the level given. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, ...SAFE }, destination);
}

/** A logger handed in from outside (tests, embedders), with the same error reduction and redaction. */
export function safeLogger(logger: Logger): Logger {
  return logger.child({}, SAFE);
}
