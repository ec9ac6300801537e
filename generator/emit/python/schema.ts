/**
 * JSON Schema (draft-07, as AsyncAPI uses it) → Python type expressions for pydantic v2. Pure: the result is a list
 * of class specs and type aliases, rendered to text by models.ts.
 *
 * Mapping (docs/python.md has the table): object with properties → a WireModel class (extra forbid / ignore /
 * allow+typed extras from additionalProperties); object without properties → dict[str, V]; enum/const of JSON
 * primitives → Literal; oneOf/anyOf/type lists → Union with rt.union (JSON Schema's "exactly one", and errors of the
 * closest branch), discriminated by a shared required const property when every branch has one; allOf of objects
 * → one merged model; bounds, lengths and patterns → Field(ge, le, gt, lt, multiple_of, min_length, max_length,
 * pattern); format, uniqueItems, not, min/maxProperties, propertyNames, float multipleOf → the rt checks.
 */
import type { JsonSchema } from '../../ir.js';
import type { Diagnostic } from '../../diagnostics.js';
import { ecmaToPython, pyLiteral, pyStr, pyTypeName } from './pysyntax.js';

export interface FieldSpec {
  readonly wire: string;
  readonly type: string;
  readonly required: boolean;
  /** Python source of the default (a literal), or undefined. */
  readonly defaultSrc?: string;
  /** The default is a fresh {} / [] per instance. */
  readonly factory: boolean;
  readonly description?: string;
  /** The field accepts null. */
  readonly nullable: boolean;
}

export interface ClassSpec {
  readonly kind: 'class';
  readonly name: string;
  readonly description?: string;
  readonly extra: 'forbid' | 'ignore' | 'allow';
  readonly extraType?: string;
  readonly checks: string[];
  readonly fields: FieldSpec[];
  readonly deps: Set<string>;
}

export interface AliasSpec {
  readonly kind: 'alias';
  readonly name: string;
  readonly description?: string;
  readonly expr: string;
  readonly deps: Set<string>;
}

type Schema = JsonSchema | boolean | undefined;
const REF = '#/components/schemas/';
const JSON_TYPES = ['null', 'boolean', 'object', 'array', 'string', 'number'] as const;

const isObj = (s: unknown): s is JsonSchema => typeof s === 'object' && s !== null && !Array.isArray(s);
const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('') || 'X';

export class SchemaMapper {
  readonly defs = new Map<string, ClassSpec | AliasSpec>();
  /** Schema key → Python name. */
  readonly keyNames = new Map<string, string>();
  readonly #taken = new Set<string>();

  /** What the Python models cannot check (or check differently), each once with the schema's pointer. */
  readonly warnings: Diagnostic[] = [];
  readonly #warned = new Set<string>();

  /** `pointers`: schema key → the JSON pointer of that schema in the document (components, or an inline payload). */
  constructor(
    readonly schemas: Readonly<Record<string, JsonSchema>>,
    readonly pointers: ReadonlyMap<string, string> = new Map(),
  ) {
    for (const key of Object.keys(schemas).sort()) this.keyNames.set(key, this.#unique(pyTypeName(key)));
  }

  #warn(message: string, pointer: string): void {
    const k = `${message}\u0000${pointer}`;
    if (this.#warned.has(k)) return;
    this.#warned.add(k);
    this.warnings.push({ message, pointer });
  }

  #ptr(key: string): string {
    return this.pointers.get(key) ?? `${REF}${esc(key)}`;
  }

  #unique(base: string): string {
    let n = base;
    for (let i = 2; this.#taken.has(n); i++) n = `${base}${i}`;
    this.#taken.add(n);
    return n;
  }

  /** (class, property) pairs a discriminated union picks its branch by. */
  readonly #discriminated: [string, string][] = [];

