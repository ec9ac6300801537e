/**
 * Logging: a pino-compatible interface, a default JSON-lines logger on stderr, and the helpers that keep
 * secrets out and correlation ids in.
 */
import { redactText } from './url.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** pino's call shape: `(obj, msg?)` or `(msg)`. */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

/** Any pino-compatible logger. `isLevelEnabled` lets the hot path skip building debug objects. */
export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child?(bindings: Record<string, unknown>): Logger;
  isLevelEnabled?(level: string): boolean;
  level?: string;
}

export const LEVELS: Readonly<Record<LogLevel, number>> = {
  trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity,
};

export function parseLogLevel(raw: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  const v = raw?.trim().toLowerCase();
  return v !== undefined && v in LEVELS ? (v as LogLevel) : fallback;
}

export interface JsonLoggerOptions {
  /** Default: LOG_LEVEL, else 'info'. */
  readonly level?: LogLevel;
  /** Default: process.stderr. */
  readonly write?: (line: string) => void;
  readonly bindings?: Record<string, unknown>;
}

/** One JSON object per line: {level, time, msg, ...bindings, ...obj}. Errors become {type, message, code, stack}. */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const level = options.level ?? parseLogLevel(process.env['LOG_LEVEL']);
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  return makeJsonLogger(LEVELS[level], level, write, options.bindings ?? {});
}

function makeJsonLogger(min: number, levelName: string, write: (line: string) => void, bindings: Record<string, unknown>): Logger {
  const at = (name: Exclude<LogLevel, 'silent'>): LogFn => {
    const n = LEVELS[name];
    return ((objOrMsg: object | string, msg?: string) => {
      if (n < min) return;
      const rec: Record<string, unknown> = { level: name, time: Date.now(), ...bindings };
      if (typeof objOrMsg === 'string') {
        rec['msg'] = objOrMsg;
      } else {
        for (const [k, v] of Object.entries(objOrMsg)) rec[k] = v instanceof Error ? serializeError(v) : v;
        if (msg !== undefined) rec['msg'] = msg;
      }
      let line: string;
      try {
        line = JSON.stringify(rec);
      } catch {
        line = JSON.stringify({ level: name, time: rec['time'], msg: rec['msg'], note: 'unserialisable log fields' });
      }
      write(redactText(line) + '\n');
    }) as LogFn;
  };
  return {
    level: levelName,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    isLevelEnabled: (l: string) => (LEVELS[l as LogLevel] ?? Infinity) >= min,
    child: (b: Record<string, unknown>) => makeJsonLogger(min, levelName, write, { ...bindings, ...b }),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = createJsonLogger({ level: 'silent', write: () => {} });

export interface SerializedError {
  type: string;
  message: string;
  code?: string | number;
  stack?: string;
}

/** Error → plain object, with any URL password redacted (lower layers may put URLs in messages). */
export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { type: typeof err, message: redactText(String(err)) };
  const out: SerializedError = { type: err.name, message: redactText(err.message) };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (err.stack) out.stack = redactText(err.stack);
  return out;
}

/** Whether `level` would be written; a logger without isLevelEnabled is assumed to write everything. */
export function levelEnabled(logger: Logger, level: Exclude<LogLevel, 'silent'>): boolean {
  return logger.isLevelEnabled ? logger.isLevelEnabled(level) : true;
}

const CORRELATION_KEYS = ['utt_id', 'id', 'request_id', 'call_id'] as const;

/** The correlation ids of a message for a log line: envelope id plus utt_id/id/request_id/call_id found in data. */
export function correlationOf(envelopeId: string | undefined, data: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (envelopeId !== undefined) out['envelope_id'] = envelopeId;
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const d = data as Record<string, unknown>;
    for (const k of CORRELATION_KEYS) {
      const v = d[k];
      if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
    }
  }
  return out;
}
