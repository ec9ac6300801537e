/** Handlebars templates of generator/templates/python (the Python package's modules), compiled once per process. */
import { readFileSync } from 'node:fs';

type Render = (view: object) => string;
let cache: Map<string, Render> | undefined;

const NAMES = ['__init__.py', 'api.py', 'registry.py'] as const;

async function load(): Promise<Map<string, Render>> {
  if (cache) return cache;
  const { default: Handlebars } = await import('handlebars');
  const hb = Handlebars.create();
  const read = (n: string) => readFileSync(new URL(`../../templates/python/${n}.hbs`, import.meta.url), 'utf8');
  // Every value is pre-rendered Python source: no HTML escaping (triple braces in the templates), strict lookups.
  cache = new Map<string, Render>(NAMES.map((n) => [n, hb.compile(read(n), { strict: true, preventIndent: true })] as [string, Render]));
  return cache;
}

export async function renderPython(name: (typeof NAMES)[number], view: object): Promise<string> {
  const t = (await load()).get(name);
  if (!t) throw new Error(`no Python template ${name}`);
  return t(view);
}
