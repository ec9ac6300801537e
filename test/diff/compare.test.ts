/**
 * Table of document pairs (base -> patched base), each asserting the exact multiset of rule ids reported,
 * split by verdict, and whether the check passes. The pairs are built from test/diff/fixtures/base.asyncapi.yaml
 * with small patch functions; both sides go through the real loader (generator/load).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { diffContracts, summarize, type Change } from '../../generator/diff/compare.js';
import { RULE_IDS, RULES, type RuleId } from '../../generator/diff/rules.js';
import type { ContractIR } from '../../generator/ir.js';
import { addChannel, baseDoc, deleteChannel, load, mqtt, op, patched, prop, renameSchema, S, type Doc } from './helpers.js';

interface Case {
  readonly name: string;
  /** Applied to the base to make the AFTER document. */
  readonly patch: (d: Doc) => void;
  /** Applied to the base to make the BEFORE document (default: the base itself). */
  readonly before?: (d: Doc) => void;
  readonly breaking?: readonly RuleId[];
  readonly safe?: readonly RuleId[];
  /** Expected summary.ok (default: no breaking change). */
  readonly ok?: boolean;
  readonly check?: (changes: readonly Change[]) => void;
}

const envType = (d: Doc, envelope: string): Doc => S(d)[envelope].properties.type;
const xEnvelope = (d: Doc, message: string): Doc => d.components.messages[message]['x-envelope'];

