/**
 * Table of document pairs (base -> patched base), each asserting the exact multiset of changes reported: rule
 * id, the directions each change breaks, and its verdict in every mode (backward, forward, full), and whether
 * the check passes in each mode. The pairs are built from test/diff/fixtures/base.asyncapi.yaml with small
 * patch functions; both sides go through the real loader (generator/load).
 *
 * `breaking` / `safe` are the verdicts of `--mode backward`, which are exactly the verdicts of the check before
 * modes existed (this table's lists are the old table's, with the split rules' new ids). The suffix says which
 * directions the change breaks: B = backward (old publishers -> new subscribers), F = forward (new publishers
 * -> old subscribers), BF = both, - = neither; forward mode fails on F, full mode on B or F.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { diffContracts, summarize, type Change } from '../../generator/diff/compare.js';
import { MODES, RULE_IDS, RULES, type Direction, type Mode, type RuleId } from '../../generator/diff/rules.js';
import type { ContractIR } from '../../generator/ir.js';
import { addChannel, baseDoc, deleteChannel, load, mqtt, op, patched, prop, renameSchema, S, type Doc } from './helpers.js';

type Dirs = 'B' | 'F' | 'BF' | '-';
/** 'RULE_ID:dirs' */
type Expected = `${RuleId}:${Dirs}`;

interface Case {
  readonly name: string;
  /** Applied to the base to make the AFTER document. */
  readonly patch: (d: Doc) => void;
  /** Applied to the base to make the BEFORE document (default: the base itself). */
  readonly before?: (d: Doc) => void;
  /** Changes breaking in --mode backward (today's verdicts), with the directions they break. */
  readonly breaking?: readonly Expected[];
  /** Changes safe in --mode backward, with the directions they break. */
  readonly safe?: readonly Expected[];
  /** Expected summary.ok in every mode (default: no breaking change in that mode). */
  readonly ok?: boolean;
  readonly check?: (changes: readonly Change[]) => void;
}

const envType = (d: Doc, envelope: string): Doc => S(d)[envelope].properties.type;
const xEnvelope = (d: Doc, message: string): Doc => d.components.messages[message]['x-envelope'];
/** movementCommand gets a second message, MovementHalt (a StopCommand). */
const addHalt = (d: Doc): void => {
  d.components.messages.MovementHalt = { name: 'MovementHalt', payload: { $ref: '#/components/schemas/StopCommand' } };
  d.channels.movementCommand.messages.MovementHalt = { $ref: '#/components/messages/MovementHalt' };
};
/** The send operation of movementCommand lists only this message. */
const sendsOnly = (d: Doc, message: string): void => {
  op(d, 'publishMovementCommand').messages = [{ $ref: `#/channels/movementCommand/messages/${message}` }];
};

