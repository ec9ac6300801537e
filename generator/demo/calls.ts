/**
 * Every bus call the demo makes, in one place: the generated typed functions of the contract
 * (generated/api.ts), plus the raw escape hatch for the one deliberately invalid message. QoS, retain,
 * framing and validation come from the contract; nothing here chooses them.
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
} from 'tars-contracts';
import type { BusClient } from '@tars-contracts/runtime';

export type {
  FinalTranscript as SttFinal,
  LLMRequest as LlmRequest,
  LLMResponse as LlmResponse,
  LLMStreamDelta as LlmStreamDelta,
  TtsSay,
  TtsStatus,
  HealthPing,
  HeartbeatPayload as Heartbeat,
} from 'tars-contracts';

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

export {
  // stt
  publishSttFinal,
  subscribeSttFinal,
  // llm: requestLlm publishes llm/request and waits for the correlated llm/response; openLlmStream iterates the
  // llm/stream deltas of one request id (subscribed when it resolves: send the request after). Reply-side
  // publishes reuse the request's Envelope id (`{ correlate }`), as llm-worker does.
  subscribeLlmRequest,
  publishLlmStream,
  publishLlmResponse,
  requestLlm,
  openLlmStream,
  // tts
  publishTtsSay,
  subscribeTtsSay,
  publishTtsStatus,
  subscribeTtsStatus,
  // system (params { client_id: '+' } = every client)
  subscribeSystemHealth,
  subscribeSystemKeepalive,
} from 'tars-contracts';

/** The escape hatch for topics outside the contract: bytes on a topic, no validation, explicit QoS (used to
 *  inject a deliberately invalid message). */
export const publishRaw = (bus: BusClient, topic: string, message: unknown) => bus.publishRaw(topic, JSON.stringify(message), { qos: 1 });
export const countRaw = (bus: BusClient, filter: string, onMessage: () => void) => bus.subscribeRaw(filter, () => onMessage(), { qos: 1 });