const CASES: readonly Case[] = [
  // ------------------------------------------------------------------ channels
  { name: 'delete a bare channel', patch: (d) => deleteChannel(d, 'movementCommand'), breaking: ['CHANNEL_NO_DELETE'],
    check: (c) => expect(c[0]!.pointer).toBe('/channels/movementCommand') },
  { name: 'delete a parameterized channel', patch: (d) => deleteChannel(d, 'systemHealth'), breaking: ['CHANNEL_NO_DELETE'] },
  { name: 'add a bare channel', patch: (d) => addChannel(d, 'ttsSay', 'tts/say', 'MovementCommand'), safe: ['CHANNEL_ADDED'] },
  { name: 'add an enveloped channel', patch: (d) => addChannel(d, 'sttFinalCopy', 'stt/final/copy', 'SttFinal', 1), safe: ['CHANNEL_ADDED'] },
  { name: 'change a topic', patch: (d) => (d.channels.movementCommand.address = 'movement/cmd'), breaking: ['ADDRESS_SAME'],
    check: (c) => expect(c[0]!.pointer).toBe('/channels/movementCommand/address') },
  { name: 'change a parameterized topic', patch: (d) => (d.channels.systemHealth.address = 'sys/health/{client_id}'), breaking: ['ADDRESS_SAME'] },
  {
    name: 'add a parameter (topic and API change)',
    patch: (d) => {
      d.channels.systemHealth.address = 'system/health/{client_id}/{component}';
      d.channels.systemHealth.parameters.component = { description: 'component' };
    },
    breaking: ['ADDRESS_SAME', 'PARAMETER_SAME'],
  },
  {
    name: 'rename a parameter (same topic)',
    patch: (d) => {
      d.channels.systemHealth.address = 'system/health/{client}';
      d.channels.systemHealth.parameters = { client: { $ref: '#/components/parameters/clientId' } };
    },
    breaking: ['PARAMETER_SAME'],
  },
  { name: 'remove a parameter value', patch: (d) => (d.components.parameters.clientId.enum = ['tars-stt']), breaking: ['PARAMETER_VALUE_NO_DELETE'] },
  {
    name: 'replace a parameter value',
    patch: (d) => (d.components.parameters.clientId.enum = ['tars-stt', 'tars-llm']),
    breaking: ['PARAMETER_VALUE_NO_DELETE'],
    safe: ['PARAMETER_VALUE_ADDED'],
  },
  {
    name: 'restrict a free parameter to an enum',
    before: (d) => delete d.components.parameters.clientId.enum,
    patch: () => {},
    breaking: ['PARAMETER_VALUE_NO_DELETE'],
  },
  { name: 'add a parameter value', patch: (d) => d.components.parameters.clientId.enum.push('tars-llm'), safe: ['PARAMETER_VALUE_ADDED'] },
  { name: 'drop a parameter enum', patch: (d) => delete d.components.parameters.clientId.enum, safe: ['PARAMETER_VALUE_ADDED'] },
  {
    name: 'lower QoS 1 -> 0',
    patch: (d) => (mqtt(d, 'publishSttFinal').qos = 0),
    breaking: ['QOS_SAME'],
    check: (c) => expect(c[0]!.pointer).toBe('/operations/publishSttFinal/bindings/mqtt/qos'),
  },
  { name: 'lower QoS by dropping it from the binding (default 0)', patch: (d) => delete mqtt(d, 'publishSystemHealth').qos, breaking: ['QOS_SAME'] },
  { name: 'raise QoS 0 -> 1', patch: (d) => (mqtt(d, 'publishMovementCommand').qos = 1), safe: ['QOS_RAISED'] },
  { name: 'raise QoS 1 -> 2', patch: (d) => (mqtt(d, 'publishSttFinal').qos = 2), safe: ['QOS_RAISED'] },
  { name: 'stop retaining', patch: (d) => (mqtt(d, 'publishSystemHealth').retain = false), breaking: ['RETAIN_SAME'] },
  { name: 'start retaining', patch: (d) => (mqtt(d, 'publishMovementCommand').retain = true), breaking: ['RETAIN_SAME'] },
  {
    name: 'envelope -> bare',
    patch: (d) => {
      delete d.components.messages.SttFinal['x-envelope'];
      d.components.messages.SttFinal.payload = { $ref: '#/components/schemas/FinalTranscript' };
    },
    breaking: ['FRAMING_SAME'],
  },
  {
    name: 'bare -> envelope',
    patch: (d) => {
      S(d).CommandEnvelope = {
        title: 'CommandEnvelope',
        type: 'object',
        additionalProperties: false,
        required: ['type', 'data'],
        properties: { id: { type: 'string' }, type: { type: 'string', const: 'movement.command' }, data: { $ref: '#/components/schemas/Command' } },
      };
      d.components.messages.MovementCommand['x-envelope'] = { type: 'movement.command' };
      d.components.messages.MovementCommand.payload = { $ref: '#/components/schemas/CommandEnvelope' };
    },
    breaking: ['FRAMING_SAME'],
  },
  { name: 'stop accepting bare payloads (accept -> never)', patch: (d) => (xEnvelope(d, 'SttFinal').bare = 'never'), breaking: ['FRAMING_SAME'] },
  { name: 'publish bare where old receivers never accepted it (never -> send)', patch: (d) => (xEnvelope(d, 'MemoryQuery').bare = 'send'), breaking: ['FRAMING_SAME'] },
  { name: 'publish bare where old receivers accepted it (accept -> send)', patch: (d) => (xEnvelope(d, 'SttFinal').bare = 'send'), safe: ['FRAMING_BARE_MODE_CHANGED'] },
  { name: 'start accepting bare payloads (never -> accept)', patch: (d) => (xEnvelope(d, 'MemoryQuery').bare = 'accept'), safe: ['FRAMING_BARE_MODE_CHANGED'] },
  {
    name: 'change the event type to one old receivers reject',
    patch: (d) => {
      xEnvelope(d, 'SttFinal').type = 'stt.done';
      envType(d, 'SttFinalEnvelope').enum = ['stt.done', 'stt.transcript'];
    },
    breaking: ['EVENT_TYPE_SAME'],
  },
  {
    name: 'change a const event type',
    patch: (d) => {
      xEnvelope(d, 'MemoryQuery').type = 'memory.ask';
      envType(d, 'MemoryQueryEnvelope').const = 'memory.ask';
    },
    breaking: ['EVENT_TYPE_SAME'],
  },
  { name: 'migrate the event type to an already accepted one', patch: (d) => (xEnvelope(d, 'SttFinal').type = 'stt.transcript'), safe: ['EVENT_TYPE_MIGRATED'] },
  {
    name: 'migrate the event type and accept one more',
    patch: (d) => {
      xEnvelope(d, 'SttFinal').type = 'stt.transcript';
      envType(d, 'SttFinalEnvelope').enum = ['stt.transcript', 'stt.final', 'stt.text'];
    },
    safe: ['EVENT_TYPE_MIGRATED', 'ACCEPTED_TYPE_ADDED'],
  },
  { name: 'drop an accepted legacy type', patch: (d) => (envType(d, 'SttFinalEnvelope').enum = ['stt.final']), breaking: ['ACCEPTED_TYPE_NO_DELETE'] },
  {
    name: 'replace an accepted legacy type',
    patch: (d) => (envType(d, 'SttFinalEnvelope').enum = ['stt.final', 'stt.text']),
    breaking: ['ACCEPTED_TYPE_NO_DELETE'],
    safe: ['ACCEPTED_TYPE_ADDED'],
  },
  {
    name: 'accept one more type (const -> enum)',
    patch: (d) => {
      delete envType(d, 'MemoryQueryEnvelope').const;
      envType(d, 'MemoryQueryEnvelope').enum = ['memory.query', 'memory.search'];
    },
    safe: ['ACCEPTED_TYPE_ADDED'],
  },
  { name: 'drop the reply of a request', patch: (d) => delete op(d, 'requestMemoryQuery').reply, breaking: ['REPLY_SAME'] },
  {
    name: 'move the reply to a new channel',
    patch: (d) => {
      addChannel(d, 'memoryResultsV2', 'memory/results/v2', 'MemoryResults', 1);
      op(d, 'requestMemoryQuery').reply.channel.$ref = '#/channels/memoryResultsV2';
    },
    breaking: ['REPLY_SAME'],
    safe: ['CHANNEL_ADDED'],
  },
  {
    name: 'move the correlation id',
    patch: (d) => {
      d.components.messages.MemoryQuery.correlationId.location = '$message.payload#/data/request_id';
      d.components.messages.MemoryResults.correlationId.location = '$message.payload#/data/request_id';
    },
    breaking: ['CORRELATION_SAME', 'CORRELATION_SAME'],
  },
  {
    name: 'drop request/reply entirely',
    patch: (d) => {
      delete d.components.messages.MemoryQuery.correlationId;
      delete d.components.messages.MemoryResults.correlationId;
      delete op(d, 'requestMemoryQuery').reply;
    },
    breaking: ['CORRELATION_SAME', 'CORRELATION_SAME', 'REPLY_SAME'],
  },
  // ------------------------------------------------------------------ fields
  {
    name: 'delete an optional field',
    patch: (d) => delete S(d).FinalTranscript.properties.confidence,
    breaking: ['FIELD_NO_DELETE'],
    check: (c) => {
      expect(c[0]!.pointer).toBe('/components/schemas/FinalTranscript/properties/confidence');
      expect(c[0]!.path).toBe('data.confidence');
    },
  },
  { name: 'delete a nested field behind a $ref', patch: (d) => delete S(d).Meta.properties.source, breaking: ['FIELD_NO_DELETE'],
    check: (c) => expect(c[0]!.path).toBe('data.meta.source') },
  { name: 'delete a field of array items', patch: (d) => delete S(d).Word.properties.start, breaking: ['FIELD_NO_DELETE'],
    check: (c) => expect(c[0]!.path).toBe('data.words[].start') },
  {
    name: 'delete a required field',
    patch: (d) => {
      delete S(d).FinalTranscript.properties.text;
      S(d).FinalTranscript.required = ['is_final'];
    },
    breaking: ['FIELD_NO_DELETE'],
  },
  {
    name: 'add an optional field to a closed object',
    patch: (d) => (S(d).FinalTranscript.properties.speaker = { type: 'string' }),
    safe: ['FIELD_ADDED_OPTIONAL'],
    check: (c) => expect(c[0]!.note).toMatch(/old subscribers reject/),
  },
  {
    name: 'add an optional field to an open object',
    patch: (d) => (S(d).Meta.properties.host = { type: 'string' }),
    safe: ['FIELD_ADDED_OPTIONAL'],
    check: (c) => expect(c[0]!.note).toBeUndefined(),
  },
  {
    name: 'add a required field',
    patch: (d) => {
      S(d).FinalTranscript.properties.utt_id = { type: 'string' };
      S(d).FinalTranscript.required.push('utt_id');
    },
    breaking: ['REQUIRED_NO_ADD'],
  },
  {
    name: 'add a required field to array items',
    patch: (d) => {
      S(d).Word.properties.end = { type: 'number' };
      S(d).Word.required.push('end');
    },
    breaking: ['REQUIRED_NO_ADD'],
  },
  { name: 'make an optional field required', patch: (d) => S(d).FinalTranscript.required.push('confidence'), breaking: ['OPTIONAL_TO_REQUIRED'] },
  { name: 'make an optional request field required', patch: (d) => S(d).MemoryQuery.required.push('k'), breaking: ['OPTIONAL_TO_REQUIRED'] },
  { name: 'make the envelope id required', patch: (d) => S(d).SttFinalEnvelope.required.push('id'), breaking: ['OPTIONAL_TO_REQUIRED'],
    check: (c) => expect(c[0]!.pointer).toBe('/components/schemas/SttFinalEnvelope/properties/id') },
  { name: 'make a required field optional', patch: (d) => (S(d).FinalTranscript.required = ['text']), breaking: ['REQUIRED_TO_OPTIONAL'] },
  { name: 'make a required array-item field optional', patch: (d) => (S(d).MemoryHit.required = ['id', 'text']), breaking: ['REQUIRED_TO_OPTIONAL'] },
  { name: 'change boolean -> string', patch: (d) => (prop(d, 'FinalTranscript', 'is_final').type = 'string'), breaking: ['FIELD_SAME_TYPE'] },
  { name: 'narrow number -> integer', patch: (d) => (prop(d, 'MemoryHit', 'score').type = 'integer'), breaking: ['FIELD_SAME_TYPE'] },
  { name: 'change the value type of a map', patch: (d) => (prop(d, 'Meta', 'labels').additionalProperties.type = 'integer'), breaking: ['FIELD_SAME_TYPE'],
    check: (c) => expect(c[0]!.path).toBe('data.meta.labels.*') },
  { name: 'widen integer -> number', patch: (d) => (prop(d, 'MemoryQuery', 'k').type = 'number'), safe: ['FIELD_TYPE_WIDENED'] },
  { name: 'widen string -> string|number', patch: (d) => (prop(d, 'Word', 'text').type = ['string', 'number']), safe: ['FIELD_TYPE_WIDENED'] },
  { name: 'no longer nullable', patch: (d) => (prop(d, 'FinalTranscript', 'confidence').type = 'number'), breaking: ['NULLABLE_NO_REMOVE'] },
  { name: 'no longer nullable (bare channel)', patch: (d) => (prop(d, 'Health', 'message').type = 'string'), breaking: ['NULLABLE_NO_REMOVE'] },
  { name: 'becomes nullable', patch: (d) => (prop(d, 'FinalTranscript', 'text').type = ['string', 'null']), safe: ['NULLABLE_ADDED'] },
  { name: 'becomes nullable (request)', patch: (d) => (prop(d, 'MemoryQuery', 'query').type = ['string', 'null']), safe: ['NULLABLE_ADDED'] },
  // ------------------------------------------------------------------ enums
  {
    name: 'remove a value of an enum shared by two channels',
    patch: (d) => (S(d).Lang.enum = ['en']),
    breaking: ['ENUM_VALUE_NO_DELETE'],
    check: (c) => {
      expect(c[0]!.channels).toEqual(['memoryQuery', 'sttFinal']);
      expect(c[0]!.pointer).toBe('/components/schemas/Lang/enum');
      expect(c[0]!.before).toBe('de');
    },
  },
  { name: 'remove an inline enum value', patch: (d) => (prop(d, 'Health', 'event').enum = ['ready', 'error']), breaking: ['ENUM_VALUE_NO_DELETE'] },
  {
    name: 'change a const inside a oneOf alternative',
    patch: (d) => (prop(d, 'MoveCommand', 'action').const = 'go'),
    breaking: ['ENUM_VALUE_NO_DELETE'],
    safe: ['ENUM_VALUE_ADDED'],
    check: (c) => expect(c[0]!.path).toBe('<MoveCommand>.action'),
  },
  { name: 'add an enum value', patch: (d) => S(d).Lang.enum.push('fr'), safe: ['ENUM_VALUE_ADDED'],
    check: (c) => expect(c[0]!.note).toMatch(/Strict old subscribers/) },
  { name: 'add an inline enum value', patch: (d) => prop(d, 'Health', 'event').enum.push('restart'), safe: ['ENUM_VALUE_ADDED'] },
  { name: 'restrict a free string to an enum', patch: (d) => (prop(d, 'Meta', 'source').enum = ['stt', 'tts']), breaking: ['ENUM_NO_ADD'] },
  { name: 'restrict a pattern-checked string to an enum', patch: (d) => (prop(d, 'Health', 'component').enum = ['stt']), breaking: ['ENUM_NO_ADD'] },
  { name: 'drop an inline enum', patch: (d) => delete prop(d, 'Health', 'event').enum, safe: ['ENUM_REMOVED'] },
  { name: 'drop a shared enum', patch: (d) => delete S(d).Lang.enum, safe: ['ENUM_REMOVED'] },
  // ------------------------------------------------------------------ ranges, patterns, formats
  { name: 'lower a maximum', patch: (d) => (prop(d, 'FinalTranscript', 'confidence').maximum = 0.9), breaking: ['RANGE_NO_NARROW'],
    check: (c) => expect(c[0]!.pointer).toBe('/components/schemas/FinalTranscript/properties/confidence/maximum') },
  { name: 'lower a maxLength', patch: (d) => (prop(d, 'FinalTranscript', 'text').maxLength = 200), breaking: ['RANGE_NO_NARROW'] },
  { name: 'lower a maxItems', patch: (d) => (prop(d, 'FinalTranscript', 'words').maxItems = 10), breaking: ['RANGE_NO_NARROW'] },
  { name: 'raise a minimum', patch: (d) => (prop(d, 'MemoryQuery', 'k').minimum = 2), breaking: ['RANGE_NO_NARROW'] },
  { name: 'add a minItems', patch: (d) => (prop(d, 'MemoryResults', 'results').minItems = 1), breaking: ['RANGE_NO_NARROW'] },
  { name: 'lower a maximum inside a oneOf alternative', patch: (d) => (prop(d, 'MoveCommand', 'speed').maximum = 0.5), breaking: ['RANGE_NO_NARROW'] },
  { name: 'raise a maximum', patch: (d) => (prop(d, 'FinalTranscript', 'confidence').maximum = 2), safe: ['RANGE_WIDENED'] },
  { name: 'drop a maxItems', patch: (d) => delete prop(d, 'FinalTranscript', 'words').maxItems, safe: ['RANGE_WIDENED'] },
  { name: 'lower a minLength', patch: (d) => (prop(d, 'FinalTranscript', 'text').minLength = 0), safe: ['RANGE_WIDENED'] },
  {
    name: 'shift a range (min lowered, max lowered)',
    patch: (d) => {
      prop(d, 'MemoryQuery', 'k').minimum = 0;
      prop(d, 'MemoryQuery', 'k').maximum = 20;
    },
    breaking: ['RANGE_NO_NARROW'],
    safe: ['RANGE_WIDENED'],
  },
  { name: 'change a pattern', patch: (d) => (prop(d, 'Health', 'component').pattern = '^[a-z]+$'), breaking: ['PATTERN_SAME'] },
  { name: 'add a pattern', patch: (d) => (prop(d, 'Meta', 'source').pattern = '^[a-z]+$'), breaking: ['PATTERN_SAME'] },
  { name: 'drop a pattern', patch: (d) => delete prop(d, 'Health', 'component').pattern, safe: ['PATTERN_REMOVED'] },
  {
    name: 'replace a pattern with a format',
    patch: (d) => {
      delete prop(d, 'Health', 'component').pattern;
      prop(d, 'Health', 'component').format = 'hostname';
    },
    breaking: ['FORMAT_SAME'],
    safe: ['PATTERN_REMOVED'],
  },
  { name: 'change a format', patch: (d) => (prop(d, 'MemoryHit', 'id').format = 'date-time'), breaking: ['FORMAT_SAME'] },
  { name: 'drop a format', patch: (d) => delete prop(d, 'MemoryHit', 'id').format, safe: ['FORMAT_REMOVED'] },
  {
    name: 'replace a format with a pattern',
    patch: (d) => {
      delete prop(d, 'MemoryHit', 'id').format;
      prop(d, 'MemoryHit', 'id').pattern = '^[0-9a-f-]{36}$';
    },
    breaking: ['PATTERN_SAME'],
    safe: ['FORMAT_REMOVED'],
  },
  // ------------------------------------------------------------------ additionalProperties
  { name: 'close an open nested object', patch: (d) => (S(d).Meta.additionalProperties = false), breaking: ['ADDITIONAL_PROPERTIES_NO_CLOSE'] },
  { name: 'close an open bare payload', patch: (d) => (S(d).Health.additionalProperties = false), breaking: ['ADDITIONAL_PROPERTIES_NO_CLOSE'] },
  { name: 'close a map', patch: (d) => (prop(d, 'Meta', 'labels').additionalProperties = false), breaking: ['ADDITIONAL_PROPERTIES_NO_CLOSE'] },
  { name: 'open a closed object', patch: (d) => (S(d).FinalTranscript.additionalProperties = true), safe: ['ADDITIONAL_PROPERTIES_OPENED'] },
  { name: 'open array items by dropping additionalProperties', patch: (d) => delete S(d).Word.additionalProperties, safe: ['ADDITIONAL_PROPERTIES_OPENED'] },
  // ------------------------------------------------------------------ oneOf
  { name: 'a oneOf payload becomes one schema', patch: (d) => (d.components.messages.MovementCommand.payload.$ref = '#/components/schemas/MoveCommand'), breaking: ['ONEOF_SAME'] },
  { name: 'a oneOf field becomes one schema', patch: (d) => (S(d).Health.properties.detail = { $ref: '#/components/schemas/HealthOk' }), breaking: ['ONEOF_SAME'] },
  { name: 'drop the first oneOf alternative (matched by title)', patch: (d) => S(d).Command.oneOf.shift(), breaking: ['ONEOF_ALTERNATIVE_NO_DELETE'] },
  { name: 'drop a oneOf alternative of a field', patch: (d) => prop(d, 'Health', 'detail').oneOf.pop(), breaking: ['ONEOF_ALTERNATIVE_NO_DELETE'] },
  {
    name: 'add a oneOf alternative',
    patch: (d) => {
      S(d).TurnCommand = { title: 'TurnCommand', type: 'object', required: ['action'], properties: { action: { type: 'string', const: 'turn' } } };
      S(d).Command.oneOf.push({ $ref: '#/components/schemas/TurnCommand' });
    },
    safe: ['ONEOF_ALTERNATIVE_ADDED'],
  },
  {
    name: 'add a oneOf alternative in front of a field',
    patch: (d) => {
      S(d).HealthDegraded = { title: 'HealthDegraded', type: 'object', properties: { reason: { type: 'string' } } };
      prop(d, 'Health', 'detail').oneOf.unshift({ $ref: '#/components/schemas/HealthDegraded' });
    },
    safe: ['ONEOF_ALTERNATIVE_ADDED'],
  },
  { name: 'rename a oneOf alternative schema (same shape)', patch: (d) => renameSchema(d, 'StopCommand', 'HaltCommand') },
  // ------------------------------------------------------------------ defaults
  { name: 'change a default', patch: (d) => (prop(d, 'MemoryQuery', 'k').default = 10), breaking: ['DEFAULT_SAME'] },
  { name: 'drop a default', patch: (d) => delete prop(d, 'MemoryQuery', 'k').default, breaking: ['DEFAULT_SAME'] },
  { name: 'change an envelope default', patch: (d) => (prop(d, 'SttFinalEnvelope', 'source').default = 'stt'), breaking: ['DEFAULT_SAME'] },
  { name: 'add a null default', patch: (d) => (prop(d, 'FinalTranscript', 'confidence').default = null), safe: ['DEFAULT_ADDED'] },
  { name: 'add a default to a nested field', patch: (d) => (prop(d, 'Meta', 'source').default = 'stt-worker'), safe: ['DEFAULT_ADDED'] },
  // ------------------------------------------------------------------ no change / structure
  { name: 'identical documents', patch: () => {} },
  { name: 'rename the payload model schema', patch: (d) => renameSchema(d, 'FinalTranscript', 'Transcript') },
  { name: 'rename two referenced schemas', patch: (d) => (renameSchema(d, 'Word', 'Token'), renameSchema(d, 'Lang', 'Language')) },
  {
    name: 'docs-only edits (descriptions, publishers, property order)',
    patch: (d) => {
      d.channels.sttFinal.description = 'new words';
      d.channels.sttFinal['x-subscribers'].push('ui');
      S(d).Word.description = 'A word.';
      S(d).Word.properties = { start: S(d).Word.properties.start, text: S(d).Word.properties.text };
    },
  },
  {
    name: 'a change inside a recursive schema is reported once',
    patch: (d) => (prop(d, 'TreeNode', 'name').minLength = 1),
    breaking: ['RANGE_NO_NARROW'],
    check: (c) => expect(c[0]!.path).toBe('data.filter.name'),
  },
  {
    name: 'a renamed schema reports the pointer of its new name',
    patch: (d) => (renameSchema(d, 'FinalTranscript', 'Transcript'), (prop(d, 'Transcript', 'text').maxLength = 100)),
    breaking: ['RANGE_NO_NARROW'],
    check: (c) => {
      expect(c[0]!.pointer).toBe('/components/schemas/Transcript/properties/text/maxLength');
      expect(c[0]!.previousPointer).toBe('/components/schemas/FinalTranscript/properties/text/maxLength');
    },
  },
  // ------------------------------------------------------------------ version
  {
    name: 'a breaking change with the major version raised passes',
    patch: (d) => (deleteChannel(d, 'movementCommand'), (d.info.version = '2.0.0')),
    breaking: ['CHANNEL_NO_DELETE'],
    ok: true,
  },
  {
    name: 'a breaking change with only a minor bump fails',
    patch: (d) => (deleteChannel(d, 'movementCommand'), (d.info.version = '1.1.0')),
    breaking: ['CHANNEL_NO_DELETE'],
    ok: false,
  },
];

