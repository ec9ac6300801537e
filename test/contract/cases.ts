/**
 * Contract cases for the TARS MQTT bus, one entry per topic of TARS-CONTRACTS.md (34 topics), by concrete
 * topic. Pure data: contract.test.ts loops over it.
 *
 * - `valid`: payload models (the Envelope's `data`, or the whole message of a bare channel) that must pass.
 * - `invalid`: payload models that must fail, with the JSON pointer (relative to the payload) and JSON Schema
 *   keyword expected among the errors. A missing required key points at the key, an extra key at the key.
 * - `envelope`: the channel's Envelope framing (null for bare channels): canonical type, the other accepted
 *   (live) types, and the `bare` mode of `x-envelope`.
 */

export type Rule =
  | 'required'
  | 'additionalProperties'
  | 'type'
  | 'minimum'
  | 'maximum'
  | 'enum'
  | 'oneOf'
  | 'propertyNames';

/** The kind of contract rule a case breaks (several kinds can map to one JSON Schema keyword). */
export type Kind = 'extra-key' | 'missing-required' | 'wrong-type' | 'out-of-range' | 'enum' | 'null-not-nullable' | 'one-of' | 'key-format';

export interface InvalidCase {
  readonly name: string;
  readonly kind: Kind;
  readonly data: unknown;
  /** JSON pointer relative to the payload model, e.g. '/confidence'. */
  readonly path: string;
  /** Expected JSON Schema keyword of an error at `path`; omitted when more than one keyword is acceptable. */
  readonly rule?: Rule;
}

export interface TopicCase {
  /** Concrete MQTT topic. */
  readonly topic: string;
  /** Channel id in asyncapi/tars.asyncapi.yaml. */
  readonly channel: string;
  readonly envelope: { readonly type: string; readonly live: readonly string[]; readonly bare: 'never' | 'accept' | 'send' } | null;
  readonly valid: readonly unknown[];
  readonly invalid: readonly InvalidCase[];
}

const MID = '6f1c0d9e2b7a4c1d8e3f5a6b7c8d9e0f';
const TS = 1762430400.25;

const snapshot = {
  message_id: MID,
  name: 'TARS',
  description: 'A sarcastic robot',
  systemprompt: 'You are TARS.',
  traits: { humor: 75, honesty: 90 },
  voice: { voice_id: 'tars' },
  meta: {},
  scenario: {},
  personality_notes: {},
  example_interactions: {},
};

const healthReady = { message_id: MID, ok: true, event: 'ready', timestamp: TS };
const healthInvalid: InvalidCase[] = [
  { name: 'missing ok', kind: 'missing-required', data: { event: 'ready', timestamp: TS }, path: '/ok', rule: 'required' },
  { name: 'ok not boolean', kind: 'wrong-type', data: { ok: 'yes' }, path: '/ok', rule: 'type' },
  { name: 'ok null', kind: 'null-not-nullable', data: { ok: null }, path: '/ok', rule: 'type' },
  { name: 'ts instead of timestamp', kind: 'extra-key', data: { ok: true, ts: TS }, path: '/ts', rule: 'additionalProperties' },
  { name: 'timestamp null', kind: 'null-not-nullable', data: { ok: true, timestamp: null }, path: '/timestamp', rule: 'type' },
  { name: 'event not a string', kind: 'wrong-type', data: { ok: true, event: 5 }, path: '/event', rule: 'type' },
];
const healthEnv = (live: string[], bare: 'never' | 'accept') => ({ type: 'health.status', live, bare });
const healthLive = ['system.health.router', 'system.health.tts', 'system.health.memory', 'system.health'];

