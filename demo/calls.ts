/**
 * Every bus call the demo makes, in one place. Today they go through the runtime with the generated channel
 * descriptors; once generated/ has `publishSttFinal()`-style functions, each body here becomes one call to
 * the generated function (same arguments), and nothing else in demo/ changes.
 */
import {
  llmRequestChannel,
  llmResponseChannel,
  llmStreamChannel,
  sttFinalChannel,
  systemHealthChannel,
  systemKeepaliveChannel,
  ttsSayChannel,
  ttsStatusChannel,
} from '../generated/channels.js';
import type { BusClient, ChannelDescriptor, InvalidMessage, MessageHandler, Subscription } from '../runtime/index.js';
import { request, type Reply } from '../runtime/request.js';
import { openStream, type ReplyStream } from '../runtime/stream.js';

type DataOf<C> = C extends ChannelDescriptor<infer T, any> ? T : never;
type ParamOf<C> = C extends ChannelDescriptor<any, infer P> ? P : never;

export type SttFinal = DataOf<typeof sttFinalChannel>;
export type LlmRequest = DataOf<typeof llmRequestChannel>;
export type LlmResponse = DataOf<typeof llmResponseChannel>;
export type LlmStreamDelta = DataOf<typeof llmStreamChannel>;
export type TtsSay = DataOf<typeof ttsSayChannel>;
export type TtsStatus = DataOf<typeof ttsStatusChannel>;
export type HealthPing = DataOf<typeof systemHealthChannel>;
export type Heartbeat = DataOf<typeof systemKeepaliveChannel>;

type Handler<C> = MessageHandler<DataOf<C>, ParamOf<C>>;
type OnInvalid = (invalid: InvalidMessage) => void;

export const topics = {
  sttFinal: sttFinalChannel.address,
  llmRequest: llmRequestChannel.address,
  llmResponse: llmResponseChannel.address,
  llmStream: llmStreamChannel.address,
  ttsSay: ttsSayChannel.address,
  ttsStatus: ttsStatusChannel.address,
  systemHealth: systemHealthChannel.address,
  systemKeepalive: systemKeepaliveChannel.address,
} as const;

// stt ------------------------------------------------------------------------------------------------------
export const publishSttFinal = (bus: BusClient, data: SttFinal) => bus.publish(sttFinalChannel, data);
export const subscribeSttFinal = (bus: BusClient, handler: Handler<typeof sttFinalChannel>, onInvalid?: OnInvalid) =>
  bus.subscribe(sttFinalChannel, handler, onInvalid ? { onInvalid } : {});

// llm ------------------------------------------------------------------------------------------------------
export const subscribeLlmRequest = (bus: BusClient, handler: Handler<typeof llmRequestChannel>) => bus.subscribe(llmRequestChannel, handler);
/** Reply-side publishes reuse the request's Envelope id (`correlate`), as llm-worker does. */
export const publishLlmStream = (bus: BusClient, data: LlmStreamDelta, correlate?: string) =>
  bus.publish(llmStreamChannel, data, correlate ? { correlate } : {});
export const publishLlmResponse = (bus: BusClient, data: LlmResponse, correlate?: string) =>
  bus.publish(llmResponseChannel, data, correlate ? { correlate } : {});
export const requestLlm = (bus: BusClient, data: LlmRequest, options: { timeoutMs: number; signal?: AbortSignal }): Promise<Reply<LlmResponse>> =>
  request(bus, llmRequestChannel, llmResponseChannel, data, options);
/** Open the llm/stream iterator for one request id (subscribed when this resolves: publish the request after). */
export const openLlmStream = (bus: BusClient, id: string, timeoutMs: number): Promise<ReplyStream<LlmStreamDelta>> =>
  openStream(bus, llmStreamChannel, id, { until: (d) => d.done === true, timeoutMs });

// tts ------------------------------------------------------------------------------------------------------
export const publishTtsSay = (bus: BusClient, data: TtsSay) => bus.publish(ttsSayChannel, data);
export const subscribeTtsSay = (bus: BusClient, handler: Handler<typeof ttsSayChannel>) => bus.subscribe(ttsSayChannel, handler);
export const publishTtsStatus = (bus: BusClient, data: TtsStatus) => bus.publish(ttsStatusChannel, data);
export const subscribeTtsStatus = (bus: BusClient, handler: Handler<typeof ttsStatusChannel>) => bus.subscribe(ttsStatusChannel, handler);

// system ---------------------------------------------------------------------------------------------------
export const subscribeSystemHealth = (bus: BusClient, handler: Handler<typeof systemHealthChannel>): Promise<Subscription> =>
  bus.subscribe(systemHealthChannel, handler, { params: { client_id: '+' } as Partial<Record<ParamOf<typeof systemHealthChannel>, string>> });
export const subscribeSystemKeepalive = (bus: BusClient, handler: Handler<typeof systemKeepaliveChannel>): Promise<Subscription> =>
  bus.subscribe(systemKeepaliveChannel, handler, { params: { client_id: '+' } as Partial<Record<ParamOf<typeof systemKeepaliveChannel>, string>> });

/** The escape hatch: bytes on a topic, no validation (used to inject a deliberately invalid message). */
export const publishRaw = (bus: BusClient, topic: string, message: unknown) =>
  bus.publishRaw(topic, JSON.stringify(message), { qos: 1 });
export const countRaw = (bus: BusClient, filter: string, onMessage: () => void) =>
  bus.subscribeRaw(filter, () => onMessage(), { qos: 1 });