const CASES: readonly Case[] = [
  // ------------------------------------------------------------------ channels
  { name: 'delete a bare channel', patch: (d) => deleteChannel(d, 'movementCommand'), breaking: ['CHANNEL_NO_DELETE:BF'],
    check: (c) => expect(c[0]!.pointer).toBe('/channels/movementCommand') },
  { name: 'delete a parameterized channel', patch: (d) => deleteChannel(d, 'systemHealth'), breaking: ['CHANNEL_NO_DELETE:BF'] },
  { name: 'add a bare channel', patch: (d) => addChannel(d, 'ttsSay', 'tts/say', 'MovementCommand'), safe: ['CHANNEL_ADDED:-'] },
  { name: 'add an enveloped channel', patch: (d) => addChannel(d, 'sttFinalCopy', 'stt/final/copy', 'SttFinal', 1), safe: ['CHANNEL_ADDED:-'] },
  { name: 'change a topic', patch: (d) => (d.channels.movementCommand.address = 'movement/cmd'), breaking: ['ADDRESS_SAME:BF'],
    check: (c) => expect(c[0]!.pointer).toBe('/channels/movementCommand/address') },
  { name: 'change a parameterized topic', patch: (d) => (d.channels.systemHealth.address = 'sys/health/{client_id}'), breaking: ['ADDRESS_SAME:BF'] },
  {
    name: 'add a parameter (topic and API change)',
    patch: (d) => {
      d.channels.systemHealth.address = 'system/health/{client_id}/{component}';
      d.channels.systemHealth.parameters.component = { description: 'component' };
    },
    breaking: ['ADDRESS_SAME:BF', 'PARAMETER_SAME:BF'],
  },
  {
    name: 'rename a parameter (same topic)',
    patch: (d) => {
      d.channels.systemHealth.address = 'system/health/{client}';
      d.channels.systemHealth.parameters = { client: { $ref: '#/components/parameters/clientId' } };
    },
    breaking: ['PARAMETER_SAME:BF'],
  },
  { name: 'remove a parameter value', patch: (d) => (d.components.parameters.clientId.enum = ['tars-stt']), breaking: ['PARAMETER_VALUE_NO_DELETE:B'] },
  {
    name: 'replace a parameter value',
    patch: (d) => (d.components.parameters.clientId.enum = ['tars-stt', 'tars-llm']),
    breaking: ['PARAMETER_VALUE_NO_DELETE:B'],
    safe: ['PARAMETER_VALUE_ADDED:F'],
  },
  {
    name: 'restrict a free parameter to an enum',
    before: (d) => delete d.components.parameters.clientId.enum,
    patch: () => {},
    breaking: ['PARAMETER_VALUE_NO_DELETE:B'],
  },
  { name: 'add a parameter value', patch: (d) => d.components.parameters.clientId.enum.push('tars-llm'), safe: ['PARAMETER_VALUE_ADDED:F'] },
  { name: 'drop a parameter enum', patch: (d) => delete d.components.parameters.clientId.enum, safe: ['PARAMETER_VALUE_ADDED:F'] },
  {
    name: 'lower QoS 1 -> 0',
    patch: (d) => (mqtt(d, 'publishSttFinal').qos = 0),
    breaking: ['QOS_SAME:F'],
    check: (c) => expect(c[0]!.pointer).toBe('/operations/publishSttFinal/bindings/mqtt/qos'),
  },
  { name: 'lower QoS by dropping it from the binding (default 0)', patch: (d) => delete mqtt(d, 'publishSystemHealth').qos, breaking: ['QOS_SAME:F'] },
  { name: 'raise QoS 0 -> 1', patch: (d) => (mqtt(d, 'publishMovementCommand').qos = 1), safe: ['QOS_RAISED:-'] },
  { name: 'raise QoS 1 -> 2', patch: (d) => (mqtt(d, 'publishSttFinal').qos = 2), safe: ['QOS_RAISED:-'] },
  { name: 'stop retaining', patch: (d) => (mqtt(d, 'publishSystemHealth').retain = false), breaking: ['RETAIN_SAME:BF'] },
  { name: 'start retaining', patch: (d) => (mqtt(d, 'publishMovementCommand').retain = true), breaking: ['RETAIN_SAME:BF'] },
  {
    name: 'envelope -> bare',
    patch: (d) => {
      delete d.components.messages.SttFinal['x-envelope'];
      d.components.messages.SttFinal.payload = { $ref: '#/components/schemas/FinalTranscript' };
    },
    breaking: ['FRAMING_SAME:BF'],
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
    breaking: ['FRAMING_SAME:BF'],
  },
  { name: 'stop accepting bare payloads (accept -> never)', patch: (d) => (xEnvelope(d, 'SttFinal').bare = 'never'), breaking: ['FRAMING_SAME:B'] },
  { name: 'publish bare where old receivers never accepted it (never -> send)', patch: (d) => (xEnvelope(d, 'MemoryQuery').bare = 'send'), breaking: ['FRAMING_SAME:F'] },
  { name: 'publish bare where old receivers accepted it (accept -> send)', patch: (d) => (xEnvelope(d, 'SttFinal').bare = 'send'), safe: ['FRAMING_BARE_MODE_CHANGED:-'] },
  { name: 'start accepting bare payloads (never -> accept)', patch: (d) => (xEnvelope(d, 'MemoryQuery').bare = 'accept'), safe: ['FRAMING_BARE_MODE_CHANGED:-'] },
  {
    name: 'change the event type to one old receivers reject',
    patch: (d) => {
      xEnvelope(d, 'SttFinal').type = 'stt.done';
      envType(d, 'SttFinalEnvelope').enum = ['stt.done', 'stt.transcript'];
    },
    breaking: ['EVENT_TYPE_SAME:BF'],
  },
  {
    name: 'change a const event type',
    patch: (d) => {
      xEnvelope(d, 'MemoryQuery').type = 'memory.ask';
      envType(d, 'MemoryQueryEnvelope').const = 'memory.ask';
    },
    breaking: ['EVENT_TYPE_SAME:BF'],
  },
  { name: 'migrate the event type to an already accepted one', patch: (d) => (xEnvelope(d, 'SttFinal').type = 'stt.transcript'), safe: ['EVENT_TYPE_MIGRATED:-'] },
  {
    name: 'migrate the event type and accept one more',
    patch: (d) => {
      xEnvelope(d, 'SttFinal').type = 'stt.transcript';
      envType(d, 'SttFinalEnvelope').enum = ['stt.transcript', 'stt.final', 'stt.text'];
    },
    safe: ['EVENT_TYPE_MIGRATED:-', 'ACCEPTED_TYPE_ADDED:-'],
  },
  { name: 'drop an accepted legacy type', patch: (d) => (envType(d, 'SttFinalEnvelope').enum = ['stt.final']), breaking: ['ACCEPTED_TYPE_NO_DELETE:B'] },
  {
    name: 'replace an accepted legacy type',
    patch: (d) => (envType(d, 'SttFinalEnvelope').enum = ['stt.final', 'stt.text']),
    breaking: ['ACCEPTED_TYPE_NO_DELETE:B'],
    safe: ['ACCEPTED_TYPE_ADDED:-'],
  },
  {
    name: 'accept one more type (const -> enum)',
    patch: (d) => {
      delete envType(d, 'MemoryQueryEnvelope').const;
      envType(d, 'MemoryQueryEnvelope').enum = ['memory.query', 'memory.search'];
    },
    safe: ['ACCEPTED_TYPE_ADDED:-'],
  },
  { name: 'drop the reply of a request', patch: (d) => delete op(d, 'requestMemoryQuery').reply, breaking: ['REPLY_SAME:BF'] },
  {
    name: 'move the reply to a new channel',
    patch: (d) => {
      addChannel(d, 'memoryResultsV2', 'memory/results/v2', 'MemoryResults', 1);
      op(d, 'requestMemoryQuery').reply.channel.$ref = '#/channels/memoryResultsV2';
    },
    breaking: ['REPLY_SAME:BF'],
    safe: ['CHANNEL_ADDED:-'],
  },
  {
    name: 'move the correlation id',
    patch: (d) => {
      d.components.messages.MemoryQuery.correlationId.location = '$message.payload#/data/request_id';
      d.components.messages.MemoryResults.correlationId.location = '$message.payload#/data/request_id';
    },
    breaking: ['CORRELATION_SAME:BF', 'CORRELATION_SAME:BF'],
  },
  {
    name: 'drop request/reply entirely',
    patch: (d) => {
      delete d.components.messages.MemoryQuery.correlationId;
      delete d.components.messages.MemoryResults.correlationId;
      delete op(d, 'requestMemoryQuery').reply;
    },
    breaking: ['CORRELATION_SAME:BF', 'CORRELATION_SAME:BF', 'REPLY_SAME:BF'],
  },
  // ------------------------------------------------------------------ fields
  {
    name: 'delete an optional field',
    patch: (d) => delete S(d).FinalTranscript.properties.confidence,
    breaking: ['FIELD_NO_DELETE:BF'],
    check: (c) => {
      expect(c[0]!.pointer).toBe('/components/schemas/FinalTranscript/properties/confidence');
      expect(c[0]!.path).toBe('data.confidence');
    },
  },
  { name: 'delete a nested field behind a $ref', patch: (d) => delete S(d).Meta.properties.source, breaking: ['FIELD_NO_DELETE:F'],
    check: (c) => expect(c[0]!.path).toBe('data.meta.source') },
  { name: 'delete a field of array items', patch: (d) => delete S(d).Word.properties.start, breaking: ['FIELD_NO_DELETE:BF'],
    check: (c) => expect(c[0]!.path).toBe('data.words[].start') },
  {
    name: 'delete a required field',
    patch: (d) => {
      delete S(d).FinalTranscript.properties.text;
      S(d).FinalTranscript.required = ['is_final'];
    },
    breaking: ['REQUIRED_REMOVED:BF'],
  },
  {
    name: 'add an optional field to a closed object',
    patch: (d) => (S(d).FinalTranscript.properties.speaker = { type: 'string' }),
    safe: ['FIELD_ADDED_TO_CLOSED:F'],
    check: (c) => {
      expect(c[0]!.note).toMatch(/upgrade the subscribers first/);
      expect(c[0]!.message).toMatch(/to a closed object/);
    },
  },
  {
    name: 'add an optional field to an open object',
    patch: (d) => (S(d).Meta.properties.host = { type: 'string' }),
    safe: ['FIELD_ADDED_OPTIONAL:-'],
    check: (c) => expect(c[0]!.note).toBeUndefined(),
  },
  {
    name: 'add a required field',
    patch: (d) => {
      S(d).FinalTranscript.properties.utt_id = { type: 'string' };
      S(d).FinalTranscript.required.push('utt_id');
    },
    breaking: ['REQUIRED_NO_ADD:BF'],
  },
  {
    name: 'add a required field to array items',
    patch: (d) => {
      S(d).Word.properties.end = { type: 'number' };
      S(d).Word.required.push('end');
    },
    breaking: ['REQUIRED_NO_ADD:BF'],
  },
  { name: 'make an optional field required', patch: (d) => S(d).FinalTranscript.required.push('confidence'), breaking: ['OPTIONAL_TO_REQUIRED:B'] },
  { name: 'make an optional request field required', patch: (d) => S(d).MemoryQuery.required.push('k'), breaking: ['OPTIONAL_TO_REQUIRED:B'] },
  { name: 'make the envelope id required', patch: (d) => S(d).SttFinalEnvelope.required.push('id'), breaking: ['OPTIONAL_TO_REQUIRED:B'],
    check: (c) => expect(c[0]!.pointer).toBe('/components/schemas/SttFinalEnvelope/properties/id') },
  { name: 'make a required field optional', patch: (d) => (S(d).FinalTranscript.required = ['text']), breaking: ['REQUIRED_TO_OPTIONAL:F'] },
  { name: 'make a required array-item field optional', patch: (d) => (S(d).MemoryHit.required = ['id', 'text']), breaking: ['REQUIRED_TO_OPTIONAL:F'] },
  { name: 'change boolean -> string', patch: (d) => (prop(d, 'FinalTranscript', 'is_final').type = 'string'), breaking: ['FIELD_SAME_TYPE:BF'] },
  { name: 'narrow number -> integer', patch: (d) => (prop(d, 'MemoryHit', 'score').type = 'integer'), breaking: ['FIELD_SAME_TYPE:B'] },
  { name: 'change the value type of a map', patch: (d) => (prop(d, 'Meta', 'labels').additionalProperties.type = 'integer'), breaking: ['FIELD_SAME_TYPE:BF'],
    check: (c) => expect(c[0]!.path).toBe('data.meta.labels.*') },
  { name: 'widen integer -> number', patch: (d) => (prop(d, 'MemoryQuery', 'k').type = 'number'), safe: ['FIELD_TYPE_WIDENED:F'] },
  { name: 'widen string -> string|number', patch: (d) => (prop(d, 'Word', 'text').type = ['string', 'number']), safe: ['FIELD_TYPE_WIDENED:F'] },
  { name: 'no longer nullable', patch: (d) => (prop(d, 'FinalTranscript', 'confidence').type = 'number'), breaking: ['NULLABLE_NO_REMOVE:B'] },
  { name: 'no longer nullable (bare channel)', patch: (d) => (prop(d, 'Health', 'message').type = 'string'), breaking: ['NULLABLE_NO_REMOVE:B'] },
  { name: 'becomes nullable', patch: (d) => (prop(d, 'FinalTranscript', 'text').type = ['string', 'null']), safe: ['NULLABLE_ADDED:F'] },
  { name: 'becomes nullable (request)', patch: (d) => (prop(d, 'MemoryQuery', 'query').type = ['string', 'null']), safe: ['NULLABLE_ADDED:F'] },
  // ------------------------------------------------------------------ enums
  {
    name: 'remove a value of an enum shared by two channels',
    patch: (d) => (S(d).Lang.enum = ['en']),
    breaking: ['ENUM_VALUE_NO_DELETE:B'],
    check: (c) => {
      expect(c[0]!.channels).toEqual(['memoryQuery', 'sttFinal']);
      expect(c[0]!.pointer).toBe('/components/schemas/Lang/enum');
      expect(c[0]!.before).toBe('de');
    },
  },
  { name: 'remove an inline enum value', patch: (d) => (prop(d, 'Health', 'event').enum = ['ready', 'error']), breaking: ['ENUM_VALUE_NO_DELETE:B'] },
  {
    name: 'change a const inside a oneOf alternative',
    patch: (d) => (prop(d, 'MoveCommand', 'action').const = 'go'),
    breaking: ['ENUM_VALUE_NO_DELETE:B'],
    safe: ['ENUM_VALUE_ADDED:F'],
    check: (c) => expect(c[0]!.path).toBe('<MoveCommand>.action'),
  },
  { name: 'add an enum value', patch: (d) => S(d).Lang.enum.push('fr'), safe: ['ENUM_VALUE_ADDED:F'],
    check: (c) => expect(c[0]!.note).toMatch(/upgrade the subscribers first/) },
  { name: 'add an inline enum value', patch: (d) => prop(d, 'Health', 'event').enum.push('restart'), safe: ['ENUM_VALUE_ADDED:F'] },
  { name: 'restrict a free string to an enum', patch: (d) => (prop(d, 'Meta', 'source').enum = ['stt', 'tts']), breaking: ['ENUM_NO_ADD:B'] },
  { name: 'restrict a pattern-checked string to an enum', patch: (d) => (prop(d, 'Health', 'component').enum = ['stt']), breaking: ['ENUM_NO_ADD:B'] },
  { name: 'drop an inline enum', patch: (d) => delete prop(d, 'Health', 'event').enum, safe: ['ENUM_REMOVED:F'] },
  { name: 'drop a shared enum', patch: (d) => delete S(d).Lang.enum, safe: ['ENUM_REMOVED:F'] },
  // ------------------------------------------------------------------ ranges, patterns, formats
  { name: 'lower a maximum', patch: (d) => (prop(d, 'FinalTranscript', 'confidence').maximum = 0.9), breaking: ['RANGE_NO_NARROW:B'],
    check: (c) => expect(c[0]!.pointer).toBe('/components/schemas/FinalTranscript/properties/confidence/maximum') },
  { name: 'lower a maxLength', patch: (d) => (prop(d, 'FinalTranscript', 'text').maxLength = 200), breaking: ['RANGE_NO_NARROW:B'] },
  { name: 'lower a maxItems', patch: (d) => (prop(d, 'FinalTranscript', 'words').maxItems = 10), breaking: ['RANGE_NO_NARROW:B'] },
  { name: 'raise a minimum', patch: (d) => (prop(d, 'MemoryQuery', 'k').minimum = 2), breaking: ['RANGE_NO_NARROW:B'] },
  { name: 'add a minItems', patch: (d) => (prop(d, 'MemoryResults', 'results').minItems = 1), breaking: ['RANGE_NO_NARROW:B'] },
  { name: 'lower a maximum inside a oneOf alternative', patch: (d) => (prop(d, 'MoveCommand', 'speed').maximum = 0.5), breaking: ['RANGE_NO_NARROW:B'] },
  { name: 'raise a maximum', patch: (d) => (prop(d, 'FinalTranscript', 'confidence').maximum = 2), safe: ['RANGE_WIDENED:F'] },
  { name: 'drop a maxItems', patch: (d) => delete prop(d, 'FinalTranscript', 'words').maxItems, safe: ['RANGE_WIDENED:F'] },
  { name: 'lower a minLength', patch: (d) => (prop(d, 'FinalTranscript', 'text').minLength = 0), safe: ['RANGE_WIDENED:F'] },
  {
    name: 'shift a range (min lowered, max lowered)',
    patch: (d) => {
      prop(d, 'MemoryQuery', 'k').minimum = 0;
      prop(d, 'MemoryQuery', 'k').maximum = 20;
    },
    breaking: ['RANGE_NO_NARROW:B'],
    safe: ['RANGE_WIDENED:F'],
  },
  { name: 'change a pattern', patch: (d) => (prop(d, 'Health', 'component').pattern = '^[a-z]+$'), breaking: ['PATTERN_CHANGED:BF'] },
  { name: 'add a pattern', patch: (d) => (prop(d, 'Meta', 'source').pattern = '^[a-z]+$'), breaking: ['PATTERN_SAME:B'] },
  { name: 'drop a pattern', patch: (d) => delete prop(d, 'Health', 'component').pattern, safe: ['PATTERN_REMOVED:F'] },
  {
    name: 'replace a pattern with a format',
    patch: (d) => {
      delete prop(d, 'Health', 'component').pattern;
      prop(d, 'Health', 'component').format = 'hostname';
    },
    breaking: ['FORMAT_SAME:B'],
    safe: ['PATTERN_REMOVED:F'],
  },
  { name: 'change a format', patch: (d) => (prop(d, 'MemoryHit', 'id').format = 'date-time'), breaking: ['FORMAT_CHANGED:BF'] },
  { name: 'drop a format', patch: (d) => delete prop(d, 'MemoryHit', 'id').format, safe: ['FORMAT_REMOVED:F'] },
  {
    name: 'replace a format with a pattern',
    patch: (d) => {
      delete prop(d, 'MemoryHit', 'id').format;
      prop(d, 'MemoryHit', 'id').pattern = '^[0-9a-f-]{36}$';
    },
    breaking: ['PATTERN_SAME:B'],
    safe: ['FORMAT_REMOVED:F'],
  },
  // ------------------------------------------------------------------ additionalProperties
  { name: 'close an open nested object', patch: (d) => (S(d).Meta.additionalProperties = false), breaking: ['ADDITIONAL_PROPERTIES_NO_CLOSE:B'] },
  { name: 'close an open bare payload', patch: (d) => (S(d).Health.additionalProperties = false), breaking: ['ADDITIONAL_PROPERTIES_NO_CLOSE:B'] },
  { name: 'close a map', patch: (d) => (prop(d, 'Meta', 'labels').additionalProperties = false), breaking: ['ADDITIONAL_PROPERTIES_NO_CLOSE:B'] },
  { name: 'open a closed object', patch: (d) => (S(d).FinalTranscript.additionalProperties = true), safe: ['ADDITIONAL_PROPERTIES_OPENED:F'] },
  { name: 'open array items by dropping additionalProperties', patch: (d) => delete S(d).Word.additionalProperties, safe: ['ADDITIONAL_PROPERTIES_OPENED:F'] },
  // ------------------------------------------------------------------ oneOf
  { name: 'a oneOf payload becomes one schema', patch: (d) => (d.components.messages.MovementCommand.payload.$ref = '#/components/schemas/MoveCommand'), breaking: ['ONEOF_SAME:BF'] },
  { name: 'a oneOf field becomes one schema', patch: (d) => (S(d).Health.properties.detail = { $ref: '#/components/schemas/HealthOk' }), breaking: ['ONEOF_SAME:BF'] },
  { name: 'drop the first oneOf alternative (matched by title)', patch: (d) => S(d).Command.oneOf.shift(), breaking: ['ONEOF_ALTERNATIVE_NO_DELETE:B'] },
  { name: 'drop a oneOf alternative of a field', patch: (d) => prop(d, 'Health', 'detail').oneOf.pop(), breaking: ['ONEOF_ALTERNATIVE_NO_DELETE:B'] },
  {
    name: 'add a oneOf alternative',
    patch: (d) => {
      S(d).TurnCommand = { title: 'TurnCommand', type: 'object', required: ['action'], properties: { action: { type: 'string', const: 'turn' } } };
      S(d).Command.oneOf.push({ $ref: '#/components/schemas/TurnCommand' });
    },
    safe: ['ONEOF_ALTERNATIVE_ADDED:F'],
  },
  {
    name: 'add a oneOf alternative in front of a field',
    patch: (d) => {
      S(d).HealthDegraded = { title: 'HealthDegraded', type: 'object', properties: { reason: { type: 'string' } } };
      prop(d, 'Health', 'detail').oneOf.unshift({ $ref: '#/components/schemas/HealthDegraded' });
    },
    safe: ['ONEOF_ALTERNATIVE_ADDED:F'],
  },
  { name: 'rename a oneOf alternative schema (same shape)', patch: (d) => renameSchema(d, 'StopCommand', 'HaltCommand') },
  // ------------------------------------------------------------------ defaults
  { name: 'change a default', patch: (d) => (prop(d, 'MemoryQuery', 'k').default = 10), breaking: ['DEFAULT_SAME:BF'] },
  { name: 'drop a default', patch: (d) => delete prop(d, 'MemoryQuery', 'k').default, breaking: ['DEFAULT_SAME:BF'] },
  { name: 'change an envelope default', patch: (d) => (prop(d, 'SttFinalEnvelope', 'source').default = 'stt'), breaking: ['DEFAULT_SAME:BF'] },
  { name: 'add a null default', patch: (d) => (prop(d, 'FinalTranscript', 'confidence').default = null), safe: ['DEFAULT_ADDED:-'] },
  { name: 'add a default to a nested field', patch: (d) => (prop(d, 'Meta', 'source').default = 'stt-worker'), safe: ['DEFAULT_ADDED:-'] },
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
    breaking: ['RANGE_NO_NARROW:B'],
    check: (c) => expect(c[0]!.path).toBe('data.filter.name'),
  },
  {
    name: 'a renamed schema reports the pointer of its new name',
    patch: (d) => (renameSchema(d, 'FinalTranscript', 'Transcript'), (prop(d, 'Transcript', 'text').maxLength = 100)),
    breaking: ['RANGE_NO_NARROW:B'],
    check: (c) => {
      expect(c[0]!.pointer).toBe('/components/schemas/Transcript/properties/text/maxLength');
      expect(c[0]!.previousPointer).toBe('/components/schemas/FinalTranscript/properties/text/maxLength');
    },
  },
  // ------------------------------------------------------------------ directions that depend on the object
  { name: 'add an optional field to a closed envelope', patch: (d) => (S(d).SttFinalEnvelope.properties.trace = { type: 'string' }),
    safe: ['FIELD_ADDED_TO_CLOSED:F'], check: (c) => expect(c[0]!.path).toBe('trace') },
  { name: 'add an optional field to closed array items', patch: (d) => (S(d).Word.properties.end = { type: 'number' }), safe: ['FIELD_ADDED_TO_CLOSED:F'] },
  { name: 'add an optional field to the open bare payload', patch: (d) => (S(d).Health.properties.uptime_s = { type: 'number' }), safe: ['FIELD_ADDED_OPTIONAL:-'] },
  { name: "add a field the map's value schema accepts", patch: (d) => (prop(d, 'Meta', 'labels').properties = { env: { type: 'string' } }), safe: ['FIELD_ADDED_OPTIONAL:-'] },
  { name: "add a field the map's value schema rejects", patch: (d) => (prop(d, 'Meta', 'labels').properties = { count: { type: 'integer' } }), safe: ['FIELD_ADDED_TO_CLOSED:F'] },
  {
    name: 'add a required field to an open object',
    patch: (d) => {
      S(d).Health.properties.host = { type: 'string' };
      S(d).Health.required.push('host');
    },
    breaking: ['REQUIRED_NO_ADD:B'],
  },
  {
    name: 'delete a required field of an open object',
    patch: (d) => {
      delete S(d).Health.properties.ok;
      S(d).Health.required = ['event'];
    },
    breaking: ['REQUIRED_REMOVED:F'],
  },
  { name: "delete a field the map's value schema still accepts", before: (d) => (prop(d, 'Meta', 'labels').properties = { env: { type: 'string' } }), patch: () => {},
    breaking: ['FIELD_NO_DELETE:F'] },
  { name: "delete a field the map's value schema rejects", before: (d) => (prop(d, 'Meta', 'labels').properties = { count: { type: 'integer' } }), patch: () => {},
    breaking: ['FIELD_NO_DELETE:BF'] },
  // ------------------------------------------------------------------ more forward (widening) and backward-only changes
  { name: 'drop the type restriction (any value)', patch: (d) => delete prop(d, 'MemoryHit', 'score').type, safe: ['FIELD_TYPE_WIDENED:F'] },
  { name: 'narrow string|number -> string', before: (d) => (prop(d, 'Word', 'text').type = ['string', 'number']), patch: () => {}, breaking: ['FIELD_SAME_TYPE:B'] },
  { name: 'raise a maxLength', patch: (d) => (prop(d, 'FinalTranscript', 'text').maxLength = 1000), safe: ['RANGE_WIDENED:F'] },
  { name: 'raise a maxItems', patch: (d) => (prop(d, 'FinalTranscript', 'words').maxItems = 200), safe: ['RANGE_WIDENED:F'] },
  { name: 'raise an exclusiveMaximum', before: (d) => (prop(d, 'HealthOk', 'uptime').exclusiveMaximum = 100),
    patch: (d) => (prop(d, 'HealthOk', 'uptime').exclusiveMaximum = 1000), safe: ['RANGE_WIDENED:F'] },
  { name: 'add a multipleOf', patch: (d) => (prop(d, 'MemoryQuery', 'k').multipleOf = 2), breaking: ['RANGE_NO_NARROW:B'] },
  { name: 'multipleOf 2 -> 4 (narrowed)', before: (d) => (prop(d, 'MemoryQuery', 'k').multipleOf = 2), patch: (d) => (prop(d, 'MemoryQuery', 'k').multipleOf = 4),
    breaking: ['RANGE_NO_NARROW:B'] },
  { name: 'multipleOf 4 -> 2 (widened)', before: (d) => (prop(d, 'MemoryQuery', 'k').multipleOf = 4), patch: (d) => (prop(d, 'MemoryQuery', 'k').multipleOf = 2),
    safe: ['RANGE_WIDENED:F'] },
  { name: 'multipleOf 2 -> 3 (unrelated)', before: (d) => (prop(d, 'MemoryQuery', 'k').multipleOf = 2), patch: (d) => (prop(d, 'MemoryQuery', 'k').multipleOf = 3),
    breaking: ['RANGE_NO_NARROW:BF'] },
  { name: 'loosen a pattern (still another pattern)', patch: (d) => (prop(d, 'Health', 'component').pattern = '^[a-z0-9-]+$'), breaking: ['PATTERN_CHANGED:BF'] },
  { name: 'add a format', patch: (d) => (prop(d, 'Meta', 'source').format = 'hostname'), breaking: ['FORMAT_SAME:B'] },
  { name: 'change a format uuid -> uri', patch: (d) => (prop(d, 'MemoryHit', 'id').format = 'uri'), breaking: ['FORMAT_CHANGED:BF'] },
  { name: 'stop publishing and accepting bare payloads (send -> never)', before: (d) => (xEnvelope(d, 'SttFinal').bare = 'send'),
    patch: (d) => (xEnvelope(d, 'SttFinal').bare = 'never'), breaking: ['FRAMING_SAME:B'] },
  {
    name: 'a new canonical event type that old subscribers do not accept (forward only)',
    patch: (d) => {
      xEnvelope(d, 'SttFinal').type = 'stt.done';
      envType(d, 'SttFinalEnvelope').enum = ['stt.final', 'stt.transcript', 'stt.done'];
    },
    breaking: ['EVENT_TYPE_SAME:F'],
  },
  {
    name: 'the old canonical event type is no longer accepted (backward only)',
    patch: (d) => {
      xEnvelope(d, 'SttFinal').type = 'stt.transcript';
      envType(d, 'SttFinalEnvelope').enum = ['stt.transcript'];
    },
    breaking: ['EVENT_TYPE_SAME:B'],
  },
  // ------------------------------------------------------------------ channels with several messages (matched by name)
  { name: 'add a message to a channel', patch: addHalt, safe: ['MESSAGE_ADDED:F'],
    check: (c) => expect(c[0]!).toMatchObject({ pointer: '/components/messages/MovementHalt', after: 'MovementHalt', channels: ['movementCommand'] }) },
  { name: 'add a message no new publisher sends', patch: (d) => (addHalt(d), sendsOnly(d, 'MovementCommand')), safe: ['MESSAGE_ADDED:-'] },
  { name: 'remove a message from a channel with two', before: addHalt, patch: () => {}, breaking: ['MESSAGE_NO_DELETE:BF'],
    check: (c) => expect(c[0]!).toMatchObject({ pointer: '/channels/movementCommand/messages/MovementHalt', previousPointer: '/components/messages/MovementHalt' }) },
  { name: 'remove a message no old publisher sent', before: (d) => (addHalt(d), sendsOnly(d, 'MovementCommand')), patch: () => {}, breaking: ['MESSAGE_NO_DELETE:F'] },
  {
    name: 'a change inside one of two messages',
    before: addHalt,
    patch: (d) => (addHalt(d), (prop(d, 'MoveCommand', 'speed').maximum = 2)),
    safe: ['RANGE_WIDENED:F'],
    check: (c) => expect(c[0]!.path).toBe('MovementCommand:<MoveCommand>.speed'),
  },
  // ------------------------------------------------------------------ version
  {
    name: 'a breaking change with the major version raised passes',
    patch: (d) => (deleteChannel(d, 'movementCommand'), (d.info.version = '2.0.0')),
    breaking: ['CHANNEL_NO_DELETE:BF'],
    ok: true,
  },
  {
    name: 'a breaking change with only a minor bump fails',
    patch: (d) => (deleteChannel(d, 'movementCommand'), (d.info.version = '1.1.0')),
    breaking: ['CHANNEL_NO_DELETE:BF'],
    ok: false,
  },
];

