/** Identifier naming, in one place: every emitter builds names through these helpers. */

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'as implements interface let package private protected public static yield any boolean number string symbol ' +
    'unknown never object undefined await'
  ).split(' '),
);

/** Words of a name: letters and digits of any script (what JavaScript and Python identifiers may hold). */
function words(s: string): string[] {
  return s
    .replace(/([\p{Ll}\p{Nd}])(\p{Lu})/gu, '$1 $2')
    .split(/[^\p{ID_Continue}]+|_+/u)
    .filter(Boolean);
}

/** 'stt-final' / 'stt_final' / 'sttFinal' → 'sttFinal'; 'é' → 'é'; a name that cannot start an identifier gets '_'. */
export function camelCase(s: string): string {
  const w = words(s);
  if (w.length === 0) return '_';
  const out = w.map((x, i) => (i === 0 ? x[0]!.toLowerCase() + x.slice(1) : x[0]!.toUpperCase() + x.slice(1))).join('');
  return /^\p{ID_Start}/u.test(out) ? out : '_' + out;
}

/** 'sttFinal' → 'SttFinal'. */
export function pascalCase(s: string): string {
  const c = camelCase(s);
  return c.startsWith('_') ? c : c[0]!.toUpperCase() + c.slice(1);
}

export function isIdentifier(s: string): boolean {
  return /^[\p{ID_Start}_$][\p{ID_Continue}$]*$/u.test(s) && !RESERVED.has(s);
}

/** The names generated code builds from a channel's name (ChannelIR.name: its id made a unique identifier). */
export function channelNames(channelName: string): {
  base: string;
  descriptor: string;
  publish: string;
  subscribe: string;
  clear: string;
  open: string;
  request: string;
  dataValidator: string;
  envelopeValidator: string;
} {
  const base = camelCase(channelName);
  const P = pascalCase(channelName);
  return {
    base,
    descriptor: `${base}Channel`,
    publish: `publish${P}`,
    subscribe: `subscribe${P}`,
    clear: `clear${P}`,
    open: `open${P}`,
    request: requestName(channelName),
    dataValidator: `validate${P}Data`,
    envelopeValidator: `validate${P}Envelope`,
  };
}

/** The validators of one message of a multi-message channel: validate<Channel><Message>Data / Envelope (the
 *  channel's `name` and the message's `ident` from the IR). */
export function messageValidatorNames(channelName: string, messageIdent: string): { data: string; envelope: string; local: string } {
  const P = pascalCase(channelName);
  const M = messageIdent;
  return { data: `validate${P}${M}Data`, envelope: `validate${P}${M}Envelope`, local: `${camelCase(channelName)}_${M}` };
}

/** The request function of a request channel: the id without a trailing 'Request' (`llmRequest` → `requestLlm`,
 *  `memoryQuery` → `requestMemoryQuery`, `llmToolCallRequest` → `requestLlmToolCall`). */
export function requestName(channelId: string): string {
  const P = pascalCase(channelId);
  const stem = P.replace(/Request$/, '');
  return `request${stem === '' || stem === '_' ? P : stem}`;
}

/**
 * A type name for a schema key: the key itself when it is a usable identifier, else PascalCase words
 * (`default` → `Default`, `user.created` → `UserCreated`, `2fa-code` → `_2faCode`, `my schema` → `MySchema`).
 */
export function typeName(key: string): string {
  if (isIdentifier(key)) return key;
  const p = pascalCase(key);
  return isIdentifier(p) ? p : `_${p}`;
}