  /** Define every named schema (a class when it is a plain object model, else an alias). */
  defineAll(): void {
    for (const [key, name] of this.keyNames) {
      const ptr = this.#ptr(key);
      const s = this.#mergeAllOf(this.schemas[key]!) ?? this.schemas[key]!;
      if (this.#isClass(s)) this.#defineClass(s, name, ptr);
      else {
        const deps = new Set<string>();
        const expr = this.typeOf(s, `${name}Value`, deps, ptr);
        this.defs.set(name, { kind: 'alias', name, description: str(s.description), expr, deps });
      }
    }
    for (const [t, disc] of this.#discriminated) {
      const spec = this.defs.get(t);
      const f = spec?.kind === 'class' ? spec.fields.find((x) => x.wire === disc) : undefined;
      const plain = f && /^Annotated\[(Literal\[.*\]), rt\.literal\(.*\)\]$/.exec(f.type);
      if (f && plain) (f as { type: string }).type = plain[1]!;
    }
  }

  #deref(s: Schema, seen = new Set<string>()): Schema {
    if (isObj(s) && typeof s.$ref === 'string' && s.$ref.startsWith(REF)) {
      const key = s.$ref.slice(REF.length);
      if (seen.has(key) || !(key in this.schemas)) return {};
      seen.add(key);
      return this.#deref(this.schemas[key], seen);
    }
    return s;
  }

  /** Whether a schema accepts JSON null. */
  acceptsNull(s: Schema, seen = new Set<string>()): boolean {
    if (s === undefined || s === true) return true;
    if (s === false) return false;
    if (typeof s.$ref === 'string') {
      const key = s.$ref.slice(REF.length);
      if (seen.has(key)) return false;
      seen.add(key);
      return this.acceptsNull(this.schemas[key], seen);
    }
    if (Array.isArray(s.enum)) return s.enum.includes(null);
    if ('const' in s) return s.const === null;
    if (Array.isArray(s.allOf) && !s.allOf.every((p) => this.acceptsNull(p as Schema, seen))) return false;
    for (const k of ['oneOf', 'anyOf'] as const) if (Array.isArray(s[k])) return (s[k] as Schema[]).some((b) => this.acceptsNull(b, seen));
    const types = typesOf(s);
    return types === null ? true : types.includes('null');
  }

