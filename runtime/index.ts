// Public surface of tars-contracts/runtime (see docs/runtime-api.md).
export * from './descriptor.js';

export { Secret } from './secret.js';
export { parseMqttUrl, redactUrl, DEFAULT_WS_PATH, type MqttUrl, type MqttProtocol } from './url.js';
export {
  configFromEnv,
  defaultConfig,
  validateConfig,
  generateClientId,
  ENV,
  DEFAULT_KEEPALIVE,
  DEFAULT_HEARTBEAT_INTERVAL,
  DEFAULT_DEDUPE_TTL,
  DEFAULT_DEDUPE_MAX_ENTRIES,
  DEFAULT_RECONNECT_MIN_DELAY,
  DEFAULT_RECONNECT_MAX_DELAY,
  type ClientConfig,
} from './config.js';
export {
  TarsError,
  ConfigError,
  ValidationFailedError,
  PayloadTooLargeError,
  PublishFailedError,
  NotConnectedError,
  ConnectTimeoutError,
  NotAuthorizedError,
  ClosedError,
  InvalidTopicError,
  isTarsError,
  type TarsErrorCode,
} from './errors.js';
export { Backoff, type BackoffOptions, type JitterStrategy } from './backoff.js';
export { Deduper, dedupeKey, type DedupeOptions } from './dedupe.js';
export { canonicalJson } from './canonical-json.js';
export { newEnvelopeId, makeEnvelope } from './envelope.js';
export { topicMatches, buildTopic, parseTopic, compileFilter, matchFilter, type CompiledFilter } from './topic.js';
