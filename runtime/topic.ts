/**
 * MQTT topic filters and address templates ('system/health/{client_id}'). Matching goes level by level with
 * `+` (one level) and `#` (this level and all below, including the parent); filters that start with a
 * wildcard do not match `$`-topics (MQTT 3.1.1 §4.7.2). Nothing here allocates per match.
 */
import { InvalidTopicError } from './errors.js';

export interface CompiledFilter {
  readonly filter: string;
  readonly levels: readonly string[];
  /** The filter contains no wildcard: compare strings. */
  readonly exact: boolean;
}

export function compileFilter(filter: string): CompiledFilter {
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    if (l === '#' && i !== levels.length - 1) throw new InvalidTopicError(filter, '#', "'#' must be the last level");
    if (l.length > 1 && (l.includes('+') || l.includes('#'))) {
      throw new InvalidTopicError(filter, l, "a wildcard must occupy a whole level");
    }
  }
  return { filter, levels, exact: !filter.includes('+') && !filter.includes('#') };
}

/** Matches a topic against a compiled filter without splitting the topic. */
export function matchFilter(f: CompiledFilter, topic: string): boolean {
  if (f.exact) return f.filter === topic;
  const levels = f.levels;
  if (topic.charCodeAt(0) === 36 /* $ */) {
    const l0 = levels[0];
    if (l0 === '+' || l0 === '#') return false;
  }
  let pos = 0;
  const n = levels.length;
  for (let i = 0; i < n; i++) {
    const l = levels[i]!;
    if (l === '#') return true;
    if (pos > topic.length) return false; // the topic ran out of levels
    let end = topic.indexOf('/', pos);
    if (end === -1) end = topic.length;
    if (l !== '+') {
      if (end - pos !== l.length || !topic.startsWith(l, pos)) return false;
    }
    pos = end + 1;
    if (end === topic.length && i < n - 1) {
      // Topic exhausted: only a trailing '#' (which also matches the parent level) can still match.
      return i === n - 2 && levels[n - 1] === '#';
    }
  }
  return pos > topic.length;
}

export function topicMatches(filter: string, topic: string): boolean {
  return matchFilter(compileFilter(filter), topic);
}

/** One level of an address template: literal text, a whole-level parameter, or text mixed with parameters. */
type Level =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'param'; readonly name: string }
  | {
      readonly kind: 'mixed';
      /** Literal text and parameter names in order, e.g. ['dev-', {name: 'id'}, '-x']. */
      readonly parts: readonly (string | { readonly name: string })[];
      /** Matches the level and captures each parameter (non-greedy, in order). */
      readonly pattern: RegExp;
    };

interface AddressTemplate {
  readonly address: string;
  readonly levels: readonly Level[];
  readonly paramCount: number;
  /** A level mixes text with a parameter: a subscription filter holds '+' there and receivers check the pattern. */
  readonly mixed: boolean;
}

const templates = new Map<string, AddressTemplate>();

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function template(address: string): AddressTemplate {
  let t = templates.get(address);
  if (t !== undefined) return t;
  const levels: Level[] = [];
  let paramCount = 0;
  let mixed = false;
  for (const level of address.split('/')) {
    const whole = /^\{([^{}]+)\}$/.exec(level);
    if (whole) {
      levels.push({ kind: 'param', name: whole[1]! });
      paramCount++;
      continue;
    }
    if (!level.includes('{') && !level.includes('}')) {
      levels.push({ kind: 'literal', text: level });
      continue;
    }
    const parts: (string | { name: string })[] = [];
    let source = '^';
    let rest = level;
    for (let m = /\{([^{}]+)\}/.exec(rest); m; m = /\{([^{}]+)\}/.exec(rest)) {
      const before = rest.slice(0, m.index);
      if (before !== '') {
        parts.push(before);
        source += escapeRegExp(before);
      }
      parts.push({ name: m[1]! });
      source += '(.+?)';
      paramCount++;
      rest = rest.slice(m.index + m[0].length);
    }
    if (rest.includes('{') || rest.includes('}')) throw new InvalidTopicError(address, level, 'unbalanced braces in a topic level');
    if (rest !== '') {
      parts.push(rest);
      source += escapeRegExp(rest);
    }
    levels.push({ kind: 'mixed', parts, pattern: new RegExp(source + '$') });
    mixed = true;
  }
  t = { address, levels, paramCount, mixed };
  templates.set(address, t);
  return t;
}

export type TopicMode = 'publish' | 'subscribe';

/**
 * Fills an address template. On publish every value must be a non-empty topic level part without '/', '+', '#'
 * or NUL. On subscribe a value may be '+' (any value), and '#' for the last level; a missing value is '+'. A level
 * that mixes text with parameters becomes '+' in a filter unless every parameter in it has a value.
 */