  /** The JSON types a schema's values can have (for telling whether oneOf branches can overlap). */
  #jsonTypes(s: Schema, seen = new Set<string>()): Set<string> {
    const d = this.#deref(s, seen);
    if (!isObj(d)) return new Set(d === false ? [] : JSON_TYPES);
    if (Array.isArray(d.enum) || 'const' in d) {
      const vals = Array.isArray(d.enum) ? d.enum : [d.const];
      return new Set(vals.map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v)));
    }
    for (const k of ['oneOf', 'anyOf'] as const) {
      if (Array.isArray(d[k])) return new Set((d[k] as Schema[]).flatMap((b) => [...this.#jsonTypes(b, seen)]));
    }
    const t = typesOf(d);
    return new Set(t === null ? JSON_TYPES : t.map((x) => (x === 'integer' ? 'number' : x)));
  }

  #isClass(s: JsonSchema): boolean {
    const t = typesOf(s);
    const objectOnly = t === null ? isObj(s.properties) : t.length === 1 && t[0] === 'object';
    if (!objectOnly || Array.isArray(s.enum) || 'const' in s || 'not' in s || Array.isArray(s.allOf)) return false;
    for (const k of ['oneOf', 'anyOf'] as const) if (Array.isArray(s[k]) && !requiredOnly(s[k] as Schema[])) return false;
    const props = isObj(s.properties) ? Object.keys(s.properties) : [];
    const required = Array.isArray(s.required) ? s.required : [];
    // A map whose keys follow patternProperties is a dict with checked keys, not a model.
    if (props.length === 0 && required.length === 0 && isObj(s.patternProperties)) return false;
    return props.length > 0 || required.length > 0 || s.additionalProperties === false || ['oneOf', 'anyOf'].some((k) => Array.isArray(s[k]));
  }

  /** allOf whose parts are all object schemas: one schema with every part's properties and required keys. Not when a
   *  part forbids extra keys that another part declares (JSON Schema applies each part's additionalProperties to its
   *  own properties only): then every part is checked on its own (rt.also). */
  #mergeAllOf(s: JsonSchema): JsonSchema | null {
    if (!Array.isArray(s.allOf)) return null;
    const parts = s.allOf.map((p) => this.#deref(p as Schema));
    const { allOf: _drop, ...own } = s;
    if (!parts.every((p) => isObj(p) && this.#isClass({ type: 'object', ...(p as JsonSchema) }))) return null;
    const all = [own, ...(parts as JsonSchema[])];
    const properties: Record<string, unknown> = {};
    const required = new Set<string>();
    for (const p of all) {
      if (isObj(p.properties)) Object.assign(properties, p.properties);
      if (Array.isArray(p.required)) for (const r of p.required) required.add(String(r));
    }
    const names = [...Object.keys(properties), ...required];
    for (const p of all) {
      if (p.additionalProperties === undefined || p.additionalProperties === true) continue;
      const mine = new Set(isObj(p.properties) ? Object.keys(p.properties) : []);
      if (names.some((n) => !mine.has(n)) || isObj(p.patternProperties)) return null;
    }
    if (all.some((p) => KEYWORD_CHECKS.some((k) => k in p))) return null;
    const forbid = all.some((p) => p.additionalProperties === false);
    const groups = all.flatMap((p) => (['oneOf', 'anyOf'] as const).filter((k) => Array.isArray(p[k])).map((k) => ({ [k]: p[k] })));
    if (groups.length > 1) return null;
    return {
      ...own,
      type: 'object',
      properties,
      required: [...required],
      ...(forbid ? { additionalProperties: false } : {}),
      ...(groups[0] ?? {}),
      description: own.description ?? parts.map((p) => (p as JsonSchema).description).find((d) => typeof d === 'string'),
    };
  }

  /** A Python type expression for a schema; `hint` names the classes inline objects become, `ptr` is its pointer. */
  typeOf(s: Schema, hint: string, deps: Set<string>, ptr = '#'): string {
    if (s === undefined || s === true) return 'Any';
    if (s === false) return 'Annotated[Any, rt.not_(Any)]';
    if (typeof s.$ref === 'string') {
      const name = this.keyNames.get(s.$ref.slice(REF.length));
      if (!name) return 'Any';
      deps.add(name);
      return name;
    }
    this.#unsupported(s, ptr);
    const merged = this.#mergeAllOf(s);
    if (merged) return this.typeOf(merged, hint, deps, ptr);
    if (Array.isArray(s.allOf) || 'not' in s) {
      const { allOf, not, ...rest } = s;
      const extras = [
        ...((allOf as Schema[] | undefined) ?? []).map((p, i) => `rt.also(${this.typeOf(p, `${hint}Part${i}`, deps, `${ptr}/allOf/${i}`)})`),
        ...(not !== undefined ? [`rt.not_(${this.typeOf(not as Schema, `${hint}Not`, deps, `${ptr}/not`)})`] : []),
      ];
      return `Annotated[${this.typeOf(rest, hint, deps, ptr)}, ${extras.join(', ')}]`;
    }
    for (const k of ['oneOf', 'anyOf'] as const) {
      if (!Array.isArray(s[k]) || requiredOnly(s[k] as Schema[])) continue;
      const { [k]: branches, ...rest } = s;
      const structural = ['type', 'properties', 'items', 'enum', 'const', 'additionalProperties'].some((x) => x in rest);
      const u = this.#union(k, branches as Schema[], hint, deps, typeof s.discriminator === 'string' ? s.discriminator : undefined, `${ptr}/${k}`);
      return structural ? `Annotated[${this.typeOf(rest, hint, deps, ptr)}, rt.also(${u})]` : u;
    }
    if (Array.isArray(s.enum) || 'const' in s) return this.#literal(s);
    const types = typesOf(s);
    if (types === null) {
      // No type: the value keywords of one JSON type (a pattern, bounds, items) apply to values of that type only;
      // the models give such schemas no type, so these go unchecked.
      for (const k of UNTYPED_UNCHECKED) if (k in s) this.#warn(`"${k}" without a "type" is not checked by the Python models`, `${ptr}/${k}`);
      return this.#withKeywordChecks('Any', s, hint, deps, ptr, false);
    }
    const rendered = [...new Set(types)].filter((t) => t !== 'null').map((t) => this.#single(t, s, hint, deps, ptr));
    const nullable = types.includes('null');
    if (rendered.length === 0) return 'None';
    const core = rendered.length === 1 ? rendered[0]! : `Annotated[Union[${rendered.join(', ')}], rt.union("type", (${rendered.join(', ')}), False)]`;
    return nullable ? `Optional[${core}]` : core;
  }

  /** Keywords the Python models do not check: one generator warning each, with its pointer. */
  #unsupported(s: JsonSchema, ptr: string): void {
    for (const k of UNCHECKED) if (k in s) this.#warn(`"${k}" is not checked by the Python models`, `${ptr}/${k}`);
  }

  #literal(s: JsonSchema): string {
    const values: unknown[] = Array.isArray(s.enum) ? s.enum : [s.const];
    const rule = Array.isArray(s.enum) ? 'enum' : 'const';
    const types = typesOf(s);
    const typesSrc = types === null ? 'None' : `(${types.map(pyStr).join(', ')},)`;
    const simple = values.every((v) => v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v)));
    if (simple) {
      const lit = `Literal[${values.map(pyLiteral).join(', ')}]`;
      return rule === 'enum' && types === null && values.length > 1 ? lit : `Annotated[${lit}, rt.literal(${pyStr(rule)}, ${pyLiteral(values)}, ${typesSrc})]`;
    }
    return `Annotated[Any, rt.equals(${pyLiteral(values)}, ${pyStr(rule)}, ${typesSrc})]`;
  }

  #union(rule: 'oneOf' | 'anyOf', branches: Schema[], hint: string, deps: Set<string>, discriminator: string | undefined, ptr: string): string {
    const types = branches.map((b, i) => this.typeOf(b, `${hint}Option${i}`, deps, `${ptr}/${i}`));
    if (types.length === 1) return types[0]!;
    const disc = this.#discriminator(branches, types, discriminator);
    let exclusive = rule === 'oneOf' && disc === null;
    if (exclusive) {
      const sets = branches.map((b) => this.#jsonTypes(b));
      exclusive = sets.some((a, i) => sets.some((b, j) => j > i && [...a].some((x) => b.has(x))));
    }
    // pydantic reads a discriminator's values from a plain Literal (no validator around it): see defineAll
    if (disc) for (const t of types) this.#discriminated.push([t, disc]);
    const tuple = `(${types.join(', ')},)`;
    const meta = [...(disc ? [`Field(discriminator=${pyStr(disc)})`] : []), `rt.union(${pyStr(rule)}, ${tuple}, ${exclusive ? 'True' : 'False'})`];
    return `Annotated[Union[${types.join(', ')}], ${meta.join(', ')}]`;
  }

  /** A property every branch requires with a distinct constant string: pydantic can pick the branch by it. */
  #discriminator(branches: Schema[], types: string[], preferred?: string): string | null {
    if (types.some((t) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(t))) return null;
    const resolved = branches.map((b) => this.#deref(b));
    if (!resolved.every((r) => isObj(r) && isObj(r.properties) && this.#isClass(r as JsonSchema))) return null;
    const rs = resolved as JsonSchema[];
    const candidates = Object.keys(rs[0]!.properties as object);
    for (const p of preferred ? [preferred, ...candidates] : candidates) {
      const values = rs.map((r) => {
        const prop = this.#deref((r.properties as Record<string, Schema>)[p]);
        const req = Array.isArray(r.required) && r.required.includes(p);
        if (!req || !isObj(prop)) return undefined;
        const v = 'const' in prop ? prop.const : Array.isArray(prop.enum) && prop.enum.length === 1 ? prop.enum[0] : undefined;
        return typeof v === 'string' ? v : undefined;
      });
      if (values.every((v) => v !== undefined) && new Set(values).size === values.length && p === pyFieldSafe(p)) return p;
    }
    return null;
  }

  /** A pattern as `rt.pattern(...)`: compiled when the module loads, never breaking the import (see _runtime.pattern). */
  #pattern(source: string, ptr: string): string {
    const py = ecmaToPython(source);
    for (const w of py.warnings) this.#warn(`pattern /${source}/: ${w}`, ptr);
    if (py.problem !== undefined) {
      this.#warn(`pattern /${source}/ cannot be checked by Python's re (${py.problem}): every value of this field is refused with an error naming the pattern`, ptr);
      return `rt.pattern(${pyStr(py.source)}, ${pyStr(source)}, ${pyStr(py.problem)})`;
    }
    return `rt.pattern(${pyStr(`(?a)${py.source}`)}, ${pyStr(source)})`;
  }

  #single(t: string, s: JsonSchema, hint: string, deps: Set<string>, ptr: string): string {
    const f: string[] = [];
    const extra: string[] = [];
    const num = (k: string, arg: string) => typeof s[k] === 'number' && f.push(`${arg}=${pyLiteral(s[k])}`);
    switch (t) {
      case 'string': {
        num('minLength', 'min_length');
        num('maxLength', 'max_length');
        if (typeof s.pattern === 'string') extra.push(this.#pattern(s.pattern, `${ptr}/pattern`));
        if (typeof s.format === 'string') extra.push(`rt.fmt_if_known(${pyStr(s.format)})`);
        return annotate('str', f, extra);
      }
      case 'integer':
      case 'number': {
        num('minimum', 'ge');
        num('maximum', 'le');
        num('exclusiveMinimum', 'gt');
        num('exclusiveMaximum', 'lt');
        if (typeof s.multipleOf === 'number') {
          if (t === 'integer' && Number.isInteger(s.multipleOf)) f.push(`multiple_of=${s.multipleOf}`);
          else extra.push(`rt.multiple_of(${pyLiteral(s.multipleOf)})`);
        }
        if (typeof s.format === 'string') extra.push(`rt.fmt_if_known(${pyStr(s.format)})`);
        return annotate(t === 'integer' ? 'int' : 'float', f, extra);
      }
      case 'boolean':
        return 'bool';
      case 'array': {
        const tuple = Array.isArray(s.items);
        const item = tuple ? 'Any' : this.typeOf(s.items as Schema, `${hint}Item`, deps, `${ptr}/items`);
        num('minItems', 'min_length');
        num('maxItems', 'max_length');
        if (s.uniqueItems === true) extra.push('rt.unique_items()');
        if (tuple) {
          const items = (s.items as Schema[]).map((x, i) => this.typeOf(x, `${hint}Item${i}`, deps, `${ptr}/items/${i}`));
          const add = s.additionalItems === false ? 'False' : isObj(s.additionalItems) ? this.typeOf(s.additionalItems, `${hint}Additional`, deps, `${ptr}/additionalItems`) : 'None';
          extra.push(`rt.tuple_items((${items.map((x) => `${x}, `).join('')}), ${add})`);
        }
        if ('contains' in s) extra.push(`rt.contains(${this.typeOf(s.contains as Schema, `${hint}Contains`, deps, `${ptr}/contains`)})`);
        return annotate(`list[${item}]`, f, extra);
      }
      case 'object':
        return this.#objectType(s, hint, deps, ptr);
      default:
        return 'Any';
    }
  }

  /** The object-level keyword checks (patternProperties, propertyNames, dependencies, if/then/else) as rt calls. */
  #objectChecks(s: JsonSchema, hint: string, deps: Set<string>, ptr: string, declared: string[]): string[] {
    const checks: string[] = [];
    if (isObj(s.patternProperties) && Object.keys(s.patternProperties).length > 0) {
      const pats = Object.entries(s.patternProperties).map(([src, sub], i) => {
        const py = ecmaToPython(src);
        if (py.problem !== undefined) this.#warn(`patternProperties key /${src}/ cannot be checked by Python's re (${py.problem})`, `${ptr}/patternProperties`);
        return `(${pyStr(`(?a)${py.source}`)}, ${this.typeOf(sub as Schema, `${hint}Pattern${i}`, deps, `${ptr}/patternProperties/${esc(src)}`)})`;
      });
      const add = s.additionalProperties === false ? 'False' : isObj(s.additionalProperties) ? this.typeOf(s.additionalProperties, `${hint}Value`, deps, `${ptr}/additionalProperties`) : 'None';
      checks.push(`rt.pattern_properties((${pats.map((p) => `${p}, `).join('')}), ${add}, ${pyLiteral(declared)})`);
    }
    if (isObj(s.dependencies)) {
      const entries = Object.entries(s.dependencies).map(([k, d]) => `${pyStr(k)}: ${Array.isArray(d) ? pyLiteral(d) : this.typeOf(d as Schema, `${hint}Dependency`, deps, `${ptr}/dependencies/${esc(k)}`)}`);
      checks.push(`rt.dependencies({${entries.join(', ')}})`);
    }
    if ('if' in s && ('then' in s || 'else' in s)) {
      const part = (k: string, n: string) => (k in s ? this.typeOf(s[k] as Schema, `${hint}${n}`, deps, `${ptr}/${k}`) : 'None');
      checks.push(`rt.if_then_else(${part('if', 'If')}, ${part('then', 'Then')}, ${part('else', 'Else')})`);
    }
    return checks;
  }

  /** Keyword checks on a schema without a type (`Any`): the object and array keywords apply to such values too. */
  #withKeywordChecks(base: string, s: JsonSchema, hint: string, deps: Set<string>, ptr: string, _object: boolean): string {
    const checks = this.#objectChecks(s, hint, deps, ptr, isObj(s.properties) ? Object.keys(s.properties) : []);
    return checks.length ? `Annotated[${base}, ${checks.map((c) => `rt.before(${c})`).join(', ')}]` : base;
  }

  #objectType(s: JsonSchema, hint: string, deps: Set<string>, ptr: string): string {
    const objectSchema = { ...s, type: 'object' };
    if (this.#isClass(objectSchema)) {
      const name = this.#unique(pyTypeName(hint));
      this.#defineClass(objectSchema, name, ptr);
      deps.add(name);
      return name;
    }
    let key = 'str';
    const pp = isObj(s.patternProperties) ? Object.entries(s.patternProperties) : [];
    const simplePattern = pp.length === 1 && s.additionalProperties === false;
    let value = isObj(s.additionalProperties) && pp.length === 0 ? this.typeOf(s.additionalProperties, `${hint}Value`, deps, `${ptr}/additionalProperties`) : 'Any';
    if (isObj(s.propertyNames)) key = this.typeOf({ type: 'string', ...s.propertyNames }, `${hint}Key`, deps, `${ptr}/propertyNames`);
    const meta: string[] = [];
    if (simplePattern) {
      const py = ecmaToPython(pp[0]![0]);
      key = `Annotated[${key}, rt.key_pattern(${pyStr(`(?a)${py.source}`)}, "additionalProperties")]`;
      value = this.typeOf(pp[0]![1] as Schema, `${hint}Value`, deps, `${ptr}/patternProperties/${esc(pp[0]![0])}`);
    }
    if (typeof s.minProperties === 'number' || typeof s.maxProperties === 'number') meta.push(`rt.properties_count(${lit(s.minProperties)}, ${lit(s.maxProperties)})`);
    const checks = this.#objectChecks(simplePattern ? { ...s, patternProperties: undefined } : s, hint, deps, ptr, []);
    meta.push(...checks.map((c) => `rt.before(${c})`));
    return annotate(`dict[${key}, ${value}]`, [], meta);
  }

  #defineClass(s: JsonSchema, name: string, ptr: string): void {
    const deps = new Set<string>();
    const patterns = isObj(s.patternProperties) && Object.keys(s.patternProperties).length > 0;
    const spec: ClassSpec = {
      kind: 'class',
      name,
      description: str(s.description),
      // patternProperties: the undeclared keys are rt.pattern_properties' to check (and keep)
      extra: patterns ? 'allow' : s.additionalProperties === false ? 'forbid' : isObj(s.additionalProperties) ? 'allow' : 'ignore',
      checks: [],
      fields: [],
      deps,
    };
    this.defs.set(name, spec); // before the fields: a recursive schema refers to itself
    this.#unsupported(s, ptr);
    const props = isObj(s.properties) ? (s.properties as Record<string, Schema>) : {};
    const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
    for (const [wire, ps] of Object.entries(props)) {
      const type = this.typeOf(ps, `${name}${pascal(wire)}`, deps, `${ptr}/properties/${esc(wire)}`);
      const target = this.#deref(ps);
      const nullable = this.acceptsNull(ps);
      const def = isObj(ps) && 'default' in ps ? ps.default : isObj(target) && 'default' in target ? target.default : undefined;
      // `default: null` on a field that refuses null is no default: the field stays unset (and out of dumps).
      const hasDefault = def !== undefined && !(def === null && !nullable);
      spec.fields.push({
        wire,
        type,
        required: required.has(wire),
        defaultSrc: hasDefault ? pyLiteral(def) : undefined,
        factory: hasDefault && typeof def === 'object' && def !== null,
        description: str(isObj(ps) ? ps.description : undefined) ?? str(isObj(target) ? target.description : undefined),
        nullable,
      });
    }
    const missing = [...required].filter((r) => !(r in props));
    if (missing.length > 0) spec.checks.push(`rt.required_keys(${pyLiteral(missing)})`);
    if (isObj(s.additionalProperties) && !patterns) (spec as { extraType?: string }).extraType = this.typeOf(s.additionalProperties, `${name}Value`, deps, `${ptr}/additionalProperties`);
    for (const k of ['oneOf', 'anyOf'] as const) {
      if (Array.isArray(s[k]) && requiredOnly(s[k] as Schema[])) {
        spec.checks.push(`rt.any_required(${pyLiteral((s[k] as JsonSchema[]).map((b) => b.required))}, ${pyStr(k)})`);
      }
    }
    if (typeof s.minProperties === 'number' || typeof s.maxProperties === 'number') spec.checks.push(`rt.properties_between(${lit(s.minProperties)}, ${lit(s.maxProperties)})`);
    if (isObj(s.propertyNames)) spec.checks.push(`rt.property_names(${this.typeOf({ type: 'string', ...s.propertyNames }, `${name}Key`, deps, `${ptr}/propertyNames`)})`);
    spec.checks.push(...this.#objectChecks(s, name, deps, ptr, Object.keys(props)));
  }
}