let baseIr: ContractIR;
beforeAll(async () => {
  baseIr = await load(baseDoc(), 'base');
});

const sorted = (xs: readonly string[]) => [...xs].sort();
const dirsOf = (breaks: readonly Direction[]): Dirs =>
  breaks.length === 0 ? '-' : (breaks.map((b) => (b === 'backward' ? 'B' : 'F')).join('') as Dirs);
/** The verdict a mode gives an expected change: backward = today's (the table's list), forward = breaks
 *  forward, full = breaks anything. */
function expectedVerdict(mode: Mode, e: Expected, legacy: 'breaking' | 'safe'): 'breaking' | 'safe' {
  const dirs = e.split(':')[1] as Dirs;
  if (mode === 'backward') return legacy;
  if (mode === 'forward') return dirs.includes('F') ? 'breaking' : 'safe';
  return dirs === '-' ? 'safe' : 'breaking';
}

describe('diffContracts: table of document pairs, every mode', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = c.before ? await load(patched(c.before), 'before') : baseIr;
    const after = await load(patched(c.patch), 'after');
    const expected = [
      ...(c.breaking ?? []).map((e) => ({ e, legacy: 'breaking' as const })),
      ...(c.safe ?? []).map((e) => ({ e, legacy: 'safe' as const })),
    ];
    for (const mode of MODES) {
      const changes = diffContracts(before, after, { mode });
      const got = sorted(changes.map((x) => `${x.rule}:${dirsOf(x.breaks)} ${x.verdict}`));
      const want = sorted(expected.map(({ e, legacy }) => `${e} ${expectedVerdict(mode, e, legacy)}`));
      expect(got, `--mode ${mode}: ${JSON.stringify(changes, null, 2)}`).toEqual(want);
      const anyBreaking = want.some((w) => w.endsWith(' breaking'));
      const summary = summarize(before, after, changes, mode);
      expect(summary.mode).toBe(mode);
      expect(summary.ok, `--mode ${mode}`).toBe(c.ok ?? !anyBreaking);
      for (const ch of changes) {
        // a change breaks only directions its rule can break; backward mode catches every backward break,
        // and full mode everything backward mode catches
        expect(RULES[ch.rule].breaks).toEqual(expect.arrayContaining([...ch.breaks]));
        if (ch.breaks.includes('backward')) expect(RULES[ch.rule].verdict, ch.rule).toBe('breaking');
        if (RULES[ch.rule].verdict === 'breaking') expect(ch.breaks.length, ch.rule).toBeGreaterThan(0);
      }
      if (mode === 'full') c.check?.(changes);
    }
  });

  it('covers every rule at least twice, and every direction each rule can break', () => {
    const count = new Map<string, number>();
    const seen = new Set<string>();
    for (const c of CASES)
      for (const e of new Set([...(c.breaking ?? []), ...(c.safe ?? [])])) {
        const [r, dirs] = e.split(':') as [RuleId, Dirs];
        count.set(r, (count.get(r) ?? 0) + 1);
        if (dirs.includes('B')) seen.add(`${r}:backward`);
        if (dirs.includes('F')) seen.add(`${r}:forward`);
      }
    const thin = RULE_IDS.filter((r) => (count.get(r) ?? 0) < 2);
    expect(thin).toEqual([]);
    const untested = RULE_IDS.flatMap((r) => RULES[r].breaks.map((d) => `${r}:${d}`)).filter((k) => !seen.has(k));
    expect(untested).toEqual([]);
  });
});

