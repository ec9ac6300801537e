/**
 * Typed errors of the runtime, all in one place (nats.js's errors.ts). Every class extends TarsError, has a
 * stable `name` and `code` (check `code` or `name`, not `instanceof`, across package copies) and keeps the
 * underlying error as `cause`. Messages never contain secrets: URLs are redacted before they reach a message,
 * and payload values are never quoted.
 */
import type { FieldError } from './descriptor.js';

export type TarsErrorCode =
  | 'CONFIG_INVALID'
  | 'VALIDATION_FAILED'
  | 'SERIALIZATION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'PUBLISH_FAILED'
  | 'NOT_CONNECTED'
  | 'OFFLINE_QUEUE_FULL'
  | 'CONNECT_TIMEOUT'
  | 'NOT_AUTHORIZED'
  | 'CLOSED'
  | 'INVALID_TOPIC'
  | 'SUBSCRIBE_FAILED'
  | 'SUBSCRIBE_TIMEOUT'
  | 'ABORT_ERR'
  | 'REQUEST_TIMEOUT'
  | 'STREAM_TIMEOUT'
  | 'STREAM_OVERFLOW'
  | 'DUPLICATE_CORRELATION'
  | 'CORRELATION';

const CODES: ReadonlySet<string> = new Set<TarsErrorCode>([
  'CONFIG_INVALID', 'VALIDATION_FAILED', 'SERIALIZATION_FAILED', 'PAYLOAD_TOO_LARGE', 'PUBLISH_FAILED', 'NOT_CONNECTED',
  'OFFLINE_QUEUE_FULL', 'CONNECT_TIMEOUT', 'NOT_AUTHORIZED', 'CLOSED', 'INVALID_TOPIC', 'SUBSCRIBE_FAILED',
  'SUBSCRIBE_TIMEOUT', 'ABORT_ERR', 'REQUEST_TIMEOUT', 'STREAM_TIMEOUT', 'STREAM_OVERFLOW', 'DUPLICATE_CORRELATION', 'CORRELATION',
]);

export abstract class TarsError extends Error {
  abstract readonly code: TarsErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // The class name, set once here; a subclass that must answer to another name (AbortError) overrides it.
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

/** Data that passed the schema but has no JSON text: a BigInt, a cycle, nesting too deep for JSON.stringify, a
 *  throwing toJSON. Nothing was sent. */
export class SerializationError extends TarsError {
  readonly code = 'SERIALIZATION_FAILED' as const;
  constructor(
    readonly topic: string,
    /** JSON pointer of the value that cannot be serialised ('' when it could not be located). */
    readonly path: string,
    /** 'bigint' | 'circular' | 'depth' | 'toJSON' | 'unknown' */
    readonly rule: string,
    cause: unknown,
  ) {
    super(`cannot serialise the payload for ${topic}: ${path || '(root)'}: ${messageOf(cause)} [${rule}]`, { cause });
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

/** A publish that is not queued while offline (QoS 0, unless `offlineQueue.qos0`). */
export class NotConnectedError extends TarsError {
  readonly code = 'NOT_CONNECTED' as const;
  constructor(message = 'not connected to the broker') {
    super(message);
  }
}

/** The offline queue is at its bound (messages or bytes): the publish is refused, nothing is evicted. */
export class OfflineQueueFullError extends TarsError {
  readonly code = 'OFFLINE_QUEUE_FULL' as const;
  constructor(
    readonly topic: string,
    readonly limit: string,
  ) {
    super(`publish to ${topic} refused: the offline queue is full (${limit})`);
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
  /** CONNACK return/reason code: 4 = bad user name or password, 5 = not authorized (MQTT 3.1.1); 134, 135 (MQTT 5). */
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

/** The broker refused a subscription (SUBACK 0x80 or an MQTT 5 reason code >= 0x80). */
export class SubscribeFailedError extends TarsError {
  readonly code = 'SUBSCRIBE_FAILED' as const;
  constructor(
    readonly filter: string,
    readonly reasonCode: number,
  ) {
    super(`broker refused the subscription to ${filter} (reason code ${reasonCode})`);
  }
}

/** subscribe() got no SUBACK within its `timeoutMs` (counting time spent offline). */
export class SubscribeTimeoutError extends TarsError {
  readonly code = 'SUBSCRIBE_TIMEOUT' as const;
  constructor(
    readonly filter: string,
    readonly timeoutMs: number,
  ) {
    super(`no subscription to ${filter} within ${timeoutMs} ms`);
  }
}

/** An AbortSignal aborted the operation. `name` is 'AbortError' and `code` 'ABORT_ERR', like Node's own AbortError,
 *  so checks written for fetch() or events.once() work; the signal's reason is the `cause`. */
export class AbortError extends TarsError {
  readonly code = 'ABORT_ERR' as const;
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AbortError';
  }
}

/** Kept for the request API: a request or stream aborted by its signal (name 'AbortError'). */
export class RequestAbortedError extends AbortError {}

export class RequestTimeoutError extends TarsError {
  readonly code = 'REQUEST_TIMEOUT' as const;
  constructor(
    /** Request channel id, e.g. 'llmRequest'. */
    readonly channel: string,
    /** Reply channel id, e.g. 'llmResponse'. */
    readonly replyChannel: string,
    readonly correlationId: string,
    readonly timeoutMs: number,
  ) {
    super(`no reply on ${replyChannel} for ${channel} request ${correlationId} within ${timeoutMs} ms`);
  }
}

/** The client closed while a request or stream was waiting (code 'CLOSED', like ClosedError). */
export class RequestClosedError extends ClosedError {
  constructor(
    readonly channel: string,
    readonly correlationId: string,
  ) {
    super(`client closed while waiting for the ${channel} reply to ${correlationId}`);
  }
}

/** A request was issued with a correlation value that another pending request on the same client and reply
 *  channel already uses: the replies could not be told apart, so the second request is refused. */
export class DuplicateCorrelationError extends TarsError {
  readonly code = 'DUPLICATE_CORRELATION' as const;
  constructor(
    readonly channel: string,
    readonly correlationId: string,
  ) {
    super(`a request on ${channel} with correlation ${correlationId} is already pending`);
  }
}

/** The channel has no usable correlation (no location, or a location the runtime cannot follow). */
export class CorrelationError extends TarsError {
  readonly code = 'CORRELATION' as const;
  constructor(
    readonly channel: string,
    message: string,
  ) {
    super(`${channel}: ${message}`);
  }
}

export class StreamTimeoutError extends TarsError {
  readonly code = 'STREAM_TIMEOUT' as const;
  constructor(
    readonly channel: string,
    readonly correlationId: string,
    readonly timeoutMs: number,
    readonly received: number,
  ) {
    super(`no message on ${channel} for ${correlationId} for ${timeoutMs} ms (after ${received} message(s))`);
  }
}

/** A reply stream buffered `maxBuffered` messages its consumer did not take: it ends, rather than grow. */
export class StreamOverflowError extends TarsError {
  readonly code = 'STREAM_OVERFLOW' as const;
  constructor(
    readonly channel: string,
    readonly correlationId: string,
    readonly maxBuffered: number,
  ) {
    super(`stream of ${channel} for ${correlationId} ended: ${maxBuffered} messages buffered and not read`);
  }
}

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

/** The AbortError for `signal`, naming what was aborted. */
export function abortErrorFor(what: string, signal: AbortSignal): AbortError {
  return new AbortError(`${what} aborted`, signal.reason);
}
