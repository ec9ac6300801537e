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
export { connect, resolveConfig, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_PUBLISH_RETRIES,
  DEFAULT_PUBLISH_RETRY_DELAY_MS, DEFAULT_PUBLISH_TIMEOUT_MS, DEFAULT_DRAIN_TIMEOUT_MS, DEFAULT_HIGH_WATER_MARK } from './client.js';
export type {
  BusClient, ConnectOptions, PublishOptions, MessageHandler, MessageMeta, InvalidMessage, InvalidReason, SubscribeOptions,
  Subscription, RawHandler, RawMeta, StatusEvent, CloseReason, ClientStats,
} from './types.js';
export { onShutdownSignals, type ShutdownOptions } from './shutdown.js';
export { createJsonLogger, silentLogger, parseLogLevel, serializeError, correlationOf, type Logger, type LogFn, type LogLevel,
  type JsonLoggerOptions } from './logger.js';
export { HEALTH_EVENT_TYPE, healthTopic, heartbeatTopic, healthEnvelope, heartbeatPayload, type HealthPing, type HeartbeatPayload,
  type HealthEvent } from './health.js';
export { TopicRouter, type Sink } from './router.js';
export { DispatchQueue, type QueueHooks } from './dispatch-queue.js';
export { decodeMessage, type Decoded } from './inbound.js';
export type { MqttTransport, MqttFactory } from './transport.js';
export * from './request.js';
export * from './stream.js';
export { clearRetained } from './retained.js';
export { createTopicCatalog, type ResolvedTopic as CatalogResolvedTopic, type ParameterEnums, type TopicCatalog } from './catalog.js';