export function buildTopic(
  address: string,
  params: Readonly<Record<string, string | undefined>> | undefined,
  mode: TopicMode = 'publish',
): string {
  const t = template(address);
  if (t.paramCount === 0) return address;
  let out = '';
  const n = t.levels.length;
  for (let i = 0; i < n; i++) {
    if (i > 0) out += '/';
    const level = t.levels[i]!;
    if (level.kind === 'literal') out += level.text;
    else if (level.kind === 'param') out += checkParam(address, level.name, params?.[level.name], mode, i === n - 1);
    else {
      let text = '';
      let wildcard = false;
      for (const part of level.parts) {
        if (typeof part === 'string') {
          text += part;
          continue;
        }
        const value = params?.[part.name];
        if (mode === 'subscribe' && (value === undefined || value === '+')) {
          wildcard = true;
          continue;
        }
        if (value === '#') throw new InvalidTopicError(address, part.name, "'#' cannot stand inside a topic level");
        text += checkParam(address, part.name, value, 'publish', false);
      }
      if (!wildcard) {
        // Receivers split the level by the address pattern: a value that holds the text after it (`a-b` in
        // `{x}-{y}`), or two touching parameters, would read back as other values. Refuse what would.
        const m = level.pattern.exec(text);
        let g = 1;
        for (const part of level.parts) {
          if (typeof part === 'string') continue;
          const got = m?.[g++];
          if (got !== params?.[part.name]) {
            throw new InvalidTopicError(address, part.name, `the level "${text}" would read back as ${part.name}=${JSON.stringify(got ?? null)}: the value holds text that separates parameters there`);
          }
        }
      }
      out += wildcard ? '+' : text;
    }
  }
  return out;
}

function checkParam(address: string, name: string, value: string | undefined, mode: TopicMode, last: boolean): string {
  if (mode === 'subscribe') {
    if (value === undefined || value === '+') return '+';
    if (value === '#') {
      if (last) return '#';
      throw new InvalidTopicError(address, name, "'#' is only allowed for the last level");
    }
  }
  if (typeof value !== 'string') throw new InvalidTopicError(address, name, 'a value is required');
  if (value === '') throw new InvalidTopicError(address, name, 'must not be empty');
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 47 /* / */ || c === 43 /* + */ || c === 35 /* # */ || c === 0) {
      throw new InvalidTopicError(address, name, "must not contain '/', '+', '#' or NUL");
    }
  }
  return value;
}

/** An own data property, whatever the name (`__proto__` included: a plain assignment would set the prototype). */
function setOwn(o: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

/** Extracts parameter values from a concrete topic, or null when the topic does not fit the address. */
export function parseTopic<P extends string = string>(address: string, topic: string): Record<P, string> | null {
  const t = template(address);
  const out: Record<string, string> = {};
  let pos = 0;
  const n = t.levels.length;
  for (let i = 0; i < n; i++) {
    if (pos > topic.length) return null;
    let end = topic.indexOf('/', pos);
    if (end === -1) end = topic.length;
    const level = t.levels[i]!;
    if (level.kind === 'literal') {
      if (end - pos !== level.text.length || !topic.startsWith(level.text, pos)) return null;
    } else if (level.kind === 'param') {
      if (end === pos) return null; // an empty level: publishers never send one
      setOwn(out, level.name, topic.slice(pos, end));
    } else {
      const m = level.pattern.exec(topic.slice(pos, end));
      if (!m) return null;
      let g = 1;
      for (const part of level.parts) if (typeof part !== 'string') setOwn(out, part.name, m[g++]!);
    }
    pos = end + 1;
  }
  return pos === topic.length + 1 ? (out as Record<P, string>) : null;
}

/** Why `params` break the channel's parameter enums (undefined when they don't). */
export function enumViolation(channel: { readonly parameterEnums?: { readonly [name: string]: readonly string[] } }, params: Readonly<Record<string, string>>): string | undefined {
  const enums = channel.parameterEnums;
  if (enums === undefined) return undefined;
  for (const [name, allowed] of Object.entries(enums)) {
    const v = params[name];
    if (v !== undefined && !allowed.includes(v)) return `parameter {${name}} must be one of ${allowed.join(', ')} in`;
  }
  return undefined;
}

/** True when a level of the address mixes text with a parameter (receivers must check topics against it). */
export function addressHasMixedLevels(address: string): boolean {
  return template(address).mixed;
}

/** Number of parameters of an address template. */
export function addressParamCount(address: string): number {
  return template(address).paramCount;
}
