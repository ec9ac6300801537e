/**
 * generated/TOPICS.md: the topic catalogue (table, Mermaid flowchart of services and topics, and one
 * section per channel with its payload fields, walked through $refs, nested objects, arrays and oneOf).
 */
import type { ChannelIR, ContractIR, JsonSchema } from '../ir.js';
import { framingDoc } from './channels.js';
import { mdHeader, type GeneratedFile } from './header.js';
import { render } from './templates.js';
import { namedSchemas } from './types.js';

const REF = '#/components/schemas/';

/** Markdown table cell text. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').trim();
}

function code(s: string): string {
  return '`' + s.replace(/`/g, "'") + '`';
}

interface FieldRow {
  name: string;
  description: string;
  type: string;
  required: string;
  nullable: string;
  default: string;
  constraints: string;
}

/** What the runtime sends on an x-lifecycle channel, for the catalogue. */
function lifecycleDoc(l: NonNullable<ChannelIR['lifecycle']>): string {
  const events = l.role === 'health' ? '`ready`, `reconnected`, `shutdown`, and the Last Will `offline`' : '`heartbeat`, every heartbeat interval';
  const fields = Object.entries(l.fields).map(([k, p]) => `${k} → \`${p}\``).join(', ');
  const who = l.clientIdParameter ? ` on its client id (\`{${l.clientIdParameter}}\`)` : '';
  return `${l.role} channel (\`x-lifecycle\`): a client with ${l.role} enabled publishes ${events}${who}; fields ${fields}.`;
}

class SchemaWalker {
  constructor(private readonly schemas: Record<string, JsonSchema>) {}

  refName(s: JsonSchema): string | null {
    const r = s.$ref;
    return typeof r === 'string' && r.startsWith(REF) ? r.slice(REF.length).split('/')[0]! : null;
  }

  /** Follow refs; the schema plus the name of the last named schema on the way. */
  resolve(s: JsonSchema, seen = new Set<string>()): { schema: JsonSchema; name: string | null } {
    let cur = s;
    let name: string | null = null;
    while (typeof cur.$ref === 'string') {
      const n = this.refName(cur);
      if (n === null || seen.has(n) || !this.schemas[n]) break;
      seen.add(n);
      name = n;
      cur = this.schemas[n]!;
    }
    return { schema: cur, name };
  }

  isObject(s: JsonSchema): boolean {
    return s.type === 'object' || (s.type === undefined && typeof s.properties === 'object');
  }

  typeOf(s0: JsonSchema): string {
    const { schema: s, name } = this.resolve(s0);
    if (name && (this.isObject(s) || Array.isArray(s.oneOf) || Array.isArray(s.anyOf))) return name;
    if (s.const !== undefined) return JSON.stringify(s.const);
    if (Array.isArray(s.enum)) return s.enum.filter((v) => v !== null).map((v) => JSON.stringify(v)).join(' | ');
    const alts = (Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : null) as JsonSchema[] | null;
    if (alts) return alts.map((a) => this.typeOf(a)).join(' | ');
    const types = (Array.isArray(s.type) ? s.type : s.type !== undefined ? [s.type] : []).filter((t) => t !== 'null') as string[];
    const arr = types.map((t) => (t === 'array' ? `${s.items && typeof s.items === 'object' && !Array.isArray(s.items) ? this.typeOf(s.items as JsonSchema) : 'any'}[]` : t));
    if (arr.length === 0) return typeof s.title === 'string' && name ? `any (${name})` : 'any';
    return arr.join(' | ');
  }

  nullable(s0: JsonSchema): boolean {
    const { schema: s } = this.resolve(s0);
    if (Array.isArray(s.type) && s.type.includes('null')) return true;
    if (s.type === 'null') return true;
    if (Array.isArray(s.enum) && s.enum.includes(null)) return true;
    const alts = (s.oneOf ?? s.anyOf) as JsonSchema[] | undefined;
    return Array.isArray(alts) && alts.some((a) => this.nullable(a));
  }

