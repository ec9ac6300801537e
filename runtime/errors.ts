/**
 * Typed errors of the runtime. Each has a stable `code` (check `code` or `name`, not `instanceof`, across
 * package copies) and keeps the underlying error as `cause`. Messages never contain secrets: URLs are
 * redacted before they reach a message.
 */
import type { FieldError } from './descriptor.js';

export type TarsErrorCode =
  | 'CONFIG_INVALID'
  | 'VALIDATION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'PUBLISH_FAILED'
  | 'NOT_CONNECTED'
  | 'CONNECT_TIMEOUT'
  | 'NOT_AUTHORIZED'
  | 'CLOSED'
  | 'INVALID_TOPIC';

export abstract class TarsError extends Error {
  abstract readonly code: TarsErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ConfigError extends TarsError {
  readonly code = 'CONFIG_INVALID' as const;
  /** The environment variable or option that is wrong, e.g. 'MQTT_KEEPALIVE'. */
  readonly variable: string;
  /** The rule it breaks, e.g. 'integer 1..3600'. */
  readonly rule: string;
  constructor(variable: string, rule: string, detail?: string, options?: { cause?: unknown }) {
    super(`${variable}: ${rule}${detail ? ` (${detail})` : ''}`, options);
    this.variable = variable;
    this.rule = rule;
  }
}

export class ValidationFailedError extends TarsError {
  readonly code = 'VALIDATION_FAILED' as const;
  readonly channel: string;
  readonly topic: string;
  readonly errors: readonly FieldError[];
  /** Path and rule of the first error, for quick checks. */
  readonly path: string;
  readonly rule: string;
  constructor(channel: string, topic: string, errors: readonly FieldError[]) {
    const first = errors[0];
    const where = first ? `${first.path || '(root)'}: ${first.message} [${first.rule}]` : 'invalid';
    super(`invalid payload for channel ${channel} (${topic}): ${where}`);
    this.channel = channel;
    this.topic = topic;
    this.errors = errors;
    this.path = first?.path ?? '';
    this.rule = first?.rule ?? '';
  }
}

export class PayloadTooLargeError extends TarsError {
  readonly code = 'PAYLOAD_TOO_LARGE' as const;
  constructor(
    readonly topic: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`payload for ${topic} is ${size} bytes, over the limit of ${limit} bytes`);
  }
}

export class PublishFailedError extends TarsError {
  readonly code = 'PUBLISH_FAILED' as const;
  constructor(
    readonly topic: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`publish to ${topic} failed after ${attempts} attempt(s): ${messageOf(cause)}`, { cause });
  }
}

export class NotConnectedError extends TarsError {
  readonly code = 'NOT_CONNECTED' as const;
  constructor(message = 'not connected to the broker') {
    super(message);
  }
}

export class ConnectTimeoutError extends TarsError {
  readonly code = 'CONNECT_TIMEOUT' as const;
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
    cause?: unknown,
  ) {
    super(`could not connect to ${url} within ${timeoutMs} ms${cause ? `: ${messageOf(cause)}` : ''}`, { cause });
  }
}

export class NotAuthorizedError extends TarsError {
  readonly code = 'NOT_AUTHORIZED' as const;
  /** CONNACK return/reason code: 4 = bad user name or password, 5 = not authorized (MQTT 3.1.1). */
  constructor(
    readonly url: string,
    readonly reasonCode: number,
    cause?: unknown,
  ) {
    const what = reasonCode === 4 || reasonCode === 134 ? 'bad user name or password' : 'not authorized';
    super(`broker ${url} refused the connection: ${what} (CONNACK code ${reasonCode})`, { cause });
  }
}

export class ClosedError extends TarsError {
  readonly code = 'CLOSED' as const;
  constructor(message = 'client is closed') {
    super(message);
  }
}

export class InvalidTopicError extends TarsError {
  readonly code = 'INVALID_TOPIC' as const;
  constructor(
    readonly address: string,
    readonly parameter: string,
    readonly rule: string,
  ) {
    super(`invalid value for parameter {${parameter}} of ${address}: ${rule}`);
  }
}

const CODES: ReadonlySet<string> = new Set<TarsErrorCode>([
  'CONFIG_INVALID', 'VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'PUBLISH_FAILED', 'NOT_CONNECTED',
  'CONNECT_TIMEOUT', 'NOT_AUTHORIZED', 'CLOSED', 'INVALID_TOPIC',
]);

/** Checks the `code`, so it also works across two copies of this package. */
export function isTarsError(value: unknown, code?: TarsErrorCode): value is TarsError {
  if (!(value instanceof Error)) return false;
  const c = (value as { code?: unknown }).code;
  if (typeof c !== 'string') return false;
  return code === undefined ? CODES.has(c) : c === code;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
