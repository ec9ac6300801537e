// ---- support (same in every generated contract) ----------------------------------------------------
const OK = Object.freeze({ ok: true });

function escapeKey(k) {
  return String(k).replace(/~/g, '~0').replace(/\//g, '~1');
}

function refName(ref) {
  return typeof ref === 'string' ? ref.slice(ref.lastIndexOf(':') + 1) : '?';
}

/** One Ajv error as a FieldError: paths point at the missing / extra key for required / additionalProperties. */
function fieldError(e) {
  const p = e.params || {};
  if (e.propertyName !== undefined) {
    // A propertyNames sub-schema failed: the path points at the offending key.
    const f = fieldError({ ...e, propertyName: undefined });
    return { path: e.instancePath + '/' + escapeKey(e.propertyName), message: 'key ' + JSON.stringify(e.propertyName) + ' ' + f.message, rule: f.rule };
  }
  switch (e.keyword) {
    case 'propertyNames':
      return { path: e.instancePath + '/' + escapeKey(p.propertyName), message: 'is not an allowed key', rule: 'propertyNames' };
    case 'required':
      return { path: e.instancePath + '/' + escapeKey(p.missingProperty), message: 'is required', rule: 'required' };
    case 'additionalProperties':
      return { path: e.instancePath + '/' + escapeKey(p.additionalProperty), message: 'is not allowed (unknown key)', rule: 'additionalProperties' };
    case 'const':
      return { path: e.instancePath, message: 'must be ' + JSON.stringify(p.allowedValue), rule: 'const' };
    case 'enum':
      return { path: e.instancePath, message: 'must be one of ' + (p.allowedValues || []).map((v) => JSON.stringify(v)).join(', '), rule: 'enum' };
    case 'type':
      return { path: e.instancePath, message: 'must be ' + String(p.type).split(',').join(' or '), rule: 'type' };
    default:
      return { path: e.instancePath, message: e.message || 'is invalid', rule: e.keyword };
  }
}

function isDirectChild(path, parent) {
  return path.startsWith(parent + '/') && path.indexOf('/', parent.length + 1) === -1;
}

/** Does a branch's error list say "this is not the branch you meant" (a wrong discriminator or type)? */
function branchMismatch(errs, at) {
  return errs.some(
    (e) =>
      (e.instancePath === at && e.keyword === 'type') ||
      ((e.keyword === 'const' || e.keyword === 'enum') && isDirectChild(e.instancePath, at)),
  );
}

function oneOfError(e, branches) {
  const p = e.params || {};
  if (Array.isArray(p.passingSchemas)) {
    return { path: e.instancePath, message: 'matches more than one of ' + branches.join(', '), rule: 'oneOf' };
  }
  return { path: e.instancePath, message: 'must match exactly one of ' + branches.join(', '), rule: 'oneOf' };
}

/**
 * Ajv errors → FieldErrors. For a failed oneOf (every branch a $ref to a named schema), each branch is
 * re-run on the value: when exactly one branch fits the value's discriminator / type (or one branch has
 * the fewest errors), its errors are reported; otherwise the oneOf itself. Ajv puts a oneOf's branch
 * errors directly before the oneOf error, so the block to replace is known from the re-runs' counts.
 */
function toFieldErrors(errors) {
  const stack = [];
  for (const e of errors) {
    if (e.keyword !== 'oneOf') {
      const f = fieldError(e);
      const prev = stack.length > 0 ? stack[stack.length - 1] : undefined;
      // Ajv follows a failed propertyNames sub-check with a generic propertyNames error for the same key.
      if (e.keyword === 'propertyNames' && prev && prev.fields.length === 1 && prev.fields[0].path === f.path) {
        prev.raw += 1;
        continue;
      }
      stack.push({ raw: 1, fields: [f] });
      continue;
    }
    const refs = Array.isArray(e.schema) ? e.schema.map((b) => (b && typeof b.$ref === 'string' ? b.$ref : null)) : [];
    const names = refs.map((r, i) => (r ? refName(r) : 'branch ' + i));
    const fns = refs.map((r) => (r ? NAMED[r] : undefined));
    let raw = 0;
    let chosen = null;
    if (fns.length > 0 && fns.every(Boolean)) {
      const results = fns.map((fn) => (fn(e.data, { instancePath: e.instancePath }) ? [] : fn.errors.slice()));
      raw = results.reduce((n, r) => n + r.length, 0);
      const params = e.params || {};
      if (!Array.isArray(params.passingSchemas)) {
        let cands = results.map((_, i) => i).filter((i) => !branchMismatch(results[i], e.instancePath));
        if (cands.length > 1) {
          const min = Math.min(...cands.map((i) => results[i].length));
          cands = cands.filter((i) => results[i].length === min);
        }
        if (cands.length === 1 && results[cands[0]].length > 0) chosen = toFieldErrors(results[cands[0]]);
      }
    }
    let consumed = 0;
    while (consumed < raw && stack.length > 0) consumed += stack.pop().raw;
    stack.push({ raw: consumed + 1, fields: chosen || [oneOfError(e, names)] });
  }
  const out = [];
  for (const s of stack) for (const f of s.fields) out.push(f);
  return out;
}

function wrap(fn) {
  return (value) => (fn(value) ? OK : { ok: false, errors: toFieldErrors(fn.errors || []) });
}