describe('modes', () => {
  const okIn = (after: ContractIR, mode: Mode) => summarize(baseIr, after, diffContracts(baseIr, after, { mode }), mode).ok;

  it('a change can be safe in one direction only: widening fails forward, narrowing fails backward, full fails both', async () => {
    const widen = await load(patched((d) => prop(d, 'Health', 'event').enum.push('restart')));
    const narrow = await load(patched((d) => (prop(d, 'MemoryQuery', 'k').minimum = 2)));
    expect(MODES.map((m) => [m, okIn(widen, m)])).toEqual([['backward', true], ['forward', false], ['full', false]]);
    expect(MODES.map((m) => [m, okIn(narrow, m)])).toEqual([['backward', false], ['forward', true], ['full', false]]);
  });

  it('a forward break that today\'s rules already caught stays breaking in backward mode', async () => {
    const after = await load(patched((d) => (S(d).FinalTranscript.required = ['text'])));
    expect(MODES.map((m) => [m, okIn(after, m)])).toEqual([['backward', false], ['forward', false], ['full', false]]);
  });

  it('the default is full', async () => {
    const after = await load(patched((d) => prop(d, 'Health', 'event').enum.push('restart')));
    const changes = diffContracts(baseIr, after);
    expect(changes.map((c) => [c.rule, c.verdict, c.breaks])).toEqual([['ENUM_VALUE_ADDED', 'breaking', ['forward']]]);
    expect(summarize(baseIr, after, changes)).toMatchObject({ mode: 'full', breaking: 1, ok: false });
  });
});
