/**
 * Python source building blocks for the Python emitter: literals, identifiers, and ECMAScript regular expressions
 * turned into Python `re` ones with the same meaning (JSON Schema `pattern` and the ajv-formats regexes are
 * ECMAScript; the generated package checks them with Python's `re`).
 */

/** A Python string literal (double-quoted; JSON escaping is valid Python escaping). */
export function pyStr(s: string): string {
  return JSON.stringify(s);
}

/** A Python literal for a JSON value (None/True/False, numbers as written by JSON, dicts and lists). */
export function pyLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return pyStr(v);
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 53 ? String(v) : floatLiteral(v);
  if (Array.isArray(v)) return `[${v.map(pyLiteral).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyStr(k)}: ${pyLiteral(x)}`)
      .join(', ')}}`;
  }
  throw new Error(`no Python literal for ${typeof v}`);
}

function floatLiteral(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`no Python literal for ${v}`);
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case type _'.split(
    ' ',
  ),
);

/** Names a field may not take: Python keywords, the names models.py uses, and BaseModel's own attributes. */
const FIELD_TAKEN = new Set([
  ...PY_KEYWORDS,
  ...'str int float bool list dict bytes object Any Annotated ClassVar Literal Optional Union Field ConfigDict WireModel rt'.split(' '),
  ...'copy dict json schema schema_json construct validate fields parse_obj parse_raw parse_file from_orm update_forward_refs model_config model_fields model_computed_fields model_extra model_fields_set model_construct model_copy model_dump model_dump_json model_json_schema model_parametrized_name model_post_init model_rebuild model_validate model_validate_json model_validate_strings'.split(
    ' ',
  ),
]);

/** Names a module-level class or alias may not take (they would shadow what models.py imports). */
const TYPE_TAKEN = new Set([...PY_KEYWORDS, ...'str int float bool list dict bytes object Any Annotated ClassVar Literal Optional Union Field ConfigDict WireModel rt'.split(' ')]);

function identWords(s: string): string {
  const w = s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return w.map((x) => x[0]!.toUpperCase() + x.slice(1)).join('');
}

/** A class / alias name for a schema key or a derived hint: the key when it is a usable identifier, else PascalCase. */
export function pyTypeName(key: string): string {
  let n = /^[A-Za-z][A-Za-z0-9_]*$/.test(key) ? key : identWords(key);
  if (n === '') n = 'Model';
  if (/^[0-9]/.test(n)) n = `M${n}`;
  if (TYPE_TAKEN.has(n)) n = `${n}Model`;
  return n;
}

/** A Python attribute name for a wire property: the wire name when it is a usable one, else snake words. */
export function pyFieldName(wire: string): string {
  let n = /^[A-Za-z][A-Za-z0-9_]*$/.test(wire) ? wire : wire.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (n === '') n = 'field';
  if (/^[0-9]/.test(n)) n = `f_${n}`;
  if (FIELD_TAKEN.has(n) || n.startsWith('model_')) n = `${n}_`;
  return n;
}

/** snake_case of an identifier-ish name ('publishSttFinal' → 'publish_stt_final'). */
export function snakeCase(s: string): string {
  const out = s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  const n = out === '' ? 'x' : /^[0-9]/.test(out) ? `_${out}` : out;
  return PY_KEYWORDS.has(n) ? `${n}_` : n;
}

/** ECMAScript's \s: WhiteSpace and LineTerminator (Python's ASCII \s is only [ \t\n\r\f\v]). */
const JS_SPACE = ' \\t\\n\\x0b\\x0c\\r\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

export interface PythonRegex {
  /** The Python `re` source (compile with re.ASCII: \d, \w, \b are ASCII as in ECMAScript). */
  readonly source: string;
  /** Lookaround or backreferences: pydantic's Rust engine has neither. */
  readonly needsPythonEngine: boolean;
  /** Set when Python's `re` cannot express the pattern (a Unicode property escape): why. */
  readonly problem?: string;
  /** Where the translation may still differ from ECMAScript (said once per pattern by the generator). */
  readonly warnings: string[];
}

/**
 * An ECMAScript regex source (as JSON Schema and ajv-formats write them, `u` flag) as a Python `re` source with the
 * same matches:
 * - `$` outside a class is the end of the string only (`\Z`: Python's `$` also matches before a final newline);
 * - `.` outside a class is `[^\n\r\u2028\u2029]` (ECMAScript's dot stops at every line terminator, Python's at \n only);
 * - `\s` / `\S` are ECMAScript's Unicode white space (Python compiles with re.ASCII, where \s is ASCII only);
 *   `\d`, `\w`, `\b` stay ASCII, as in ECMAScript;
 * - named groups `(?<n>...)` → `(?P<n>...)`, `\k<n>` → `(?P=n)`; `[^]` (any character) → `[\s\S]`, `[]` (nothing) →
 *   `(?!)`; `\cJ` → `\x0a`; `\u{1F600}` → `\U0001f600`, a surrogate pair `\ud83d\ude00` → one code point; `[` inside a
 *   class is escaped (Python reads `[[` as a future nested set);
 * - `\p{...}` / `\P{...}` (Unicode properties): Python's `re` has none: `problem` says so.
 */
export function ecmaToPython(source: string): PythonRegex {
  let out = '';
  let inClass = false;
  let classStart = false;
  let needsPythonEngine = false;
  let problem: string | undefined;
  const warnings: string[] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const rest = source.slice(i + 1);
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      const brace = /^u\{([0-9a-fA-F]+)\}/.exec(rest);
      if (brace) {
        out += `\\U${brace[1]!.toLowerCase().padStart(8, '0')}`;
        i += brace[0].length;
        classStart = false;
        continue;
      }
      const pair = /^u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})/i.exec(rest);
      if (pair) {
        const cp = (parseInt(pair[1]!, 16) - 0xd800) * 0x400 + (parseInt(pair[2]!, 16) - 0xdc00) + 0x10000;
        out += `\\U${cp.toString(16).padStart(8, '0')}`;
        i += pair[0].length;
        classStart = false;
        continue;
      }
      const ctrl = /^c([A-Za-z])/.exec(rest);
      if (ctrl) {
        out += `\\x${(ctrl[1]!.toUpperCase().charCodeAt(0) % 32).toString(16).padStart(2, '0')}`;
        i += 2;
        classStart = false;
        continue;
      }
      const named = /^k<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      if (named) {
        out += `(?P=${named[1]})`;
        i += named[0].length;
        needsPythonEngine = true;
        continue;
      }
      if ((next === 'p' || next === 'P') && rest[1] === '{') {
        problem ??= `the Unicode property escape \\${next}{...}`;
        const end = source.indexOf('}', i);
        out += source.slice(i, end < 0 ? source.length : end + 1);
        i = end < 0 ? source.length : end;
        continue;
      }
      if (next === 's') {
        out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
      } else if (next === 'S') {
        if (inClass) {
          warnings.push('\\S inside a character class is ASCII white space in Python');
          out += '\\S';
        } else out += `[^${JS_SPACE}]`;
      } else {
        if (/[1-9]/.test(next)) needsPythonEngine = true;
        out += c + next;
      }
      i++;
      classStart = false;
      continue;
    }
    if (inClass) {
      if (c === ']' && !classStart) {
        inClass = false;
        out += c;
        continue;
      }
      if (c === ']' && classStart) {
        // `[]` matches nothing, `[^]` anything (ECMAScript); Python reads a leading ] as a literal
        const negated = out.endsWith('[^');
        out = out.slice(0, out.length - (negated ? 2 : 1)) + (negated ? '[\\s\\S]' : '(?!)');
        inClass = false;
        classStart = false;
        continue;
      }
      classStart = false;
      if (c === '[') out += '\\[';
      else if ((c === '&' || c === '~' || c === '|' || c === '-') && source[i + 1] === c) out += `${c}\\`;
      else out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      classStart = true;
      out += c;
      if (source[i + 1] === '^') {
        out += '^';
        i++;
      }
      continue;
    }
    if (c === '(' && source[i + 1] === '?') {
      if (/^(=|!)/.test(source.slice(i + 2))) needsPythonEngine = true;
      if (/^<[=!]/.test(source.slice(i + 2))) {
        needsPythonEngine = true;
        warnings.push('a lookbehind must match a fixed width in Python');
      } else if (/^<[A-Za-z_]/.test(source.slice(i + 2))) {
        out += '(?P<';
        i += 2;
        continue;
      }
    }
    if (c === '.') {
      out += '[^\\n\\r\\u2028\\u2029]';
      continue;
    }
    out += c === '$' ? '\\Z' : c;
  }
  return { source: out, needsPythonEngine, ...(problem !== undefined ? { problem } : {}), warnings };
}
