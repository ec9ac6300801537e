/**
 * The contract's intermediate model: what generator/load produces from an AsyncAPI 3.0 document, and what
 * every emitter (and the breaking-change diff) reads. Plain JSON-able data: no parser objects, sorted
 * deterministically (channels by id, schema names alphabetically).
 */
import type { Framing, QoS } from '@tars-contracts/runtime/contract';

/** A JSON Schema (draft-07 subset as AsyncAPI uses it). `$ref`s to named schemas are kept as
 *  `{ "$ref": "#/components/schemas/<Name>" }` and resolved through ContractIR.schemas. */
export type JsonSchema = { readonly [key: string]: unknown };

export interface ContractIR {
  /** The document, and every other file its `$ref`s read (the sha256 covers them all). */
  readonly source: { readonly path: string; readonly sha256: string; readonly files?: readonly string[] };
  /** Problems that do not stop generation (each cause once), shown by the CLI. */
  readonly warnings?: readonly { readonly message: string; readonly pointer: string; readonly line?: number }[];
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  /** Sorted by id. */
  readonly channels: readonly ChannelIR[];
  /** Every named schema (components/schemas, plus inline payloads the loader named), by key; internal $refs point at
   *  '#/components/schemas/<key>'. Each schema's `title` is its type name (the key, made a valid identifier). */
  readonly schemas: Readonly<Record<string, JsonSchema>>;
}

export interface ParameterIR {
  readonly name: string;
  readonly description?: string;
  readonly enum?: readonly string[];
  readonly examples?: readonly string[];
}

export interface StreamIR {
  /** Channel id of the request that opens the stream (e.g. 'llmRequest'). */
  readonly request: string;
  /** JSON pointer into the payload model of the message that ends the stream, e.g. '/done'. */
  readonly lastPointer: string;
  /** The value at lastPointer on that message (a JSON primitive), e.g. true. */
  readonly lastEquals: string | number | boolean | null;
}

/** Channel extension `x-lifecycle`: the runtime's own health or heartbeat messages go on this channel. */
export interface LifecycleIR {
  readonly role: 'health' | 'heartbeat';
  /** The address parameter that takes the client id. */
  readonly clientIdParameter?: string;
  /** JSON pointers into the payload model where the runtime writes ok / event / timestamp / a fresh id. */
  readonly fields: { readonly ok?: string; readonly event?: string; readonly timestamp?: string; readonly id?: string };
  readonly timestampFormat?: 'unix-seconds' | 'unix-ms' | 'iso-8601';
}

/** One message of a channel (AsyncAPI `channel.messages`). */
export interface MessageIR {
  /** The message's key in the channel's `messages`. */
  readonly name: string;
  /** The PascalCase name code gives the message (publish<Channel><Ident>, validate<Channel><Ident>Data): its key,
   *  made an identifier, with a numeric suffix when another key of the channel gives the same. */
  readonly ident: string;
  /** JSON pointer of the message (its components/messages entry when it is a `$ref`). */
  readonly pointer: string;
  readonly title?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly framing: Framing;
  /** The payload model: a `$ref` to a named schema (components/schemas, or a name the loader derived for an inline
   *  payload), or `{}` when the payload is not JSON Schema. */
  readonly dataSchema: JsonSchema;
  readonly dataTypeName: string;
  readonly envelopeSchema: JsonSchema | null;
  readonly envelopeTypeName: string | null;
  readonly correlation: { readonly location: string; readonly description?: string } | null;
  readonly stream: StreamIR | null;
  readonly examples: readonly unknown[];
  readonly wireExamples: readonly unknown[];
}

export interface ChannelIR {
  /** Channel id in the document (components key / channels key), e.g. 'sttFinal'. */
  readonly id: string;
  /** The name code is built from (publishX, XChannel): the id made an identifier, unique among the channels (a
   *  numeric suffix when two ids give one name, a hash for an id without letters or digits). */
  readonly name: string;
  /** e.g. 'system/health/{client_id}' */
  readonly address: string;
  readonly title?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly parameters: readonly ParameterIR[];
  /** From the send operation's MQTT binding (or the receive one when there is no send). Default 0. */
  readonly qos: QoS;
  /** From the operation's MQTT binding. Default false. */
  readonly retain: boolean;
  readonly framing: Framing;
  /** Name of the message in the document (e.g. 'SttFinal'). */
  readonly messageName: string;
  /** Schema of the payload model (bare message, or the Envelope's data), usually a $ref to a named schema. */
  readonly dataSchema: JsonSchema;
  /** Name of the data model's schema (for types): the $ref target or the inline schema's title. */
  readonly dataTypeName: string;
  /** The whole wire schema of an enveloped message (the document's payload), null for bare channels. */
  readonly envelopeSchema: JsonSchema | null;
  /** Services that publish / subscribe (x-publishers / x-subscribers), for docs. */
  readonly publishers: readonly string[];
  readonly subscribers: readonly string[];
  readonly correlation: { readonly location: string; readonly description?: string } | null;
  /** Channel id of the reply when this channel carries requests. */
  readonly reply: string | null;
  /** Operation ids that use this channel, with their action. */
  readonly operations: readonly { readonly id: string; readonly action: 'send' | 'receive' }[];
  /** Stream channels (message extension `x-stream`): the request channel whose correlation value the stream
   *  carries, and the message that ends one stream (JSON pointer into the payload model, and the value there). */
  readonly stream: StreamIR | null;
  /** `x-lifecycle`: this channel carries the runtime's health or heartbeat messages. */
  readonly lifecycle: LifecycleIR | null;
  /** Every message of the channel, in document order (one for most channels). The channel-level framing, data
   *  schema, examples and correlation above are the single message's, or, for several messages, the union of
   *  their payloads (`anyOf` of their schemas, type `<Channel>Message`) with the first message's framing. */
  readonly messages: readonly MessageIR[];
  /** Names of the messages that are sent (the channel's send operations' `messages`, else all), and received. */
  readonly sends: readonly string[];
  readonly receives: readonly string[];
  /** The address can be used as an MQTT topic (MQTT or no protocol declared, a concrete address without MQTT
   *  wildcards): the MQTT typed functions are generated only then. */
  readonly mqtt: boolean;
  /** Example payload models (data) from the message examples, for tests and the test kit. */
  readonly examples: readonly unknown[];
  /** Added by the generator: name of the envelope's named schema (the wire payload), null for bare channels. */
  readonly envelopeTypeName: string | null;
  /** Added by the generator: the message examples' whole wire payloads (envelopes for enveloped channels). */
  readonly wireExamples: readonly unknown[];
  /** Added by the generator: JSON pointer of the channel in the document ('#/channels/<id>'), for diagnostics. */
  readonly pointer: string;
}