let baseIr: ContractIR;
beforeAll(async () => {
  baseIr = await load(baseDoc(), 'base');
});

const sorted = (xs: readonly string[]) => [...xs].sort();

describe('diffContracts: table of document pairs', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = c.before ? await load(patched(c.before), 'before') : baseIr;
    const after = await load(patched(c.patch), 'after');
    const changes = diffContracts(before, after);
    const got = {
      breaking: sorted(changes.filter((x) => x.verdict === 'breaking').map((x) => x.rule)),
      safe: sorted(changes.filter((x) => x.verdict === 'safe').map((x) => x.rule)),
    };
    expect(got, JSON.stringify(changes, null, 2)).toEqual({ breaking: sorted(c.breaking ?? []), safe: sorted(c.safe ?? []) });
    for (const ch of changes) expect(ch.verdict).toBe(RULES[ch.rule].verdict);
    expect(summarize(before, after, changes).ok).toBe(c.ok ?? (c.breaking ?? []).length === 0);
    c.check?.(changes);
  });

  it('covers every rule at least twice', () => {
    const count = new Map<string, number>();
    for (const c of CASES) for (const r of new Set([...(c.breaking ?? []), ...(c.safe ?? [])])) count.set(r, (count.get(r) ?? 0) + 1);
    const thin = RULE_IDS.filter((r) => (count.get(r) ?? 0) < 2);
    expect(thin).toEqual([]);
  });
});