/** Keywords with an rt check: a schema holding one is not merged into an allOf model. */
const KEYWORD_CHECKS = ['patternProperties', 'propertyNames', 'dependencies', 'if', 'not', 'allOf'];

/** Draft-07 keywords the TypeScript validators check and the Python models do not (warned per schema). Empty now:
 *  every assertion keyword Ajv checks has a Python counterpart, except in schemas without a type (below). */
const UNCHECKED: string[] = [];

/** Value keywords ignored on a schema without `type` (and without properties/items that imply one). */
const UNTYPED_UNCHECKED = ['pattern', 'minLength', 'maxLength', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'contains', 'minItems', 'maxItems', 'uniqueItems', 'additionalItems', 'propertyNames', 'minProperties', 'maxProperties'];

/** A JSON pointer token. */
function esc(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function lit(v: unknown): string {
  return typeof v === 'number' ? pyLiteral(v) : 'None';
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** pydantic discriminators name the field; only properties that are their own Python name qualify. */
function pyFieldSafe(p: string): string {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(p) && !p.startsWith('model_') ? p : '';
}

function typesOf(s: JsonSchema): string[] | null {
  if (Array.isArray(s.type)) return s.type.map(String);
  if (typeof s.type === 'string') return [s.type];
  if (isObj(s.properties) || isObj(s.additionalProperties) || Array.isArray(s.required) || isObj(s.patternProperties)) return ['object'];
  if ('items' in s) return ['array'];
  return null;
}

/** oneOf/anyOf branches that only list required keys (`anyOf: [{required: [email]}, {required: [phone]}]`). */
function requiredOnly(branches: Schema[]): boolean {
  return branches.every((b) => isObj(b) && Array.isArray(b.required) && Object.keys(b).every((k) => k === 'required' || k === 'description' || k === 'title'));
}

function annotate(base: string, fieldArgs: string[], extra: string[]): string {
  const meta = [...(fieldArgs.length ? [`Field(${fieldArgs.join(', ')})`] : []), ...extra];
  return meta.length ? `Annotated[${base}, ${meta.join(', ')}]` : base;
}
