/**
 * The breaking-change rules: stable ids, what each one means, its verdict, and which side of the bus it
 * breaks. On this bus every channel can have old and new peers on both sides at once (a service upgraded
 * before its peers), so a change is BREAKING when an old peer and a new peer can no longer interoperate in
 * some direction, and SAFE when they still can. "Widening" changes (a new enum value, a wider range, a new
 * optional field, an added type) are safe for the data that already exists; they carry a note because a
 * new publisher that actually uses the extra room can still be rejected by an old strict subscriber.
 */

export type Verdict = 'breaking' | 'safe';

export interface RuleInfo {
  readonly id: RuleId;
  readonly verdict: Verdict;
  /** Short title, one line. */
  readonly title: string;
  /** What the rule detects and which side (publishers / subscribers, old / new) it breaks. */
  readonly description: string;
  /** Present on safe rules whose change still needs care (shown as a warning). */
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
  // schemas
  'FIELD_NO_DELETE',
  'FIELD_ADDED_OPTIONAL',
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
  'PATTERN_REMOVED',
  'FORMAT_SAME',
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

const WIDEN_NOTE =
  'New publishers may only use the new room once every subscriber runs the new contract: an old strict subscriber rejects it.';

const list: readonly RuleInfo[] = [
  // ---------------------------------------------------------------- channels
  {
    id: 'CHANNEL_NO_DELETE',
    verdict: 'breaking',
    title: 'A channel was deleted',
    description:
      'Breaks both sides: old publishers keep sending on a topic nobody in the new contract reads, and old subscribers wait for messages new publishers no longer send.',
  },
  {
    id: 'CHANNEL_ADDED',
    verdict: 'safe',
    title: 'A channel was added',
    description: 'Safe: old peers do not know the topic and are not affected.',
  },
  {
    id: 'ADDRESS_SAME',
    verdict: 'breaking',
    title: 'The MQTT topic (address) of a channel changed',
    description:
      'Breaks both sides: old and new peers publish and subscribe on different topics, so messages are lost in both directions. (Only renaming a {parameter} is PARAMETER_SAME.)',
  },
  {
    id: 'PARAMETER_SAME',
    verdict: 'breaking',
    title: 'A topic parameter was renamed, added or removed',
    description:
      'Breaks code on both sides: generated publish/subscribe functions take parameters by name. A rename keeps the wire topic but changes the API; an added or removed parameter also changes the topic (reported with ADDRESS_SAME).',
  },
  {
    id: 'PARAMETER_VALUE_NO_DELETE',
    verdict: 'breaking',
    title: "A parameter's allowed value was removed (or an enum was put on a free parameter)",
    description:
      'Breaks old publishers: they still publish on topics with the removed value, which new subscribers no longer expect.',
  },
  {
    id: 'PARAMETER_VALUE_ADDED',
    verdict: 'safe',
    title: "A parameter's allowed values were widened",
    description: 'Safe for every message that exists today.',
    note: 'Old subscribers that check the parameter do not expect topics with the new value.',
  },
  {
    id: 'QOS_SAME',
    verdict: 'breaking',
    title: 'The QoS of a channel was lowered',
    description:
      "Breaks subscribers: they relied on the old delivery guarantee (at-least-once / exactly-once) that new publishers no longer request. (Raising QoS is QOS_RAISED.)",
  },
  {
    id: 'QOS_RAISED',
    verdict: 'safe',
    title: 'The QoS of a channel was raised',
    description: 'Safe: a stronger delivery guarantee; old publishers simply keep the old one.',
  },
  {
    id: 'RETAIN_SAME',
    verdict: 'breaking',
    title: 'The retain flag of a channel changed',
    description:
      'Breaks subscribers: turning retain off means late subscribers no longer get the last state; turning it on means subscribers receive a stale message on every (re)subscribe.',
  },
  {
    id: 'FRAMING_SAME',
    verdict: 'breaking',
    title: 'The framing of a channel changed incompatibly (envelope <-> bare, or bare acceptance)',
    description:
      'Breaks the side that reads: a switch between Envelope and bare payloads makes old and new peers reject each other; turning off acceptance of bare payloads breaks bare publishers; publishing bare where old receivers never accepted bare breaks old subscribers.',
  },
  {
    id: 'FRAMING_BARE_MODE_CHANGED',
    verdict: 'safe',
    title: "The envelope's bare mode changed in a compatible way",
    description:
      'Safe: every message an old or new publisher sends is still accepted by old and new subscribers (e.g. never -> accept, accept -> send, send -> accept).',
  },
  {
    id: 'EVENT_TYPE_SAME',
    verdict: 'breaking',
    title: 'The canonical event type of an enveloped channel changed',
    description:
      "Breaks subscribers in one or both directions: new publishers send a type old subscribers don't accept, or old publishers send a type new subscribers don't accept. Safe only as EVENT_TYPE_MIGRATED.",
  },
  {
    id: 'EVENT_TYPE_MIGRATED',
    verdict: 'safe',
    title: 'The canonical event type changed, and both sides accept both types',
    description:
      "Safe: the new type was already accepted by old subscribers, and the old type is still accepted by new subscribers.",
  },
  {
    id: 'ACCEPTED_TYPE_NO_DELETE',
    verdict: 'breaking',
    title: 'An accepted (legacy) event type was removed',
    description: 'Breaks publishers that still send that type: new subscribers reject their messages.',
  },
  {
    id: 'ACCEPTED_TYPE_ADDED',
    verdict: 'safe',
    title: 'An accepted event type was added',
    description: 'Safe: new subscribers accept more; publishers keep sending the canonical type.',
  },
  {
    id: 'REPLY_SAME',
    verdict: 'breaking',
    title: 'The reply channel of a request channel changed, appeared or disappeared',
    description:
      'Breaks requesters and responders: an old requester waits on a topic a new responder does not answer on (or a new requester waits for an answer an old responder never sends).',
  },
  {
    id: 'CORRELATION_SAME',
    verdict: 'breaking',
    title: "The correlation id location of a message changed",
    description:
      'Breaks request/reply matching: old and new peers look for the correlation id in different places, so replies are never matched to requests.',
  },
  // ---------------------------------------------------------------- schemas
  {
    id: 'FIELD_NO_DELETE',
    verdict: 'breaking',
    title: 'A field was deleted',
    description:
      'Breaks old subscribers that read (or require) it, since new publishers stop sending it; and when the object is closed (additionalProperties: false), new subscribers reject old publishers that still send it.',
  },
  {
    id: 'FIELD_ADDED_OPTIONAL',
    verdict: 'safe',
    title: 'An optional field was added',
    description: 'Safe for existing data: old publishers do not send it and new subscribers do not require it.',
    note: 'When the object is closed (additionalProperties: false), old subscribers reject messages that carry the new field: set it only after subscribers are upgraded.',
  },
  {
    id: 'REQUIRED_NO_ADD',
    verdict: 'breaking',
    title: 'A new required field was added',
    description: 'Breaks old publishers: they do not send the field, so new subscribers reject their messages.',
  },
  {
    id: 'OPTIONAL_TO_REQUIRED',
    verdict: 'breaking',
    title: 'An optional field became required',
    description: 'Breaks old publishers that omit it: new subscribers reject their messages.',
  },
  {
    id: 'REQUIRED_TO_OPTIONAL',
    verdict: 'breaking',
    title: 'A required field became optional',
    description: 'Breaks old subscribers: new publishers may omit the field that old subscribers require.',
  },
  {
    id: 'FIELD_SAME_TYPE',
    verdict: 'breaking',
    title: 'The type of a field changed (narrowed or replaced)',
    description:
      'Breaks old publishers when the type is narrowed (new subscribers reject values they send) and both sides when it is replaced. (Adding a type is FIELD_TYPE_WIDENED; null is NULLABLE_*.)',
  },
  {
    id: 'FIELD_TYPE_WIDENED',
    verdict: 'safe',
    title: 'A field accepts more types (e.g. integer -> number, or an added type)',
    description: 'Safe for existing data: everything old publishers send is still valid.',
    note: WIDEN_NOTE,
  },
  {
    id: 'NULLABLE_NO_REMOVE',
    verdict: 'breaking',
    title: 'A field is no longer nullable',
    description: 'Breaks old publishers that send null: new subscribers reject their messages.',
  },
  {
    id: 'NULLABLE_ADDED',
    verdict: 'safe',
    title: 'A field became nullable',
    description: 'Safe for existing data.',
    note: 'Old subscribers reject null: new publishers may send null only once subscribers are upgraded.',
  },
  {
    id: 'ENUM_VALUE_NO_DELETE',
    verdict: 'breaking',
    title: 'An enum (or const) value was removed',
    description: 'Breaks old publishers that send the removed value: new subscribers reject it.',
  },
  {
    id: 'ENUM_VALUE_ADDED',
    verdict: 'safe',
    title: 'An enum value was added',
    description: "Safe for old publishers' existing payloads.",
    note: 'Strict old subscribers reject the new value: publish it only after subscribers are upgraded.',
  },
  {
    id: 'ENUM_NO_ADD',
    verdict: 'breaking',
    title: 'A free value was restricted to an enum (or const)',
    description: 'Breaks old publishers whose values are outside the new enum: new subscribers reject them.',
  },
  {
    id: 'ENUM_REMOVED',
    verdict: 'safe',
    title: 'An enum (or const) restriction was removed',
    description: 'Safe for existing data.',
    note: WIDEN_NOTE,
  },
  {
    id: 'RANGE_NO_NARROW',
    verdict: 'breaking',
    title: 'A bound was tightened or added (minimum/maximum, minLength/maxLength, minItems/maxItems, ...)',
    description: 'Breaks old publishers: values they may send fall outside the new range and new subscribers reject them.',
  },
  {
    id: 'RANGE_WIDENED',
    verdict: 'safe',
    title: 'A bound was relaxed or removed',
    description: 'Safe for existing data.',
    note: WIDEN_NOTE,
  },
  {
    id: 'PATTERN_SAME',
    verdict: 'breaking',
    title: 'A string pattern was added or changed',
    description: 'Breaks old publishers whose strings do not match the new pattern.',
  },
  {
    id: 'PATTERN_REMOVED',
    verdict: 'safe',
    title: 'A string pattern was removed',
    description: 'Safe for existing data.',
    note: WIDEN_NOTE,
  },
  {
    id: 'FORMAT_SAME',
    verdict: 'breaking',
    title: 'A string format was added or changed',
    description: 'Breaks old publishers whose strings do not have the new format.',
  },
  {
    id: 'FORMAT_REMOVED',
    verdict: 'safe',
    title: 'A string format was removed',
    description: 'Safe for existing data.',
    note: WIDEN_NOTE,
  },
  {
    id: 'ADDITIONAL_PROPERTIES_NO_CLOSE',
    verdict: 'breaking',
    title: 'An object was closed to (or restricted its) unknown keys',
    description:
      'Breaks old publishers that send extra keys (allowed before): new subscribers reject their messages.',
  },
  {
    id: 'ADDITIONAL_PROPERTIES_OPENED',
    verdict: 'safe',
    title: 'An object now allows unknown keys',
    description: 'Safe for existing data.',
    note: WIDEN_NOTE,
  },
  {
    id: 'ONEOF_SAME',
    verdict: 'breaking',
    title: 'A schema became (or stopped being) a oneOf',
    description:
      'Breaks both sides: the shape of the value changes between a single schema and a union of alternatives.',
  },
  {
    id: 'ONEOF_ALTERNATIVE_NO_DELETE',
    verdict: 'breaking',
    title: 'A oneOf alternative was removed',
    description: 'Breaks old publishers that send the removed alternative: new subscribers reject it.',
  },
  {
    id: 'ONEOF_ALTERNATIVE_ADDED',
    verdict: 'safe',
    title: 'A oneOf alternative was added',
    description: 'Safe for existing data.',
    note: 'Old subscribers reject the new alternative: publish it only after subscribers are upgraded.',
  },
  {
    id: 'DEFAULT_SAME',
    verdict: 'breaking',
    title: 'A default value was changed or removed',
    description:
      'Breaks the meaning of omitted fields: an old and a new subscriber read the same message (one that omits the field) differently.',
  },
  {
    id: 'DEFAULT_ADDED',
    verdict: 'safe',
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
