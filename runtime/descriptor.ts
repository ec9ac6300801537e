/**
 * The seam between generated code and the runtime.
 *
 * Generated code (generated/channels.ts) describes each channel of a contract with a ChannelDescriptor and
 * hands it to the runtime; the runtime never imports generated code and knows nothing about any one
 * contract. Descriptors are plain data plus compiled validator functions.
 */

export type QoS = 0 | 1 | 2;

/** One reason a value failed validation. */
export interface FieldError {
  /** JSON pointer into the checked value ('' = the value itself), e.g. '/data/confidence'. For a missing
   *  required key it points at the missing key; for a forbidden extra key it points at that key. */
  readonly path: string;
  /** Human-readable, e.g. 'must be <= 1'. */
  readonly message: string;
  /** The JSON Schema keyword that failed: 'required', 'type', 'additionalProperties', 'minimum', 'maximum',
   *  'enum', 'const', 'oneOf', 'format', ... */
  readonly rule: string;
}

export type ValidationResult = { readonly ok: true } | { readonly ok: false; readonly errors: readonly FieldError[] };

/** A compiled validator: pure, synchronous, never throws. */
export type Validator = (value: unknown) => ValidationResult;

/**
 * How a channel's messages are framed on the wire.
 * - bare: the payload model is the whole message.
 * - envelope: the message is the Envelope {id, type, ts, source, data} with the model in `data`.
 *   Publishers send `eventType`; subscribers accept any of `acceptedTypes` (which includes eventType).
 *   `acceptBare`: receivers also accept the bare model (the Python consumers' fallback).
 *   `publishBare`: generated publishers send the bare model (a receiver that reads only top-level keys).
 */
export type Framing =
  | { readonly kind: 'bare' }
  | {
      readonly kind: 'envelope';
      readonly eventType: string;
      readonly acceptedTypes: readonly string[];
      readonly acceptBare: boolean;
      readonly publishBare: boolean;
    };

/** The wire Envelope. */
export interface Envelope<TData = unknown> {
  readonly id: string;
  readonly type: string;
  readonly ts: number;
  readonly source: string;
  readonly data: TData;
}

export interface ChannelDescriptor<TData = unknown, TParam extends string = string, TId extends string | undefined = string | undefined> {
  /** Stable channel id from the contract, e.g. 'sttFinal'. */
  readonly id: string;
  /** Address template, e.g. 'system/health/{client_id}'. */
  readonly address: string;
  /** Parameter names in the order they appear in the address. */
  readonly parameters: readonly TParam[];
  readonly qos: QoS;
  readonly retain: boolean;
  readonly framing: Framing;
  /** Validates the payload model: the Envelope's `data`, or the whole message of a bare channel. */
  readonly validateData: Validator;
  /** Validates a whole wire Envelope (keys, `type` in acceptedTypes, `data`). null for bare channels. */
  readonly validateEnvelope: Validator | null;
  /** AsyncAPI correlation id location, e.g. '$message.payload#/data/id' or '$message.payload#/id'. */
  readonly correlation: { readonly location: string } | null;
  /** Channel id of the reply, for request channels. */
  readonly reply: string | null;
  /** A stream channel (`x-stream`): the message whose payload model has `equals` at `pointer` is the last one of a
   *  stream (llm/stream: `{ pointer: '/done', equals: true }`). openStream() ends there unless given `until`. */
  readonly streamEnd?: { readonly pointer: string; readonly equals: string | number | boolean | null };
  readonly description?: string;
  /** The contract's example payload models (the Envelope's `data`, or the whole bare message), for tests and
   *  the test kit. */
  readonly examples?: readonly unknown[];
  /** Allowed values of enum parameters: publish refuses others (InvalidTopicError), receivers drop messages on
   *  topics with others (reason 'topic'), validate-by-topic matches only them. */
  readonly parameterEnums?: { readonly [name: string]: readonly string[] };
  /** A channel with several messages: each with its own validators and framing. `validateData` above accepts
   *  any of them; a receiver reports which one matched (`meta.message`), a publisher names the one it sends. */
  readonly messages?: readonly MessageDescriptor[];
  /** Type-level only: carries TData so runtime functions can infer the payload type. Never set. */
  readonly __data?: (data: TData) => void;
  /** Type-level only: what publish() resolves with: the Envelope id (string) for enveloped channels, undefined for
   *  bare ones. Never set. */
  readonly __id?: TId;
}

/** One message of a multi-message channel. */
export interface MessageDescriptor {
  /** The message's name in the contract (its key in the channel's messages). */
  readonly name: string;
  readonly framing: Framing;
  readonly validateData: Validator;
  readonly validateEnvelope: Validator | null;
  /** The contract sends / receives it on this channel (its operations' `messages`, or every message). */
  readonly send: boolean;
  readonly receive: boolean;
}

/** Any channel descriptor, whatever its payload and parameters (for code that handles channels generically). */
export type AnyChannelDescriptor = ChannelDescriptor<never, string>;

/**
 * A channel the runtime publishes its own lifecycle messages on (health or heartbeat). The runtime knows no
 * topic: a contract names the channel and says where in its payload model each value goes; the message is then
 * framed and validated like any other message of that channel.
 */
export interface LifecycleChannel {
  readonly channel: AnyChannelDescriptor;
  /** The address parameter that takes the client id, e.g. 'client_id' for 'system/health/{client_id}'. */
  readonly clientIdParameter?: string;
  /** JSON pointers into the payload model where the runtime writes its values ('/ok', '/event', ...). */
  readonly fields: {
    /** true for ready, reconnected and heartbeat; false for shutdown and offline. */
    readonly ok?: string;
    /** 'ready' | 'reconnected' | 'shutdown' | 'offline' (the Last Will) | 'heartbeat'. */
    readonly event?: string;
    readonly timestamp?: string;
    /** A fresh id per message (32 hex characters). */
    readonly id?: string;
  };
  /** How `timestamp` is written: Unix seconds (default), Unix milliseconds, or an ISO 8601 string. */
  readonly timestampFormat?: 'unix-seconds' | 'unix-ms' | 'iso-8601';
}