  constraints(s0: JsonSchema): string {
    const { schema: s } = this.resolve(s0);
    const out: string[] = [];
    const num = (k: string, label: string) => typeof s[k] === 'number' && out.push(`${label} ${String(s[k])}`);
    num('minimum', '≥');
    num('exclusiveMinimum', '>');
    num('maximum', '≤');
    num('exclusiveMaximum', '<');
    num('minLength', 'min length');
    num('maxLength', 'max length');
    num('minItems', 'min items');
    num('maxItems', 'max items');
    if (s.uniqueItems === true) out.push('unique items');
    if (typeof s.pattern === 'string') out.push(`pattern ${code(s.pattern)}`);
    if (typeof s.format === 'string') out.push(`format ${s.format}`);
    if (this.isObject(s)) {
      if (s.additionalProperties === false) out.push('no extra keys');
      else if (s.additionalProperties === true) out.push('extra keys allowed');
    }
    return out.join(', ');
  }

  /** Rows for the properties of an object schema (recursing into nested objects and arrays of objects). */
  rows(s0: JsonSchema, prefix: string, seen: Set<string>, out: FieldRow[]): FieldRow[] {
    const { schema: s, name } = this.resolve(s0);
    if (name) {
      if (seen.has(name)) return out;
      seen = new Set(seen).add(name);
    }
    const props = (s.properties ?? {}) as Record<string, JsonSchema>;
    const required = Array.isArray(s.required) ? (s.required as string[]) : [];
    for (const key of Object.keys(props)) {
      const p = props[key]!;
      const full = prefix + key;
      const { schema: ps } = this.resolve(p);
      const desc = typeof ps.description === 'string' ? ps.description : typeof p.description === 'string' ? p.description : '';
      const def = p.default !== undefined ? p.default : ps.default;
      out.push({
        name: cell(code(full)),
        description: cell(desc),
        type: cell(this.typeOf(p)),
        required: required.includes(key) ? 'yes' : 'no',
        nullable: this.nullable(p) ? 'yes' : 'no',
        default: def !== undefined ? cell(code(JSON.stringify(def))) : '',
        constraints: cell(this.constraints(p)),
      });
      if (this.isObject(ps) && ps.properties) this.rows(p, `${full}.`, seen, out);
      else if ((ps.type === 'array' || (Array.isArray(ps.type) && ps.type.includes('array'))) && ps.items && typeof ps.items === 'object' && !Array.isArray(ps.items)) {
        const { schema: it } = this.resolve(ps.items as JsonSchema);
        if (this.isObject(it) && it.properties) this.rows(ps.items as JsonSchema, `${full}[].`, seen, out);
      }
    }
    return out;
  }

  /** One field table per object shape: the model itself, or each oneOf/anyOf branch. */
  tables(s0: JsonSchema, typeName: string): { caption: string; rows: FieldRow[] }[] {
    const { schema: s } = this.resolve(s0);
    const alts = (Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : null) as JsonSchema[] | null;
    if (alts) {
      const kw = Array.isArray(s.oneOf) ? 'one of' : 'any of';
      return alts.map((a, i) => {
        const n = this.resolve(a).name ?? `branch ${i + 1}`;
        return { caption: `Payload \`${typeName}\`, ${kw} (${i + 1}/${alts.length}): \`${n}\` ${cell(this.constraints(a))}`.trimEnd(), rows: this.rows(a, '', new Set(), []) };
      });
    }
    if (!this.isObject(s)) {
      return [{ caption: `Payload \`${typeName}\`: ${cell(this.typeOf(s0))}${this.constraints(s0) ? ` (${cell(this.constraints(s0))})` : ''}`, rows: [] }];
    }
    const c = this.constraints(s0);
    return [{ caption: `Payload \`${typeName}\`${c ? ` (${c})` : ''}:`, rows: this.rows(s0, '', new Set(), []) }];
  }
}

