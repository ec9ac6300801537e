/**
 * The breaking-change rules: stable ids, what each one means, which DIRECTION of the bus it breaks, and its
 * verdict in each mode.
 *
 * On this bus every channel has old and new peers on both sides at once while services are upgraded one by
 * one, and the generated receivers are strict (unknown keys, unknown enum values, values outside a range are
 * rejected). A change can break:
 *  - backward: an OLD sender (publisher) -> a NEW receiver (subscriber): the new subscriber rejects or misreads
 *    what old publishers send (a new required field, a lower maximum, a removed enum value...);
 *  - forward: a NEW sender -> an OLD receiver: the old subscriber rejects or misreads what new publishers send
 *    (a new enum value, a wider range, a field added to a closed object, a field no longer sent...).
 *
 * Modes (`diff --mode`): `full` (default) fails on a change that breaks either direction; `forward` on one
 * that breaks forward; `backward` keeps the verdicts of the check before modes existed (RuleInfo.verdict):
 * every backward break, plus the forward breaks that take something away from old receivers (a field, its
 * being required, QoS, the envelope, the event type), while new room for new senders (widening) is safe.
 */

export type Verdict = 'breaking' | 'safe';
export type Direction = 'backward' | 'forward';
export type Mode = 'backward' | 'forward' | 'full';

export const MODES: readonly Mode[] = ['backward', 'forward', 'full'];
export const DEFAULT_MODE: Mode = 'full';
/** The `info` extension that sets a document's default mode: `info: { x-compatibility: full }`. */
export const MODE_EXTENSION = 'x-compatibility';

export interface RuleInfo {
  readonly id: RuleId;
  /** The verdict in `--mode backward`: exactly the verdict of the check before modes existed. */
  readonly verdict: Verdict;
  /** The directions a change of this rule can break, in the order backward, forward (empty = never breaks).
   *  Each reported change says which of them it does break (see `breaksWhen`). */
  readonly breaks: readonly Direction[];
  /** When a change breaks only some of `breaks`, which and when. */
  readonly breaksWhen?: string;
  /** Short title, one line. */
  readonly title: string;
  /** What the rule detects and which side (publishers / subscribers, old / new) it breaks. */
  readonly description: string;
  /** Care to take (shown as a warning when the change is safe in the mode checked). */
  readonly note?: string;
}

