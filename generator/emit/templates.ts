/** Handlebars templates of generator/templates, compiled once per process. */
import { readFileSync } from 'node:fs';

type Render = (view: object) => string;
let cache: Map<string, Render> | undefined;

async function load(): Promise<Map<string, Render>> {
  if (cache) return cache;
  const { default: Handlebars } = await import('handlebars');
  const hb = Handlebars.create();
  const read = (n: string) => readFileSync(new URL(`../templates/${n}.hbs`, import.meta.url), 'utf8');
  hb.registerPartial('descriptor', read('descriptor'));
  hb.registerPartial('functions', read('functions'));
  const opts = { noEscape: false, strict: true, preventIndent: true } as const;
  cache = new Map<string, Render>(['api', 'channels', 'contract', 'index', 'topics'].map((n) => [n, hb.compile(read(n), opts)] as [string, Render]));
  return cache;
}

export async function render(name: string, view: object): Promise<string> {
  const t = (await load()).get(name);
  if (!t) throw new Error(`no template ${name}`);
  return t(view);
}
