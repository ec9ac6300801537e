/**
 * Document problems, reported as `<message> at <JSON pointer> (line N)`: every problem of a document is
 * collected first, then thrown together as one ContractLoadError.
 */

export interface Diagnostic {
  readonly message: string;
  /** JSON pointer into the document, in URI-fragment form: '#/channels/sttFinal/address' ('#' = root). */
  readonly pointer: string;
  /** 1-based line in the source text, when known. */
  readonly line?: number;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.message} at ${d.pointer}${d.line !== undefined ? ` (line ${d.line})` : ''}`;
}

/** The document could not be read into a contract. `diagnostics` holds every problem found. */
export class ContractLoadError extends Error {
  override readonly name = 'ContractLoadError';
  readonly sourcePath: string;
  readonly diagnostics: readonly Diagnostic[];
  constructor(sourcePath: string, diagnostics: readonly Diagnostic[], options?: { cause?: unknown }) {
    const n = diagnostics.length;
    super(
      `invalid contract document ${sourcePath}: ${n} problem${n === 1 ? '' : 's'}\n` +
        diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join('\n'),
      options,
    );
    this.sourcePath = sourcePath;
    this.diagnostics = diagnostics;
  }
}

export function isContractLoadError(e: unknown): e is ContractLoadError {
  return e instanceof Error && e.name === 'ContractLoadError' && Array.isArray((e as ContractLoadError).diagnostics);
}

/** A problem found while emitting (e.g. a schema that would become an anonymous model). */
export class GenerateError extends Error {
  override readonly name = 'GenerateError';
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.diagnostics = diagnostics;
  }
}

/**
 * Encode path segments as a JSON pointer URI fragment ('#/a/b~1c'): `~` and `/` escaped (RFC 6901), `%` as `%25`
 * (RFC 3986: a `$ref` fragment is percent-decoded, so a key holding `%` must be written `%25` to be found).
 */
export function toPointer(path: readonly (string | number)[]): string {
  return '#' + path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1').replace(/%/g, '%25')).join('');
}

/** Decode a '#/a/b~1c' pointer into its segments; a `%` not followed by two hex digits is taken as it is. */
export function fromPointer(pointer: string): string[] {
  const p = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (p === '') return [];
  return p
    .slice(1)
    .split('/')
    .map((s) => percentDecode(s).replace(/~1/g, '/').replace(/~0/g, '~'));
}

function percentDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%[0-9A-Fa-f]{2}/g, (h) => {
      try {
        return decodeURIComponent(h);
      } catch {
        return h; // one byte of a multi-byte sequence on its own
      }
    });
  }
}
