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
  DEFAULT_PROTOCOL_VERSION,
  type ClientConfig,
  type MqttProtocolVersion,
} from './config.js';
export {
  TarsError,
  ConfigError,
  ValidationFailedError,
  SerializationError,
  PayloadTooLargeError,
  PublishFailedError,
  NotConnectedError,
  OfflineQueueFullError,
  ConnectTimeoutError,
  NotAuthorizedError,
  ClosedError,
  InvalidTopicError,
  SubscribeFailedError,
  SubscribeTimeoutError,
  AbortError,
  RequestAbortedError,
  RequestTimeoutError,
  RequestClosedError,
  DuplicateCorrelationError,
  CorrelationError,
  StreamTimeoutError,
  StreamOverflowError,
  isTarsError,
  type TarsErrorCode,
} from './errors.js';
export { Backoff, type BackoffOptions, type JitterStrategy } from './backoff.js';
export { Deduper, dedupeKey, type DedupeOptions } from './dedupe.js';
export { canonicalJson } from './canonical-json.js';
export { newEnvelopeId, makeEnvelope } from './envelope.js';
export { topicMatches, buildTopic, parseTopic, compileFilter, matchFilter, type CompiledFilter } from './topic.js';
export { connect, connectWith } from './client.js';
export {
  resolveConfig, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_PUBLISH_RETRIES, DEFAULT_PUBLISH_RETRY_DELAY_MS,
  DEFAULT_PUBLISH_TIMEOUT_MS, DEFAULT_DRAIN_TIMEOUT_MS, DEFAULT_MAX_PENDING, DEFAULT_MAX_PENDING_BYTES, DEFAULT_OVERFLOW, DEFAULT_ACK,
  DEFAULT_OFFLINE_MAX_MESSAGES, DEFAULT_OFFLINE_MAX_BYTES, DEFAULT_SESSION_HOLD_MS, DEFAULT_SESSION_EXPIRY_SECONDS,
} from './options.js';
export { DEFAULT_MAX_DEPTH } from './inbound.js';
export type {
  BusClient, ConnectOptions, PublishOptions, MessageHandler, MessageMeta, InvalidMessage, InvalidReason, SubscribeOptions, FlowOptions,
  Subscription, SubscriptionStats, RawHandler, RawMeta, RawSubscribeOptions, StatusEvent, CloseReason, ClientStats,
  OfflineQueueOptions, AckPolicy, OverflowPolicy, TypedPublishOptions, TypedSubscribeOptions, TypedRequestOptions, TypedStreamOptions,
} from './types.js';
export { lifecycleData, type LifecycleEvent } from './lifecycle.js';
export { onShutdownSignals, type ShutdownOptions } from './shutdown.js';
export { createJsonLogger, silentLogger, parseLogLevel, serializeError, correlationOf, type Logger, type LogFn, type LogLevel,
  type JsonLoggerOptions } from './logger.js';
export { TopicRouter, type Sink, type HoldAck } from './router.js';
export { DispatchQueue, type QueueHooks, type QueueLimits, type AckTicket, type OverflowState } from './dispatch-queue.js';
export { decodeMessage, checkShape, type Decoded, type DecodeLimits } from './inbound.js';
export type { MqttTransport, MqttFactory, MqttConnectOptions, MqttWill, InboundPacket } from './transport.js';
export * from './request.js';
export * from './stream.js';
export { clearRetained } from './retained.js';
export { createTopicCatalog, type ResolvedTopic as CatalogResolvedTopic, type ParameterEnums, type TopicCatalog } from './catalog.js';
