/**
 * Line numbers for JSON pointers in a YAML (or JSON) document, for annotations. A pointer that does not
 * exist (a deleted field) falls back to its nearest existing ancestor; a pointer that runs through a local
 * `$ref` (e.g. a channel parameter that is `$ref: '#/components/parameters/zone'`) follows it.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

export type LineFinder = (pointer: string) => number | undefined;

function unescape(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function splitPointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer.replace(/^#/, '').split('/').slice(1).map(unescape);
}

export function makeLineFinder(text: string): LineFinder {
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter });
  } catch {
    return () => undefined;
  }
  const root = doc.contents as Node | null;
  const lineOf = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;

  /** Walks as far as the pointer goes; returns the line of the deepest node reached. */
  function find(segs: readonly string[], depth: number): number | undefined {
    let node: unknown = root;
    let line: number | undefined = lineOf((root as { range?: [number] } | null)?.range?.[0]);
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === seg);
        if (pair === undefined) {
          // follow a local $ref on the way
          const ref = node.items.find((p) => isScalar(p.key) && p.key.value === '$ref');
          const target = ref && isScalar(ref.value) ? ref.value.value : undefined;
          if (typeof target === 'string' && target.startsWith('#/') && depth < 16) {
            const via = find([...splitPointer(target.slice(1)), ...segs.slice(i)], depth + 1);
            return via ?? line;
          }
          return line;
        }
        const keyRange = (pair.key as { range?: [number] } | null)?.range;
        line = lineOf(keyRange?.[0]) ?? line;
        node = pair.value;
      } else if (isSeq(node)) {
        const idx = Number(seg);
        const item = Number.isInteger(idx) ? node.items[idx] : undefined;
        if (item === undefined) return line;
        line = lineOf((item as { range?: [number] }).range?.[0]) ?? line;
        node = item;
      } else {
        return line;
      }
    }
    return line;
  }
  return (pointer) => find(splitPointer(pointer), 0);
}
