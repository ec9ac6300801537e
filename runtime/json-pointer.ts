/** JSON pointers (RFC 6901): the paths of FieldErrors, correlation locations and lifecycle fields. */

/** One reference token: `~` → `~0`, `/` → `~1`. */
export function escapeToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** '/a/b~1c' → ['a', 'b/c']; '' → []. Throws on a pointer that does not start with '/'. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`invalid JSON pointer '${pointer}': it must start with '/'`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