export const RULE_IDS = [
  // channels
  'CHANNEL_NO_DELETE',
  'CHANNEL_ADDED',
  'ADDRESS_SAME',
  'PARAMETER_SAME',
  'PARAMETER_VALUE_NO_DELETE',
  'PARAMETER_VALUE_ADDED',
  'QOS_SAME',
  'QOS_RAISED',
  'RETAIN_SAME',
  'FRAMING_SAME',
  'FRAMING_BARE_MODE_CHANGED',
  'EVENT_TYPE_SAME',
  'EVENT_TYPE_MIGRATED',
  'ACCEPTED_TYPE_NO_DELETE',
  'ACCEPTED_TYPE_ADDED',
  'REPLY_SAME',
  'CORRELATION_SAME',
  'MESSAGE_NO_DELETE',
  'MESSAGE_ADDED',
  // schemas
  'FIELD_NO_DELETE',
  'REQUIRED_REMOVED',
  'FIELD_ADDED_OPTIONAL',
  'FIELD_ADDED_TO_CLOSED',
  'REQUIRED_NO_ADD',
  'OPTIONAL_TO_REQUIRED',
  'REQUIRED_TO_OPTIONAL',
  'FIELD_SAME_TYPE',
  'FIELD_TYPE_WIDENED',
  'NULLABLE_NO_REMOVE',
  'NULLABLE_ADDED',
  'ENUM_VALUE_NO_DELETE',
  'ENUM_VALUE_ADDED',
  'ENUM_NO_ADD',
  'ENUM_REMOVED',
  'RANGE_NO_NARROW',
  'RANGE_WIDENED',
  'PATTERN_SAME',
  'PATTERN_CHANGED',
  'PATTERN_REMOVED',
  'FORMAT_SAME',
  'FORMAT_CHANGED',
  'FORMAT_REMOVED',
  'ADDITIONAL_PROPERTIES_NO_CLOSE',
  'ADDITIONAL_PROPERTIES_OPENED',
  'ONEOF_SAME',
  'ONEOF_ALTERNATIVE_NO_DELETE',
  'ONEOF_ALTERNATIVE_ADDED',
  'DEFAULT_SAME',
  'DEFAULT_ADDED',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

const BOTH: readonly Direction[] = ['backward', 'forward'];
const BACKWARD: readonly Direction[] = ['backward'];
const FORWARD: readonly Direction[] = ['forward'];
const NONE: readonly Direction[] = [];

const WIDEN_NOTE =
  'Safe only for what old publishers send: new publishers may use the new room once every subscriber runs the new contract (upgrade the subscribers first).';
const CLOSED_WHEN =
  'the object does not take it as an unknown key (additionalProperties: false, or an additionalProperties schema the field does not match)';

const list: readonly RuleInfo[] = [
  // ---------------------------------------------------------------- channels
  {
    id: 'CHANNEL_NO_DELETE',
    verdict: 'breaking',
    breaks: BOTH,
    title: 'A channel was deleted',
    description:
      'Breaks both directions: old publishers keep sending on a topic nobody in the new contract reads, and old subscribers wait for messages new publishers no longer send.',
  },
  {
    id: 'CHANNEL_ADDED',
    verdict: 'safe',
    breaks: NONE,
    title: 'A channel was added',
    description: 'Safe: old peers do not know the topic and are not affected.',
  },
  {
    id: 'ADDRESS_SAME',
    verdict: 'breaking',
    breaks: BOTH,
    title: 'The MQTT topic (address) of a channel changed',
    description:
      'Breaks both directions: old and new peers publish and subscribe on different topics, so messages are lost either way. (Only renaming a {parameter} is PARAMETER_SAME.)',
  },
  {
    id: 'PARAMETER_SAME',
    verdict: 'breaking',
    breaks: BOTH,
    title: 'A topic parameter was renamed, added or removed',
    description:
      'Breaks both directions (the code of both sides): generated publish/subscribe functions take parameters by name. A rename keeps the wire topic but changes the API; an added or removed parameter also changes the topic (reported with ADDRESS_SAME).',
  },
  {
    id: 'PARAMETER_VALUE_NO_DELETE',
    verdict: 'breaking',
    breaks: BACKWARD,
    title: "A parameter's allowed value was removed (or an enum was put on a free parameter)",
    description:
      'Breaks backward (old publishers -> new subscribers): old publishers still publish on topics with the removed value, which new subscribers no longer expect.',
  },
  {
    id: 'PARAMETER_VALUE_ADDED',
    verdict: 'safe',
    breaks: FORWARD,
    title: "A parameter's allowed values were widened",
    description:
      'Breaks forward (new publishers -> old subscribers): new publishers may publish on topics with the new value, which old subscribers that check the parameter do not expect. Safe backward.',
    note: 'Publish with the new value only once every subscriber runs the new contract (upgrade the subscribers first).',
  },
  {
    id: 'QOS_SAME',
    verdict: 'breaking',
    breaks: FORWARD,
    title: 'The QoS of a channel was lowered',
    description:
      'Breaks forward (new publishers -> old subscribers): old subscribers rely on the old delivery guarantee (at-least-once / exactly-once) that new publishers no longer request. (Raising QoS is QOS_RAISED.)',
  },
  {
    id: 'QOS_RAISED',
    verdict: 'safe',
    breaks: NONE,
    title: 'The QoS of a channel was raised',
    description: 'Safe: a stronger delivery guarantee; old publishers simply keep the old one, which subscribers had before.',
  },
  {
    id: 'RETAIN_SAME',
    verdict: 'breaking',
    breaks: BOTH,
    title: 'The retain flag of a channel changed',
    description:
      'Breaks both directions: turning retain off means late subscribers no longer get the last state; turning it on means subscribers receive a stale message on every (re)subscribe; old and new publishers disagree whichever subscribers run.',
  },
  {
    id: 'FRAMING_SAME',
    verdict: 'breaking',
    breaks: BOTH,
    breaksWhen:
      'envelope <-> bare: both directions; bare acceptance turned off (accept or send -> never): backward; bare publishing where old receivers never accepted bare (never -> send): forward',
    title: 'The framing of a channel changed incompatibly (envelope <-> bare, or bare acceptance)',
    description:
      'Breaks the side that reads: a switch between Envelope and bare payloads makes old and new peers reject each other (both directions); turning off acceptance of bare payloads breaks old bare publishers (backward); publishing bare where old receivers never accepted bare breaks old subscribers (forward).',
  },
  {
    id: 'FRAMING_BARE_MODE_CHANGED',
    verdict: 'safe',
    breaks: NONE,
    title: "The envelope's bare mode changed in a compatible way",
    description:
      'Safe: every message an old or new publisher sends is still accepted by old and new subscribers (e.g. never -> accept, accept -> send, send -> accept).',
  },
  {
    id: 'EVENT_TYPE_SAME',
    verdict: 'breaking',
    breaks: BOTH,
    breaksWhen:
      'forward when old subscribers do not accept the new type; backward when new subscribers no longer accept the old type',
    title: 'The canonical event type of an enveloped channel changed',
    description:
      "Breaks subscribers in one or both directions: new publishers send a type old subscribers don't accept (forward), or old publishers send a type new subscribers don't accept (backward). Safe only as EVENT_TYPE_MIGRATED.",
  },
  {
    id: 'EVENT_TYPE_MIGRATED',
    verdict: 'safe',
    breaks: NONE,
    title: 'The canonical event type changed, and both sides accept both types',
    description:
      'Safe: the new type was already accepted by old subscribers, and the old type is still accepted by new subscribers.',
  },
  {
    id: 'ACCEPTED_TYPE_NO_DELETE',
    verdict: 'breaking',
    breaks: BACKWARD,
    title: 'An accepted (legacy) event type was removed',
    description:
      'Breaks backward (old publishers -> new subscribers): publishers that still send that type are rejected by new subscribers.',
  },
  {
    id: 'ACCEPTED_TYPE_ADDED',
    verdict: 'safe',
    breaks: NONE,
    title: 'An accepted event type was added',
    description: 'Safe: new subscribers accept more; publishers keep sending the canonical type.',
  },
  {
    id: 'REPLY_SAME',
    verdict: 'breaking',
    breaks: BOTH,
    title: 'The reply channel of a request channel changed, appeared or disappeared',
    description:
      'Breaks both directions (requesters and responders): an old requester waits on a topic a new responder does not answer on, and a new requester waits for an answer an old responder never sends.',
  },
  {
    id: 'CORRELATION_SAME',
    verdict: 'breaking',
    breaks: BOTH,
    title: 'The correlation id location of a message changed',
    description:
      'Breaks both directions (request/reply matching): old and new peers look for the correlation id in different places, so replies are never matched to requests.',
  },
  {
    id: 'MESSAGE_NO_DELETE',
    verdict: 'breaking',
    breaks: BOTH,
    breaksWhen:
      'backward when old publishers sent it (a send operation lists it, or lists no messages); forward when old subscribers received it',
    title: 'A message was removed from a channel with several messages',
    description:
      'Breaks backward: old publishers still send the removed message and new subscribers reject it; and forward: old subscribers no longer get it from new publishers. (Messages are compared by name when a channel has several.)',
  },
  {
    id: 'MESSAGE_ADDED',
    verdict: 'safe',
    breaks: FORWARD,
    breaksWhen: 'forward when new publishers send it (a send operation lists it, or lists no messages)',
    title: 'A message was added to a channel',
    description:
      'Breaks forward (new publishers -> old subscribers): old subscribers reject a message they do not know. Safe backward: old publishers do not send it.',
    note: WIDEN_NOTE,
  },
  // ---------------------------------------------------------------- schemas
  {
    id: 'FIELD_NO_DELETE',
    verdict: 'breaking',
    breaks: BOTH,
    breaksWhen: `forward always; backward too when ${CLOSED_WHEN}`,
    title: 'An optional field was deleted',
    description:
      'Breaks forward (new publishers -> old subscribers): old subscribers that read the field no longer get it; and backward when the object is closed (additionalProperties: false): new subscribers reject old publishers that still send it. (Deleting a required field is REQUIRED_REMOVED.)',
  },
  {
    id: 'REQUIRED_REMOVED',
    verdict: 'breaking',
    breaks: BOTH,
    breaksWhen: `forward always; backward too when ${CLOSED_WHEN}`,
    title: 'A required field was deleted',
    description:
      'Breaks forward (new publishers -> old subscribers): old subscribers require the field and reject every message of new publishers, which no longer send it; and backward when the object is closed: new subscribers reject old publishers that still send it. (A required field that is kept but made optional is REQUIRED_TO_OPTIONAL.)',
  },
  {
    id: 'FIELD_ADDED_OPTIONAL',
    verdict: 'safe',
    breaks: NONE,
    title: 'An optional field was added to an object that accepts unknown keys',
    description:
      'Safe: old subscribers accept the new key (additionalProperties is true or absent, or its schema accepts the field), and new subscribers do not require it from old publishers. (On a closed object this is FIELD_ADDED_TO_CLOSED.)',
  },
  {
    id: 'FIELD_ADDED_TO_CLOSED',
    verdict: 'safe',
    breaks: FORWARD,
    title: 'An optional field was added to a closed object',
    description:
      'Breaks forward (new publishers -> old subscribers): the object is closed (additionalProperties: false, or a schema the new field does not match), so old subscribers reject messages that carry the new field, which new publishers send. Safe backward: old publishers do not send it and new subscribers do not require it.',
    note: 'Set the field only once every subscriber runs the new contract (upgrade the subscribers first).',
  },
  {
    id: 'REQUIRED_NO_ADD',
    verdict: 'breaking',
    breaks: BOTH,
    breaksWhen: 'backward always; forward too when the old object does not take it as an unknown key (closed)',
    title: 'A new required field was added',
    description:
      'Breaks backward (old publishers -> new subscribers): old publishers do not send the field, so new subscribers reject their messages; and forward when the object is closed: old subscribers reject the unknown key that new publishers send.',
  },
  {
    id: 'OPTIONAL_TO_REQUIRED',
    verdict: 'breaking',
    breaks: BACKWARD,
    title: 'An optional field became required',
    description: 'Breaks backward (old publishers -> new subscribers): old publishers that omit it are rejected by new subscribers.',
  },
  {
    id: 'REQUIRED_TO_OPTIONAL',
    verdict: 'breaking',
    breaks: FORWARD,
    title: 'A required field became optional',
    description: 'Breaks forward (new publishers -> old subscribers): new publishers may omit the field that old subscribers require.',
  },
  {
    id: 'FIELD_SAME_TYPE',
    verdict: 'breaking',
    breaks: BOTH,
    breaksWhen: 'narrowed (e.g. number -> integer, or a type dropped): backward; replaced by an unrelated type: both',
    title: 'The type of a field changed (narrowed or replaced)',
    description:
      'Breaks backward when the type is narrowed (new subscribers reject values old publishers send) and both directions when it is replaced. (Adding a type is FIELD_TYPE_WIDENED; null is NULLABLE_*.)',
  },
  {
    id: 'FIELD_TYPE_WIDENED',
    verdict: 'safe',
    breaks: FORWARD,
    title: 'A field accepts more types (e.g. integer -> number, an added type, or no type restriction)',
    description:
      'Breaks forward (new publishers -> old subscribers): new publishers may send a value of the added type, which old subscribers reject. Safe backward: everything old publishers send is still valid.',
    note: WIDEN_NOTE,
  },
  {
    id: 'NULLABLE_NO_REMOVE',
    verdict: 'breaking',
    breaks: BACKWARD,
    title: 'A field is no longer nullable',
    description: 'Breaks backward (old publishers -> new subscribers): old publishers that send null are rejected by new subscribers.',
  },
  {
    id: 'NULLABLE_ADDED',
    verdict: 'safe',
    breaks: FORWARD,
    title: 'A field became nullable',
    description:
      'Breaks forward (new publishers -> old subscribers): new publishers may send null, which old subscribers reject. Safe backward.',
    note: 'New publishers may send null only once every subscriber runs the new contract (upgrade the subscribers first).',
  },
  {
    id: 'ENUM_VALUE_NO_DELETE',
    verdict: 'breaking',
    breaks: BACKWARD,
    title: 'An enum (or const) value was removed',
    description: 'Breaks backward (old publishers -> new subscribers): old publishers that send the removed value are rejected by new subscribers.',
  },
  {
    id: 'ENUM_VALUE_ADDED',
    verdict: 'safe',
    breaks: FORWARD,
    title: 'An enum value was added',
    description:
      "Breaks forward (new publishers -> old subscribers): strict old subscribers reject the new value. Safe backward: old publishers' values are still accepted.",
    note: 'Publish the new value only once every subscriber runs the new contract (upgrade the subscribers first).',
  },
  {
    id: 'ENUM_NO_ADD',
    verdict: 'breaking',
    breaks: BACKWARD,
    title: 'A free value was restricted to an enum (or const)',
    description: 'Breaks backward (old publishers -> new subscribers): values outside the new enum are rejected by new subscribers.',
  },
  {
    id: 'ENUM_REMOVED',
    verdict: 'safe',
    breaks: FORWARD,
    title: 'An enum (or const) restriction was removed',
    description:
      'Breaks forward (new publishers -> old subscribers): new publishers may send any value, and old subscribers reject the ones outside the old enum. Safe backward.',
    note: WIDEN_NOTE,
  },
  {
    id: 'RANGE_NO_NARROW',
    verdict: 'breaking',
    breaks: BOTH,
    breaksWhen: 'backward; both when multipleOf changes to a value that is not a multiple of the old one',
    title: 'A bound was tightened or added (minimum/maximum, minLength/maxLength, minItems/maxItems, ...)',
    description:
      'Breaks backward (old publishers -> new subscribers): values old publishers may send fall outside the new range and new subscribers reject them.',
  },
  {
    id: 'RANGE_WIDENED',
    verdict: 'safe',
    breaks: FORWARD,
    title: 'A bound was relaxed or removed (minimum/maximum, exclusive bounds, lengths, item and property counts, multipleOf)',
    description:
      'Breaks forward (new publishers -> old subscribers): new publishers may send values in the new room, which old subscribers reject. Safe backward.',
    note: WIDEN_NOTE,
  },
  {
    id: 'PATTERN_SAME',
    verdict: 'breaking',
    breaks: BACKWARD,
    title: 'A string pattern was added',
    description: 'Breaks backward (old publishers -> new subscribers): strings that do not match the new pattern are rejected by new subscribers.',
  },
  {
    id: 'PATTERN_CHANGED',
    verdict: 'breaking',
    breaks: BOTH,
    title: 'A string pattern was replaced by another',
    description:
      "Breaks both directions: new subscribers reject old publishers' strings that do not match the new pattern, and old subscribers reject new publishers' strings that do not match the old one.",
  },
  {
    id: 'PATTERN_REMOVED',
    verdict: 'safe',
    breaks: FORWARD,
    title: 'A string pattern was removed',
    description:
      'Breaks forward (new publishers -> old subscribers): new publishers may send strings the old pattern rejects. Safe backward.',
    note: WIDEN_NOTE,
  },
  {
    id: 'FORMAT_SAME',
    verdict: 'breaking',
    breaks: BACKWARD,
    title: 'A string format was added',
    description: 'Breaks backward (old publishers -> new subscribers): strings that do not have the new format are rejected by new subscribers.',
  },
  {
    id: 'FORMAT_CHANGED',
    verdict: 'breaking',
    breaks: BOTH,
    title: 'A string format was replaced by another',
    description:
      "Breaks both directions: new subscribers reject old publishers' strings in the old format, and old subscribers reject new publishers' strings in the new one.",
  },
  {
    id: 'FORMAT_REMOVED',
    verdict: 'safe',
    breaks: FORWARD,
    title: 'A string format was removed',
    description:
      'Breaks forward (new publishers -> old subscribers): new publishers may send strings the old format rejects. Safe backward.',
    note: WIDEN_NOTE,
  },
  {
    id: 'ADDITIONAL_PROPERTIES_NO_CLOSE',
    verdict: 'breaking',
    breaks: BACKWARD,
    title: 'An object was closed to (or restricted its) unknown keys',
    description:
      'Breaks backward (old publishers -> new subscribers): old publishers that send extra keys (allowed before) are rejected by new subscribers.',
  },
  {
    id: 'ADDITIONAL_PROPERTIES_OPENED',
    verdict: 'safe',
    breaks: FORWARD,
    title: 'An object now allows unknown keys',
    description:
      'Breaks forward (new publishers -> old subscribers): new publishers may send extra keys, which old subscribers of the closed object reject. Safe backward.',
    note: WIDEN_NOTE,
  },
  {
    id: 'ONEOF_SAME',
    verdict: 'breaking',
    breaks: BOTH,
    title: 'A schema became (or stopped being) a oneOf',
    description:
      'Breaks both directions: the shape of the value changes between a single schema and a union of alternatives.',
  },
  {
    id: 'ONEOF_ALTERNATIVE_NO_DELETE',
    verdict: 'breaking',
    breaks: BACKWARD,
    title: 'A oneOf alternative was removed',
    description: 'Breaks backward (old publishers -> new subscribers): old publishers that send the removed alternative are rejected by new subscribers.',
  },
  {
    id: 'ONEOF_ALTERNATIVE_ADDED',
    verdict: 'safe',
    breaks: FORWARD,
    title: 'A oneOf alternative was added',
    description:
      'Breaks forward (new publishers -> old subscribers): old subscribers reject the new alternative. Safe backward.',
    note: 'Publish the new alternative only once every subscriber runs the new contract (upgrade the subscribers first).',
  },
  {
    id: 'DEFAULT_SAME',
    verdict: 'breaking',
    breaks: BOTH,
    title: 'A default value was changed or removed',
    description:
      'Breaks both directions (the meaning of omitted fields): an old and a new subscriber read the same message (one that omits the field) differently, whichever side sent it.',
  },
  {
    id: 'DEFAULT_ADDED',
    verdict: 'safe',
    breaks: NONE,
    title: 'A default value was added',
    description: 'Safe: a field that was absent gets a documented value; no message becomes invalid.',
  },
];

export const RULES: Readonly<Record<RuleId, RuleInfo>> = Object.fromEntries(list.map((r) => [r.id, r])) as Record<
  RuleId,
  RuleInfo
>;

export function rule(id: RuleId): RuleInfo {
  return RULES[id];
}

/** The directions a mode checks for a change; `backward` also keeps the legacy verdicts (see the header). */
export function verdictIn(mode: Mode, id: RuleId, breaks: readonly Direction[]): Verdict {
  if (mode === 'backward') return RULES[id].verdict;
  if (mode === 'forward') return breaks.includes('forward') ? 'breaking' : 'safe';
  return breaks.length > 0 ? 'breaking' : 'safe';
}

/** A one-line description of a mode, for reports. */
export function describeMode(mode: Mode): string {
  switch (mode) {
    case 'backward':
      return 'backward - new subscribers must accept what old publishers send (the rules before modes; widening is safe)';
    case 'forward':
      return 'forward - old subscribers must accept what new publishers send';
    case 'full':
      return 'full - both directions (backward and forward)';
  }
}

export function isMode(v: unknown): v is Mode {
  return typeof v === 'string' && (MODES as readonly string[]).includes(v);
}

/** 'backward' | 'forward' | 'both directions' | 'nothing', with who breaks whom. */
export function describeBreaks(breaks: readonly Direction[]): string {
  const b = breaks.includes('backward');
  const f = breaks.includes('forward');
  if (b && f) return 'both directions (old publishers -> new subscribers, and new publishers -> old subscribers)';
  if (b) return 'backward (old publishers -> new subscribers)';
  if (f) return 'forward (new publishers -> old subscribers)';
  return 'nothing';
}