function anchor(c: ChannelIR): string {
  return `channel-${c.id.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
}

function mermaid(ir: ContractIR): string {
  const ids = new Map<string, string>();
  const nodeId = (svc: string) => {
    let id = ids.get(svc);
    if (!id) ids.set(svc, (id = `s${ids.size + 1}`));
    return id;
  };
  const services = [...new Set(ir.channels.flatMap((c) => [...c.publishers, ...c.subscribers]))].sort();
  const unknown = '(undeclared)';
  const edges = new Map<string, string[]>();
  for (const c of ir.channels) {
    const pubs = c.publishers.length ? c.publishers : [unknown];
    const subs = c.subscribers.length ? c.subscribers : [unknown];
    for (const p of pubs) for (const s of subs) {
      if (p === unknown && s === unknown) continue;
      const k = `${p}\u0000${s}`;
      (edges.get(k) ?? edges.set(k, []).get(k)!).push(c.address);
    }
  }
  const usesUnknown = [...edges.keys()].some((k) => k.split('\u0000').includes(unknown));
  const lines = ['flowchart LR'];
  for (const s of [...services, ...(usesUnknown ? [unknown] : [])]) lines.push(`  ${nodeId(s)}["${s.replace(/"/g, '#quot;')}"]`);
  for (const k of [...edges.keys()].sort()) {
    const [p, s] = k.split('\u0000') as [string, string];
    const label = edges.get(k)!.map((a) => a.replace(/"/g, '#quot;')).join('<br/>');
    lines.push(`  ${nodeId(p)} -->|"${label}"| ${nodeId(s)}`);
  }
  return lines.join('\n');
}

export async function emitTopics(ir: ContractIR): Promise<GeneratedFile> {
  const walker = new SchemaWalker(namedSchemas(ir));
  const byId = new Map(ir.channels.map((c) => [c.id, c]));
  const link = (id: string) => {
    const c = byId.get(id);
    return c ? `[\`${c.address}\`](#${anchor(c)})` : code(id);
  };
  const framing = (c: ChannelIR) => cell(framingDoc(c));
  const list = (xs: readonly string[]) => (xs.length ? xs.map(cell).join(', ') : '—');
  const rows = ir.channels.map((c) => ({
    address: cell(c.address),
    anchor: anchor(c),
    qos: c.qos,
    retain: c.retain ? 'yes' : 'no',
    framing: framing(c),
    flow: `${list(c.publishers)} → ${list(c.subscribers)}`,
    reply: c.reply ? link(c.reply) : '—',
  }));
  const sections = ir.channels.map((c) => {
    const requests = ir.channels.filter((r) => r.reply === c.id).map((r) => link(r.id));
    const tables = c.envelopeSchema
      ? [
          { caption: `Envelope \`${c.envelopeTypeName ?? 'envelope'}\` (the wire message; the model is in \`data\`):`, rows: walker.rows(c.envelopeSchema, '', new Set(), []).filter((r) => !r.name.startsWith('`data.')) },
          ...walker.tables(c.dataSchema, c.dataTypeName),
        ]
      : walker.tables(c.dataSchema, c.dataTypeName);
    return {
      heading: `<a id="${anchor(c)}"></a>\`${c.address}\``,
      id: c.id,
      description: c.description ?? c.summary ?? '',
      qos: c.qos,
      retain: c.retain ? 'retained' : 'not retained',
      framing: framingDoc(c),
      publishers: list(c.publishers),
      subscribers: list(c.subscribers),
      reply: c.reply ? link(c.reply) : '',
      requestOf: requests.join(', '),
      correlation: c.correlation?.location ?? '',
      lifecycle: c.lifecycle ? lifecycleDoc(c.lifecycle) : '',
      parameters: c.parameters.map((p) => ({
        name: cell(p.name),
        description: cell(p.description ?? ''),
        values: p.enum ? cell(p.enum.map((v) => code(v)).join(', ')) : p.examples ? cell('e.g. ' + p.examples.map((v) => code(v)).join(', ')) : 'any',
      })),
      tables,
    };
  });
  const content = await render('topics', {
    header: mdHeader(ir).trimEnd(),
    title: `${ir.info.title} ${ir.info.version}`,
    description: ir.info.description ?? '',
    rows,
    mermaid: mermaid(ir),
    sections,
  });
  return { name: 'TOPICS.md', content: content.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n') };
}