export const cases: readonly TopicCase[] = [
  // ------------------------------------------------------------------ 3.1 stt/final
  {
    topic: 'stt/final',
    channel: 'sttFinal',
    envelope: { type: 'stt.final', live: [], bare: 'never' },
    valid: [
      { message_id: MID, text: 'what time is it', lang: 'en', confidence: 0.93, utt_id: null, ts: TS, is_final: true },
      { text: 'hello' },
      { text: '', confidence: 0, is_final: false },
      { text: 'x', confidence: 1, utt_id: 'u-1', ts: 5 },
    ],
    invalid: [
      { name: 'unknown key', kind: 'extra-key', data: { text: 'hi', bogus: 1 }, path: '/bogus', rule: 'additionalProperties' },
      { name: 'missing text', kind: 'missing-required', data: { lang: 'en' }, path: '/text', rule: 'required' },
      { name: 'text not a string', kind: 'wrong-type', data: { text: 42 }, path: '/text', rule: 'type' },
      { name: 'confidence above 1', kind: 'out-of-range', data: { text: 'hi', confidence: 1.5 }, path: '/confidence', rule: 'maximum' },
      { name: 'confidence below 0', kind: 'out-of-range', data: { text: 'hi', confidence: -0.1 }, path: '/confidence', rule: 'minimum' },
      { name: 'lang null (has a default, not nullable)', kind: 'null-not-nullable', data: { text: 'hi', lang: null }, path: '/lang', rule: 'type' },
      { name: 'is_final as a string', kind: 'wrong-type', data: { text: 'hi', is_final: 'true' }, path: '/is_final', rule: 'type' },
      { name: 'ts as a numeric string', kind: 'wrong-type', data: { text: 'hi', ts: '5' }, path: '/ts', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.2 stt/partial
  {
    topic: 'stt/partial',
    channel: 'sttPartial',
    envelope: { type: 'stt.partial', live: [], bare: 'never' },
    valid: [
      { message_id: MID, text: 'what time', lang: 'en', confidence: null, utt_id: null, ts: TS, is_final: false },
      { text: 'what', is_final: true },
    ],
    invalid: [
      { name: 'missing text', kind: 'missing-required', data: {}, path: '/text', rule: 'required' },
      { name: 'unknown key', kind: 'extra-key', data: { text: 'wh', partial: true }, path: '/partial', rule: 'additionalProperties' },
      { name: 'confidence above 1', kind: 'out-of-range', data: { text: 'wh', confidence: 2 }, path: '/confidence', rule: 'maximum' },
      { name: 'ts null', kind: 'null-not-nullable', data: { text: 'wh', ts: null }, path: '/ts', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.3 stt/audio_fft
  {
    topic: 'stt/audio_fft',
    channel: 'sttAudioFft',
    envelope: { type: 'stt.audio_fft', live: [], bare: 'never' },
    valid: [
      { message_id: MID, fft_data: [0.1, 0.5, 2, 0], sample_rate: 16000, ts: TS },
      { fft_data: [], sample_rate: 1 },
    ],
    invalid: [
      { name: 'UI shape {fft, ts}', kind: 'missing-required', data: { fft: [1, 2], ts: TS, sample_rate: 16000 }, path: '/fft_data', rule: 'required' },
      { name: 'UI shape has an unknown fft key', kind: 'extra-key', data: { fft: [1, 2], fft_data: [1], sample_rate: 16000 }, path: '/fft', rule: 'additionalProperties' },
      { name: 'sample_rate 0', kind: 'out-of-range', data: { fft_data: [], sample_rate: 0 }, path: '/sample_rate', rule: 'minimum' },
      { name: 'sample_rate not integral', kind: 'wrong-type', data: { fft_data: [], sample_rate: 2.5 }, path: '/sample_rate', rule: 'type' },
      { name: 'null item in fft_data', kind: 'null-not-nullable', data: { fft_data: [1, null], sample_rate: 8000 }, path: '/fft_data/1', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.4 tts/say
  {
    topic: 'tts/say',
    channel: 'ttsSay',
    envelope: { type: 'tts.say', live: [], bare: 'never' },
    valid: [
      { message_id: MID, text: 'It is three.', voice: 'TARS', lang: 'en', utt_id: 'rt-1a2b3c4d', style: 'neutral', stt_ts: TS, wake_ack: null, system_announce: null },
      { text: 'Yes?', wake_ack: true },
      { text: 'Online.', system_announce: true, lang: null, voice: null },
    ],
    invalid: [
      { name: 'missing text', kind: 'missing-required', data: { voice: 'TARS' }, path: '/text', rule: 'required' },
      { name: 'voice not a string', kind: 'wrong-type', data: { text: 'hi', voice: 3 }, path: '/voice', rule: 'type' },
      { name: 'wake_ack as a string', kind: 'wrong-type', data: { text: 'hi', wake_ack: 'yes' }, path: '/wake_ack', rule: 'type' },
      { name: 'unknown key', kind: 'extra-key', data: { text: 'hi', priority: 1 }, path: '/priority', rule: 'additionalProperties' },
      { name: 'text null', kind: 'null-not-nullable', data: { text: null }, path: '/text', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.5 tts/status
  {
    topic: 'tts/status',
    channel: 'ttsStatus',
    envelope: { type: 'tts.status', live: [], bare: 'never' },
    valid: [
      { message_id: MID, event: 'speaking_end', text: 'It is three.', timestamp: TS, utt_id: 'rt-1a2b3c4d', reason: null, wake_ack: null, system_announce: null },
      { event: 'paused', reason: 'wake_interrupt' },
      { event: 'resumed' },
      { event: 'stopped' },
      { event: 'speaking_start' },
    ],
    invalid: [
      { name: 'event not in enum', kind: 'enum', data: { event: 'done' }, path: '/event', rule: 'enum' },
      { name: 'missing event', kind: 'missing-required', data: { text: 'x' }, path: '/event', rule: 'required' },
      { name: 'text null (default "", not nullable)', kind: 'null-not-nullable', data: { event: 'paused', text: null }, path: '/text', rule: 'type' },
      { name: 'ts instead of timestamp', kind: 'extra-key', data: { event: 'paused', ts: TS }, path: '/ts', rule: 'additionalProperties' },
    ],
  },
  // ------------------------------------------------------------------ 3.6 tts/control
  {
    topic: 'tts/control',
    channel: 'ttsControl',
    envelope: { type: 'tts.control', live: [], bare: 'accept' },
    valid: [
      { message_id: MID, action: 'pause', reason: 'wake_interrupt', ts: TS },
      { action: 'mute' },
      { action: 'unmute', reason: null },
    ],
    invalid: [
      { name: 'action cancel (not in enum)', kind: 'enum', data: { action: 'cancel', reason: 'x' }, path: '/action', rule: 'enum' },
      { name: 'wake-activation extra id key', kind: 'extra-key', data: { action: 'stop', reason: 'wake_cancel', id: 'utt-1' }, path: '/id', rule: 'additionalProperties' },
      { name: 'registry field command', kind: 'missing-required', data: { reason: 'x' }, path: '/action', rule: 'required' },
      { name: 'reason not a string', kind: 'wrong-type', data: { action: 'stop', reason: 5 }, path: '/reason', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.7 llm/request
  {
    topic: 'llm/request',
    channel: 'llmRequest',
    envelope: { type: 'llm.request', live: [], bare: 'accept' },
    valid: [
      {
        message_id: MID,
        id: 'rt-1a2b3c4d',
        text: 'what time is it',
        stream: true,
        use_rag: null,
        rag_k: null,
        system: null,
        params: { temperature: 0.7, model: 'gpt-4o-mini' },
        conversation_history: [
          { role: 'user', content: 'hi', timestamp: TS - 30 },
          { role: 'assistant', content: 'Hello.', timestamp: null },
          { role: 'user', content: 'bye' },
        ],
      },
      { id: 'rt-1', text: 'hi' },
      { id: 'rt-2', text: 'hi', stream: false, use_rag: true, rag_k: -1, params: null, conversation_history: [] },
    ],
    invalid: [
      { name: 'missing id', kind: 'missing-required', data: { text: 'hi' }, path: '/id', rule: 'required' },
      { name: 'missing text', kind: 'missing-required', data: { id: 'rt-1' }, path: '/text', rule: 'required' },
      { name: 'stream null', kind: 'null-not-nullable', data: { id: 'rt-1', text: 'hi', stream: null }, path: '/stream', rule: 'type' },
      { name: 'rag_k not integral', kind: 'wrong-type', data: { id: 'rt-1', text: 'hi', rag_k: 2.5 }, path: '/rag_k', rule: 'type' },
      { name: 'params as an array', kind: 'wrong-type', data: { id: 'rt-1', text: 'hi', params: [] }, path: '/params', rule: 'type' },
      {
        name: 'history role system',
        kind: 'enum',
        data: { id: 'rt-1', text: 'hi', conversation_history: [{ role: 'system', content: 'x' }] },
        path: '/conversation_history/0/role',
        rule: 'enum',
      },
      {
        name: 'history item with message_id',
        kind: 'extra-key',
        data: { id: 'rt-1', text: 'hi', conversation_history: [{ role: 'user', content: 'x', message_id: MID }] },
        path: '/conversation_history/0/message_id',
        rule: 'additionalProperties',
      },
      {
        name: 'history item missing content',
        kind: 'missing-required',
        data: { id: 'rt-1', text: 'hi', conversation_history: [{ role: 'user', content: 'a' }, { role: 'user' }] },
        path: '/conversation_history/1/content',
        rule: 'required',
      },
      {
        name: 'null history item',
        kind: 'null-not-nullable',
        data: { id: 'rt-1', text: 'hi', conversation_history: [null] },
        path: '/conversation_history/0',
        rule: 'type',
      },
      { name: 'registry field messages', kind: 'extra-key', data: { id: 'rt-1', text: 'hi', messages: [] }, path: '/messages', rule: 'additionalProperties' },
    ],
  },
  // ------------------------------------------------------------------ 3.8 llm/response
  {
    topic: 'llm/response',
    channel: 'llmResponse',
    envelope: { type: 'llm.response', live: [], bare: 'never' },
    valid: [
      { message_id: MID, id: 'rt-1a2b3c4d', reply: 'It is three.', error: null, provider: 'openai', model: 'gpt-4o-mini', tokens: {} },
      { message_id: MID, id: 'rt-1a2b3c4d', reply: null, error: 'missing API key', provider: 'openai', model: null, tokens: null },
      { id: 'rt-1', tokens: { prompt_tokens: 12, nested: { a: [1] } } },
    ],
    invalid: [
      { name: 'missing id', kind: 'missing-required', data: { reply: 'x' }, path: '/id', rule: 'required' },
      { name: 'tokens as a string', kind: 'wrong-type', data: { id: 'rt-1', tokens: 'x' }, path: '/tokens', rule: 'type' },
      { name: 'unknown key utt_id', kind: 'extra-key', data: { id: 'rt-1', utt_id: 'u' }, path: '/utt_id', rule: 'additionalProperties' },
      { name: 'id null', kind: 'null-not-nullable', data: { id: null }, path: '/id', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.9 llm/stream
  {
    topic: 'llm/stream',
    channel: 'llmStream',
    envelope: { type: 'llm.stream', live: [], bare: 'never' },
    valid: [
      { message_id: MID, id: 'rt-1a2b3c4d', seq: 1, delta: 'It is ', done: false, provider: 'openai', model: 'gpt-4o-mini' },
      { message_id: MID, id: 'rt-1a2b3c4d', seq: 3, delta: null, done: true, provider: 'openai', model: 'gpt-4o-mini' },
      { id: 'rt-1', seq: -7 },
    ],
    invalid: [
      { name: 'missing id', kind: 'missing-required', data: { seq: 1 }, path: '/id', rule: 'required' },
      { name: 'seq not integral', kind: 'wrong-type', data: { id: 'rt-1', seq: 1.5 }, path: '/seq', rule: 'type' },
      { name: 'done null', kind: 'null-not-nullable', data: { id: 'rt-1', done: null }, path: '/done', rule: 'type' },
      { name: 'utt_id is not a stream field', kind: 'extra-key', data: { id: 'rt-1', utt_id: 'u' }, path: '/utt_id', rule: 'additionalProperties' },
    ],
  },
  // ------------------------------------------------------------------ 3.10 llm/cancel
  {
    topic: 'llm/cancel',
    channel: 'llmCancel',
    envelope: { type: 'llm.cancel', live: [], bare: 'never' },
    valid: [{ message_id: MID, id: 'rt-1a2b3c4d' }, { id: 'rt-1' }],
    invalid: [
      { name: 'missing id', kind: 'missing-required', data: { message_id: MID }, path: '/id', rule: 'required' },
      { name: 'unknown key', kind: 'extra-key', data: { id: 'rt-1', reason: 'x' }, path: '/reason', rule: 'additionalProperties' },
      { name: 'id not a string', kind: 'wrong-type', data: { id: 7 }, path: '/id', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.11 llm/tools/registry (extra keys ignored)
  {
    topic: 'llm/tools/registry',
    channel: 'llmToolsRegistry',
    envelope: { type: 'llm/tools/registry', live: ['llm.tools.registry'], bare: 'accept' },
    valid: [
      { tools: [{ type: 'function', function: { name: 'mcp__movement__wave', description: 'Wave', parameters: { type: 'object' } } }] },
      {},
      { tools: [] },
      { message_id: MID, bogus: [1, 2], tools: [{ function: {}, name: 'ignored', extra: true }] },
      { tools: [{ type: 'custom', function: { name: 'x' } }] },
    ],
    invalid: [
      {
        name: 'flat {name, description, parameters} spec',
        kind: 'missing-required',
        data: { tools: [{ name: 'wave', description: 'Wave', parameters: {} }] },
        path: '/tools/0/function',
        rule: 'required',
      },
      { name: 'function as a string', kind: 'wrong-type', data: { tools: [{ function: 'wave' }] }, path: '/tools/0/function', rule: 'type' },
      { name: 'tools null (default [], not nullable)', kind: 'null-not-nullable', data: { tools: null }, path: '/tools', rule: 'type' },
      { name: 'null tool item', kind: 'null-not-nullable', data: { tools: [null] }, path: '/tools/0', rule: 'type' },
      { name: 'tools as an object', kind: 'wrong-type', data: { tools: {} }, path: '/tools', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.12 llm/tool.call.request (extra keys ignored)
  {
    topic: 'llm/tool.call.request',
    channel: 'llmToolCallRequest',
    envelope: { type: 'llm/tool.call.request', live: ['llm.tool.call.request'], bare: 'never' },
    valid: [
      { call_id: 'call-0001', name: 'mcp:movement:wave', arguments: { speed: 0.5 } },
      { call_id: 'call-0002', name: 'anything' },
      { call_id: 'call-0003', name: 'x', message_id: MID, bogus: null },
    ],
    invalid: [
      { name: 'missing call_id', kind: 'missing-required', data: { name: 'x' }, path: '/call_id', rule: 'required' },
      { name: 'missing name', kind: 'missing-required', data: { call_id: 'c' }, path: '/name', rule: 'required' },
      { name: 'arguments as an array', kind: 'wrong-type', data: { call_id: 'c', name: 'x', arguments: [] }, path: '/arguments', rule: 'type' },
      { name: 'arguments null', kind: 'null-not-nullable', data: { call_id: 'c', name: 'x', arguments: null }, path: '/arguments', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.13 llm/tool.call.result (extra keys ignored)
  {
    topic: 'llm/tool.call.result',
    channel: 'llmToolCallResult',
    envelope: { type: 'llm/tool.call.result', live: ['llm.tool.call.result'], bare: 'accept' },
    valid: [
      { call_id: 'call-0001', result: { status: 'waved' }, error_msg: null },
      { call_id: 'call-0002', result: null, error_msg: 'unknown tool' },
      { call_id: 'c', result: 42 },
      { call_id: 'c', result: [1, 'two'] },
      { call_id: 'c', result: 'text' },
      { call_id: 'c', content: 'llm-worker reads this key', error: 'and this one', message_id: MID },
    ],
    invalid: [
      { name: 'missing call_id', kind: 'missing-required', data: { result: 1 }, path: '/call_id', rule: 'required' },
      { name: 'error_msg not a string', kind: 'wrong-type', data: { call_id: 'c', error_msg: 5 }, path: '/error_msg', rule: 'type' },
      { name: 'call_id null', kind: 'null-not-nullable', data: { call_id: null }, path: '/call_id', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.14 memory/query
  {
    topic: 'memory/query',
    channel: 'memoryQuery',
    envelope: { type: 'memory.query', live: [], bare: 'accept' },
    valid: [
      { message_id: MID, text: 'favourite colour', top_k: 5, max_tokens: null, include_context: false, context_window: 1, retrieval_strategy: 'hybrid' },
      { text: 'x', top_k: 1, max_tokens: 1, context_window: 0, retrieval_strategy: 'anything' },
      { text: 'x', top_k: 50, max_tokens: 10000, context_window: 5, include_context: true },
      { text: 'x', top_k: 2.0 },
    ],
    invalid: [
      { name: 'top_k 0', kind: 'out-of-range', data: { text: 'x', top_k: 0 }, path: '/top_k', rule: 'minimum' },
      { name: 'top_k 51', kind: 'out-of-range', data: { text: 'x', top_k: 51 }, path: '/top_k', rule: 'maximum' },
      { name: 'top_k 2.5', kind: 'wrong-type', data: { text: 'x', top_k: 2.5 }, path: '/top_k', rule: 'type' },
      { name: 'top_k null', kind: 'null-not-nullable', data: { text: 'x', top_k: null }, path: '/top_k', rule: 'type' },
      { name: 'max_tokens 10001', kind: 'out-of-range', data: { text: 'x', max_tokens: 10001 }, path: '/max_tokens', rule: 'maximum' },
      { name: 'max_tokens 0', kind: 'out-of-range', data: { text: 'x', max_tokens: 0 }, path: '/max_tokens', rule: 'minimum' },
      { name: 'context_window 6', kind: 'out-of-range', data: { text: 'x', context_window: 6 }, path: '/context_window', rule: 'maximum' },
      { name: 'context_window -1', kind: 'out-of-range', data: { text: 'x', context_window: -1 }, path: '/context_window', rule: 'minimum' },
      { name: 'missing text (docs field query)', kind: 'missing-required', data: { top_k: 3 }, path: '/text', rule: 'required' },
      { name: 'registry field threshold', kind: 'extra-key', data: { text: 'x', threshold: 0.5 }, path: '/threshold', rule: 'additionalProperties' },
      { name: 'include_context as a string', kind: 'wrong-type', data: { text: 'x', include_context: 'true' }, path: '/include_context', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.15 memory/results
  {
    topic: 'memory/results',
    channel: 'memoryResults',
    envelope: { type: 'memory.results', live: [], bare: 'never' },
    valid: [
      {
        message_id: MID,
        query: 'favourite colour',
        k: 1,
        results: [
          { document: { text: 'we talked about colours' }, score: null, timestamp: '2025-11-06T10:00:00', context_type: 'previous', token_count: 5 },
          { document: 'my favourite colour is blue', score: -3.5, timestamp: null, context_type: 'target', token_count: null },
        ],
        total_tokens: 12,
        strategy_used: 'hybrid',
        truncated: false,
      },
      { query: 'x', k: 0 },
      { query: 'x', k: -1, results: [{ document: {} }] },
    ],
    invalid: [
      { name: 'missing query', kind: 'missing-required', data: { k: 1 }, path: '/query', rule: 'required' },
      { name: 'missing k', kind: 'missing-required', data: { query: 'x' }, path: '/k', rule: 'required' },
      { name: 'docs field id', kind: 'extra-key', data: { query: 'x', k: 1, id: 'q-1' }, path: '/id', rule: 'additionalProperties' },
      {
        name: 'result with message_id',
        kind: 'extra-key',
        data: { query: 'x', k: 1, results: [{ document: {}, message_id: MID }] },
        path: '/results/0/message_id',
        rule: 'additionalProperties',
      },
      {
        name: 'result timestamp as a number',
        kind: 'wrong-type',
        data: { query: 'x', k: 1, results: [{ document: {}, timestamp: TS }] },
        path: '/results/0/timestamp',
        rule: 'type',
      },
      { name: 'result document as a number', kind: 'wrong-type', data: { query: 'x', k: 1, results: [{ document: 5 }] }, path: '/results/0/document', rule: 'type' },
      { name: 'result missing document', kind: 'missing-required', data: { query: 'x', k: 1, results: [{ score: 1 }] }, path: '/results/0/document', rule: 'required' },
      { name: 'k not integral', kind: 'wrong-type', data: { query: 'x', k: 1.5 }, path: '/k', rule: 'type' },
      { name: 'truncated null', kind: 'null-not-nullable', data: { query: 'x', k: 1, truncated: null }, path: '/truncated', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.16 character/get
  {
    topic: 'character/get',
    channel: 'characterGet',
    envelope: { type: 'character.get', live: ['memory.character.get'], bare: 'accept' },
    valid: [{ message_id: MID, section: null }, { message_id: MID, section: 'traits' }, {}, { section: '' }],
    invalid: [
      { name: 'docs field character_id', kind: 'extra-key', data: { character_id: 'tars' }, path: '/character_id', rule: 'additionalProperties' },
      { name: 'section not a string', kind: 'wrong-type', data: { section: 5 }, path: '/section', rule: 'type' },
      { name: 'message_id null', kind: 'null-not-nullable', data: { message_id: null }, path: '/message_id', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.17 character/result (oneOf)
  {
    topic: 'character/result',
    channel: 'characterResult',
    envelope: { type: 'character.result', live: [], bare: 'never' },
    valid: [
      snapshot,
      { name: 'TARS' },
      { message_id: MID, section: 'traits', value: { humor: 75, honesty: 90 } },
      { section: 'voice', value: 'tars' },
      { section: 'systemprompt', value: null },
      { section: 'bogus', value: { error: "unknown section 'bogus'", available: ['name', 'traits'] } },
      { section: 'traits' },
    ],
    invalid: [
      { name: 'empty object matches neither', kind: 'one-of', data: {}, path: '', rule: 'oneOf' },
      { name: 'both name and section', kind: 'one-of', data: { name: 'TARS', section: 'traits' }, path: '', rule: 'oneOf' },
      { name: 'section value as an array', kind: 'wrong-type', data: { section: 'traits', value: [1, 2] }, path: '/value', rule: 'type' },
      { name: 'section value as a number', kind: 'wrong-type', data: { section: 'traits', value: 3 }, path: '/value', rule: 'type' },
      { name: 'snapshot traits null', kind: 'null-not-nullable', data: { name: 'TARS', traits: null }, path: '/traits', rule: 'type' },
      { name: 'snapshot docs field sections', kind: 'extra-key', data: { name: 'TARS', sections: {} }, path: '/sections', rule: 'additionalProperties' },
    ],
  },
  // ------------------------------------------------------------------ 3.18 character/update (oneOf)
  {
    topic: 'character/update',
    channel: 'characterUpdate',
    envelope: { type: 'character.update', live: ['character.trait.update', 'character.trait.reset'], bare: 'accept' },
    valid: [
      { message_id: MID, section: 'traits', trait: 'humor', value: 80 },
      { trait: 'humor', value: 0 },
      { section: 'traits', trait: 'humor', value: 100 },
      { message_id: MID, action: 'reset_traits' },
      { action: 'anything' },
      {},
    ],
    invalid: [
      { name: 'value above 100', kind: 'out-of-range', data: { section: 'traits', trait: 'humor', value: 101 }, path: '/value', rule: 'maximum' },
      { name: 'value below 0', kind: 'out-of-range', data: { section: 'traits', trait: 'humor', value: -1 }, path: '/value', rule: 'minimum' },
      { name: 'value not integral', kind: 'wrong-type', data: { section: 'traits', trait: 'humor', value: 50.5 }, path: '/value', rule: 'type' },
      { name: 'trait update missing trait', kind: 'missing-required', data: { section: 'traits', value: 5 }, path: '/trait', rule: 'required' },
      { name: 'MCP reset_all payload', kind: 'extra-key', data: { reset_all: true }, path: '/reset_all', rule: 'additionalProperties' },
      // Matches neither branch; the closest branch (CharacterTraitUpdate) explains why: action is forbidden there.
      { name: 'trait update with action', kind: 'one-of', data: { trait: 'humor', value: 5, action: 'reset_traits' }, path: '/action', rule: 'additionalProperties' },
      { name: 'action null', kind: 'null-not-nullable', data: { action: null }, path: '/action', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.19 system/character/current
  {
    topic: 'system/character/current',
    channel: 'systemCharacterCurrent',
    envelope: { type: 'system.character.current', live: [], bare: 'accept' },
    valid: [snapshot, { name: 'TARS', description: null, systemprompt: null, traits: {}, voice: {} }],
    invalid: [
      { name: 'missing name', kind: 'missing-required', data: { traits: {} }, path: '/name', rule: 'required' },
      { name: 'registry field character', kind: 'extra-key', data: { name: 'TARS', character: 'TARS' }, path: '/character', rule: 'additionalProperties' },
      { name: 'section payload is not a snapshot', kind: 'extra-key', data: { name: 'TARS', section: 'traits' }, path: '/section', rule: 'additionalProperties' },
      { name: 'systemprompt not a string', kind: 'wrong-type', data: { name: 'TARS', systemprompt: 5 }, path: '/systemprompt', rule: 'type' },
      { name: 'voice null', kind: 'null-not-nullable', data: { name: 'TARS', voice: null }, path: '/voice', rule: 'type' },
      { name: 'traits as an array', kind: 'wrong-type', data: { name: 'TARS', traits: [] }, path: '/traits', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.20 wake/event
  {
    topic: 'wake/event',
    channel: 'wakeEvent',
    envelope: { type: 'wake.event', live: [], bare: 'never' },
    valid: [
      { message_id: MID, type: 'wake', tts_id: null, confidence: 0.91, energy: 0.02, cause: 'wake_phrase', ts: 12345.678 },
      { type: 'interrupt', tts_id: 'rt-1', energy: 0 },
      { type: 'anything-goes' },
    ],
    invalid: [
      { name: 'missing type', kind: 'missing-required', data: { confidence: 0.5 }, path: '/type', rule: 'required' },
      { name: 'confidence above 1', kind: 'out-of-range', data: { type: 'wake', confidence: 1.2 }, path: '/confidence', rule: 'maximum' },
      { name: 'energy negative', kind: 'out-of-range', data: { type: 'wake', energy: -1 }, path: '/energy', rule: 'minimum' },
      { name: 'docs field detected', kind: 'extra-key', data: { type: 'wake', detected: true }, path: '/detected', rule: 'additionalProperties' },
      { name: 'ts as a string', kind: 'wrong-type', data: { type: 'wake', ts: 'now' }, path: '/ts', rule: 'type' },
      { name: 'type null', kind: 'null-not-nullable', data: { type: null }, path: '/type', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.21 wake/mic
  {
    topic: 'wake/mic',
    channel: 'wakeMic',
    envelope: { type: 'wake.mic', live: ['mic.control'], bare: 'never' },
    valid: [
      { message_id: MID, action: 'unmute', reason: 'wake', ttl_ms: 8000 },
      { action: 'mute' },
      { action: 'mute', ttl_ms: 0, reason: 'tts' },
      { action: 'unmute', ttl_ms: null },
    ],
    invalid: [
      { name: 'registry action enable', kind: 'enum', data: { action: 'enable' }, path: '/action', rule: 'enum' },
      { name: 'reason null (default "wake", not nullable)', kind: 'null-not-nullable', data: { action: 'mute', reason: null }, path: '/reason', rule: 'type' },
      { name: 'ttl_ms negative', kind: 'out-of-range', data: { action: 'mute', ttl_ms: -1 }, path: '/ttl_ms', rule: 'minimum' },
      { name: 'ttl_ms not integral', kind: 'wrong-type', data: { action: 'mute', ttl_ms: 1.5 }, path: '/ttl_ms', rule: 'type' },
      { name: 'missing action', kind: 'missing-required', data: { reason: 'wake' }, path: '/action', rule: 'required' },
      { name: 'registry field command', kind: 'extra-key', data: { action: 'mute', command: 'disable' }, path: '/command', rule: 'additionalProperties' },
    ],
  },
  // ------------------------------------------------------------------ 3.22 camera/capture
  {
    topic: 'camera/capture',
    channel: 'cameraCapture',
    envelope: { type: 'camera.capture', live: [], bare: 'never' },
    valid: [
      { message_id: MID, timestamp: TS, request_id: 'cap-0001', format: 'jpeg', quality: 85, width: 640, height: 480, purpose: 'look' },
      {},
      { format: 'raw', quality: 1, width: 1, height: null },
      { format: 'png', quality: 100 },
    ],
    invalid: [
      { name: 'quality 0', kind: 'out-of-range', data: { quality: 0 }, path: '/quality', rule: 'minimum' },
      { name: 'quality 101', kind: 'out-of-range', data: { quality: 101 }, path: '/quality', rule: 'maximum' },
      { name: 'format gif', kind: 'enum', data: { format: 'gif' }, path: '/format', rule: 'enum' },
      { name: 'width 0', kind: 'out-of-range', data: { width: 0 }, path: '/width', rule: 'minimum' },
      { name: 'request_id null (generated default, not nullable)', kind: 'null-not-nullable', data: { request_id: null }, path: '/request_id', rule: 'type' },
      { name: 'registry field ts', kind: 'extra-key', data: { ts: TS }, path: '/ts', rule: 'additionalProperties' },
      { name: 'quality not integral', kind: 'wrong-type', data: { quality: 85.5 }, path: '/quality', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.23 camera/image
  {
    topic: 'camera/image',
    channel: 'cameraImage',
    envelope: { type: 'camera.image', live: [], bare: 'never' },
    valid: [
      {
        message_id: MID,
        timestamp: TS,
        request_id: 'cap-0001',
        image_data: '/9j/4AAQSkZJRg==',
        format: 'jpeg',
        width: 640,
        height: 480,
        size_bytes: 11,
        success: true,
        error: null,
        purpose: 'look',
        capture_timestamp: TS,
      },
      { request_id: 'cap-0002', image_data: '', format: 'raw', width: 0, height: 0, size_bytes: 0, success: false, error: 'no camera' },
    ],
    invalid: [
      { name: 'missing request_id', kind: 'missing-required', data: { image_data: '', format: 'png', width: 1, height: 1, size_bytes: 1 }, path: '/request_id', rule: 'required' },
      { name: 'missing format', kind: 'missing-required', data: { request_id: 'r', image_data: '', width: 1, height: 1, size_bytes: 1 }, path: '/format', rule: 'required' },
      { name: 'width negative', kind: 'out-of-range', data: { request_id: 'r', image_data: '', format: 'png', width: -1, height: 1, size_bytes: 1 }, path: '/width', rule: 'minimum' },
      { name: 'size_bytes not integral', kind: 'wrong-type', data: { request_id: 'r', image_data: '', format: 'png', width: 1, height: 1, size_bytes: 1.5 }, path: '/size_bytes', rule: 'type' },
      { name: 'format bmp', kind: 'enum', data: { request_id: 'r', image_data: '', format: 'bmp', width: 1, height: 1, size_bytes: 1 }, path: '/format', rule: 'enum' },
      { name: 'unknown key', kind: 'extra-key', data: { request_id: 'r', image_data: '', format: 'png', width: 1, height: 1, size_bytes: 1, ts: TS }, path: '/ts', rule: 'additionalProperties' },
      { name: 'success null', kind: 'null-not-nullable', data: { request_id: 'r', image_data: '', format: 'png', width: 1, height: 1, size_bytes: 1, success: null }, path: '/success', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.24 camera/frame
  {
    topic: 'camera/frame',
    channel: 'cameraFrame',
    envelope: { type: 'camera.frame', live: [], bare: 'never' },
    valid: [
      { message_id: MID, timestamp: TS, frame_data: '/9j/4AAQSkZJRg==', format: 'jpeg', width: 640, height: 480, frame_number: 42, fps: 2.5 },
      { frame_data: 'AA==', width: 1, height: 1, frame_number: 0, format: 'png', fps: 5 },
      { frame_data: 'AA==', width: 1, height: 1, frame_number: 0, fps: null },
    ],
    invalid: [
      { name: 'format raw (frames allow jpeg|png only)', kind: 'enum', data: { frame_data: '', width: 1, height: 1, frame_number: 0, format: 'raw' }, path: '/format', rule: 'enum' },
      { name: 'width 0', kind: 'out-of-range', data: { frame_data: '', width: 0, height: 1, frame_number: 0 }, path: '/width', rule: 'minimum' },
      { name: 'frame_number negative', kind: 'out-of-range', data: { frame_data: '', width: 1, height: 1, frame_number: -1 }, path: '/frame_number', rule: 'minimum' },
      { name: 'missing frame_number', kind: 'missing-required', data: { frame_data: '', width: 1, height: 1 }, path: '/frame_number', rule: 'required' },
      { name: 'fps negative', kind: 'out-of-range', data: { frame_data: '', width: 1, height: 1, frame_number: 0, fps: -0.5 }, path: '/fps', rule: 'minimum' },
      { name: 'unknown key', kind: 'extra-key', data: { frame_data: '', width: 1, height: 1, frame_number: 0, camera: 'front' }, path: '/camera', rule: 'additionalProperties' },
      { name: 'format null', kind: 'null-not-nullable', data: { frame_data: '', width: 1, height: 1, frame_number: 0, format: null }, path: '/format' },
    ],
  },
  // ------------------------------------------------------------------ 3.25 movement/command
  {
    topic: 'movement/command',
    channel: 'movementCommand',
    envelope: { type: 'movement.command', live: [], bare: 'never' },
    valid: [{ message_id: MID, timestamp: TS, id: 'cmd-0001', command: 'bow', params: {} }, { command: 'swing_legs', params: { times: 2 } }],
    invalid: [
      { name: 'wave is not a MovementAction', kind: 'enum', data: { command: 'wave' }, path: '/command', rule: 'enum' },
      { name: 'missing command', kind: 'missing-required', data: { params: {} }, path: '/command', rule: 'required' },
      { name: 'params null', kind: 'null-not-nullable', data: { command: 'bow', params: null }, path: '/params', rule: 'type' },
      { name: 'registry field action', kind: 'extra-key', data: { command: 'bow', action: 'bow' }, path: '/action', rule: 'additionalProperties' },
      { name: 'id not a string', kind: 'wrong-type', data: { command: 'bow', id: 1 }, path: '/id', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.26 movement/frame (dict[int, int])
  {
    topic: 'movement/frame',
    channel: 'movementFrame',
    envelope: { type: 'movement.frame', live: [], bare: 'never' },
    valid: [
      { message_id: MID, timestamp: TS, id: 'cmd-0001', seq: 0, total: 2, duration_ms: 400, hold_ms: 100, channels: { '0': 1500, '15': 1200 }, disable_after: false, done: false },
      { id: 'c', seq: -1, total: 0, duration_ms: 0, hold_ms: 0, channels: {} },
      { id: 'c', seq: 1, total: 1, duration_ms: 1, hold_ms: 1, channels: { '-1': -5, '3': 0 }, done: true },
    ],
    invalid: [
      {
        name: 'channel key not an integer',
        kind: 'key-format',
        data: { id: 'c', seq: 0, total: 1, duration_ms: 1, hold_ms: 1, channels: { left_hip: 1500 } },
        path: '/channels/left_hip',
      },
      {
        name: 'channel key ch0 (firmware format)',
        kind: 'key-format',
        data: { id: 'c', seq: 0, total: 1, duration_ms: 1, hold_ms: 1, channels: { ch0: 1500 } },
        path: '/channels/ch0',
      },
      {
        name: 'pulse width not integral',
        kind: 'wrong-type',
        data: { id: 'c', seq: 0, total: 1, duration_ms: 1, hold_ms: 1, channels: { '0': 1500.5 } },
        path: '/channels/0',
        rule: 'type',
      },
      {
        name: 'pulse width as a string',
        kind: 'wrong-type',
        data: { id: 'c', seq: 0, total: 1, duration_ms: 1, hold_ms: 1, channels: { '0': '1500' } },
        path: '/channels/0',
        rule: 'type',
      },
      { name: 'missing channels', kind: 'missing-required', data: { id: 'c', seq: 0, total: 1, duration_ms: 1, hold_ms: 1 }, path: '/channels', rule: 'required' },
      { name: 'seq not integral', kind: 'wrong-type', data: { id: 'c', seq: 0.5, total: 1, duration_ms: 1, hold_ms: 1, channels: {} }, path: '/seq', rule: 'type' },
      { name: 'unknown key', kind: 'extra-key', data: { id: 'c', seq: 0, total: 1, duration_ms: 1, hold_ms: 1, channels: {}, speed: 1 }, path: '/speed', rule: 'additionalProperties' },
      { name: 'done null', kind: 'null-not-nullable', data: { id: 'c', seq: 0, total: 1, duration_ms: 1, hold_ms: 1, channels: {}, done: null }, path: '/done', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.27 movement/state
  {
    topic: 'movement/state',
    channel: 'movementState',
    envelope: { type: 'movement.state', live: [], bare: 'never' },
    valid: [{ message_id: MID, timestamp: TS, id: 'cmd-0001', event: 'frame_sent', seq: 0, detail: null }, { id: 'c', event: 'cancelled', detail: 'stopped' }],
    invalid: [
      { name: 'firmware event ready', kind: 'enum', data: { id: 'c', event: 'ready' }, path: '/event', rule: 'enum' },
      { name: 'missing id', kind: 'missing-required', data: { event: 'started' }, path: '/id', rule: 'required' },
      { name: 'seq as a string', kind: 'wrong-type', data: { id: 'c', event: 'started', seq: 'a' }, path: '/seq', rule: 'type' },
      { name: 'unknown key', kind: 'extra-key', data: { id: 'c', event: 'started', progress: 0.5 }, path: '/progress', rule: 'additionalProperties' },
      { name: 'event null', kind: 'null-not-nullable', data: { id: 'c', event: null }, path: '/event' },
    ],
  },
  // ------------------------------------------------------------------ 3.28 movement/test
  {
    topic: 'movement/test',
    channel: 'movementTest',
    envelope: { type: 'movement.test', live: ['movement.command'], bare: 'send' },
    valid: [
      { message_id: MID, timestamp: TS, command: 'wave', speed: 0.8, params: {}, request_id: 'mv-1a2b3c4d' },
      { command: 'move_legs', params: { height_percent: 50, left_percent: 60, right_percent: 40 } },
      { command: 'move_arm', params: { port_main: 500, anything: 'params are not validated' }, speed: 0.1 },
      { command: 'stop', speed: 1, request_id: null },
      { command: 'pezz_dispenser', request_id: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9' },
    ],
    invalid: [
      { name: 'speed below 0.1', kind: 'out-of-range', data: { command: 'wave', speed: 0.05 }, path: '/speed', rule: 'minimum' },
      { name: 'speed above 1.0', kind: 'out-of-range', data: { command: 'wave', speed: 1.5 }, path: '/speed', rule: 'maximum' },
      { name: 'MCP command big_shrug', kind: 'enum', data: { command: 'big_shrug' }, path: '/command', rule: 'enum' },
      { name: 'missing command', kind: 'missing-required', data: { speed: 0.5 }, path: '/command', rule: 'required' },
      { name: 'unknown key', kind: 'extra-key', data: { command: 'wave', action: 'wave' }, path: '/action', rule: 'additionalProperties' },
      { name: 'request_id not a string', kind: 'wrong-type', data: { command: 'wave', request_id: 5 }, path: '/request_id', rule: 'type' },
      { name: 'speed null', kind: 'null-not-nullable', data: { command: 'wave', speed: null }, path: '/speed', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.29 movement/stop
  {
    topic: 'movement/stop',
    channel: 'movementStop',
    envelope: { type: 'movement.stop', live: [], bare: 'never' },
    valid: [{}, { message_id: MID, timestamp: TS, reason: 'user said stop' }, { reason: null }],
    invalid: [
      { name: 'unknown key', kind: 'extra-key', data: { force: true }, path: '/force', rule: 'additionalProperties' },
      { name: 'reason not a string', kind: 'wrong-type', data: { reason: 5 }, path: '/reason', rule: 'type' },
      { name: 'timestamp null', kind: 'null-not-nullable', data: { timestamp: null }, path: '/timestamp', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.30 movement/status
  {
    topic: 'movement/status',
    channel: 'movementStatus',
    envelope: { type: 'movement.status', live: [], bare: 'send' },
    valid: [
      { message_id: 'esp32_123456', timestamp: TS, event: 'command_completed', command: 'wave', request_id: 'mv-1a2b3c4d' },
      { message_id: 'esp32_123999', timestamp: 123999, event: 'emergency_stop' },
      { event: 'command_failed', command: 'big_shrug', detail: 'unknown command', request_id: null },
      { event: 'battery_low' },
    ],
    invalid: [
      { name: 'registry status value', kind: 'enum', data: { event: 'started' }, path: '/event', rule: 'enum' },
      { name: 'missing event', kind: 'missing-required', data: { command: 'wave' }, path: '/event', rule: 'required' },
      { name: 'registry field status', kind: 'extra-key', data: { event: 'command_started', status: 'started' }, path: '/status', rule: 'additionalProperties' },
      { name: 'command not a string', kind: 'wrong-type', data: { event: 'command_started', command: 5 }, path: '/command', rule: 'type' },
    ],
  },
  // ------------------------------------------------------------------ 3.31 system/health/movement
  {
    topic: 'system/health/movement',
    channel: 'systemHealthMovement',
    envelope: healthEnv(['system.health'], 'never'),
    valid: [healthReady, { ok: true }, { ok: false, err: 'servo fault', event: null }],
    invalid: healthInvalid,
  },
  // ------------------------------------------------------------------ 3.32 system/health/movement-controller (bare)
  {
    topic: 'system/health/movement-controller',
    channel: 'systemHealthMovementController',
    envelope: null,
    valid: [{ ok: true, event: 'ready', timestamp: 12345 }, { ok: false }],
    invalid: [
      { name: 'unknown key version', kind: 'extra-key', data: { ok: true, version: '1.0' }, path: '/version', rule: 'additionalProperties' },
      { name: 'ok not boolean', kind: 'wrong-type', data: { ok: 'yes' }, path: '/ok', rule: 'type' },
      { name: 'missing ok', kind: 'missing-required', data: { event: 'ready' }, path: '/ok', rule: 'required' },
    ],
  },
  // ------------------------------------------------------------------ 3.33 system/health/{client_id}
  {
    topic: 'system/health/tars-stt',
    channel: 'systemHealth',
    envelope: healthEnv(healthLive, 'accept'),
    valid: [healthReady, { message_id: MID, ok: false, event: 'shutdown', timestamp: TS }, { ok: true, event: 'STT service ready', err: null }],
    invalid: [
      ...healthInvalid,
      { name: 'wake-activation {ok, version, ts}', kind: 'extra-key', data: { ok: true, version: '1.2.0', ts: 5 }, path: '/version', rule: 'additionalProperties' },
    ],
  },
  {
    topic: 'system/health/router',
    channel: 'systemHealth',
    envelope: healthEnv(healthLive, 'accept'),
    valid: [{ message_id: MID, ok: true, event: 'ready', err: null, timestamp: TS }],
    invalid: [{ name: 'err not a string', kind: 'wrong-type', data: { ok: false, err: { code: 1 } }, path: '/err', rule: 'type' }],
  },
  {
    topic: 'system/health/movement-esp32',
    channel: 'systemHealth',
    envelope: healthEnv(healthLive, 'accept'),
    valid: [{ ok: true, event: 'ready', timestamp: 12345 }],
    invalid: [{ name: 'missing ok', kind: 'missing-required', data: { event: 'ready', timestamp: 1 }, path: '/ok', rule: 'required' }],
  },
  // ------------------------------------------------------------------ 3.34 system/keepalive/{client_id} (bare, extra keys ignored)
  {
    topic: 'system/keepalive/tars-camera',
    channel: 'systemKeepalive',
    envelope: null,
    valid: [
      { ok: true, event: 'heartbeat', timestamp: TS },
      { timestamp: 5 },
      { ok: true, event: 'heartbeat', timestamp: TS, message_id: MID, extra: { any: 'thing' } },
      { ok: false, event: 'custom', timestamp: 0 },
    ],
    invalid: [
      { name: 'camera README shape {ok, event: "hb", ts}', kind: 'missing-required', data: { ok: true, event: 'hb', ts: TS }, path: '/timestamp', rule: 'required' },
      { name: 'timestamp as a string', kind: 'wrong-type', data: { timestamp: '2025-11-06' }, path: '/timestamp', rule: 'type' },
      { name: 'ok null', kind: 'null-not-nullable', data: { ok: null, timestamp: 1 }, path: '/ok', rule: 'type' },
      { name: 'event null', kind: 'null-not-nullable', data: { event: null, timestamp: 1 }, path: '/event', rule: 'type' },
    ],
  },
  {
    topic: 'system/keepalive/config-manager',
    channel: 'systemKeepalive',
    envelope: null,
    valid: [{ ok: true, event: 'heartbeat', timestamp: TS }],
    invalid: [{ name: 'timestamp null', kind: 'null-not-nullable', data: { ok: true, event: 'heartbeat', timestamp: null }, path: '/timestamp', rule: 'type' }],
  },
];

/** Topics that match no channel: validation must report an error, not pass. */
export const unknownTopics: readonly string[] = [
  'stt/unknown',
  'stt/final/extra',
  'llm/tool/call/request',
  'system/character/get',
  'system/keepalive',
  'system/health/a/b',
  'character',
  '',
];

/** Channel ids of the 34 topics of TARS-CONTRACTS.md, for the coverage check. */
export const allChannelIds: readonly string[] = [
  'sttFinal', 'sttPartial', 'sttAudioFft', 'ttsSay', 'ttsStatus', 'ttsControl', 'llmRequest', 'llmResponse', 'llmStream',
  'llmCancel', 'llmToolsRegistry', 'llmToolCallRequest', 'llmToolCallResult', 'memoryQuery', 'memoryResults', 'characterGet',
  'characterResult', 'characterUpdate', 'systemCharacterCurrent', 'wakeEvent', 'wakeMic', 'cameraCapture', 'cameraImage',
  'cameraFrame', 'movementCommand', 'movementFrame', 'movementState', 'movementTest', 'movementStop', 'movementStatus',
  'systemHealthMovement', 'systemHealthMovementController', 'systemHealth', 'systemKeepalive',
];
