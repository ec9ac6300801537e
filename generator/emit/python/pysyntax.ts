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

/**
 * An ECMAScript regex source (as JSON Schema and ajv-formats write them, `u` flag) as a Python `re` source with the
 * same matches: `$` outside a class is the end of the string only (`\Z`: Python's `$` also matches before a final
 * newline), `\u{XXXX}` becomes `\U000XXXXX`, `\d`/`\w` stay ASCII (the caller compiles with re.ASCII, as ECMAScript's
 * are), `\/` stays (a harmless escape in Python). Whether the pattern needs Python's engine (lookaround,
 * backreferences) is returned too: pydantic's default Rust engine has neither.
 */
export function ecmaToPython(source: string): { source: string; needsPythonEngine: boolean } {
  let out = '';
  let inClass = false;
  let needsPythonEngine = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      const brace = /^u\{([0-9a-fA-F]+)\}/.exec(source.slice(i + 1));
      if (brace) {
        out += `\\U${brace[1]!.padStart(8, '0')}`;
        i += brace[0].length;
        continue;
      }
      if (/[1-9]/.test(next) || next === 'k') needsPythonEngine = true;
      out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      continue;
    }
    if (c === '(' && source[i + 1] === '?' && /^(=|!|<=|<!)/.test(source.slice(i + 2))) needsPythonEngine = true;
    out += c === '$' ? '\\Z' : c;
  }
  return { source: out, needsPythonEngine };
}
