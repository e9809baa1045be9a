/**
 * A tiny native compiler for the most common shape of FHIR invariants, so that ingest does not pay
 * fhirpath.js's ~10 µs per evaluation for them: boolean combinations (`and`, `or`, `implies`,
 * parentheses, `.not()`) of `path.empty()` / `path.exists()` / `path.hasValue()` where `path` is a
 * dotted list of plain element names (e.g. `dataAbsentReason.empty() or value.empty()`,
 * `code.empty() or system.exists()`). Anything else returns undefined and goes to fhirpath.js.
 *
 * Element names are matched on the JSON: `name`, `_name` (a primitive with only extensions exists),
 * and, when the model says `name` is a choice element, every `nameXxx` variant.
 */
type Node = Record<string, unknown>;
export type FastPredicate = (focus: Node) => boolean;

const TOKEN = /\s*(\(|\)|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\.(?:empty|exists|hasValue)\(\)|\.not\(\)|and\b|or\b|implies\b)/y;

function collect(focus: unknown[], name: string, choice: boolean): unknown[] {
  const out: unknown[] = [];
  for (const f of focus) {
    if (typeof f !== 'object' || f === null) continue;
    const o = f as Node;
    const push = (v: unknown) => {
      if (v === undefined || v === null) return;
      if (Array.isArray(v)) {
        for (const x of v) if (x !== null) out.push(x);
      } else out.push(v);
    };
    if (choice) {
      for (const k in o) {
        const s = k.startsWith('_') ? k.slice(1) : k;
        if (s.length > name.length && s.startsWith(name) && s.charCodeAt(name.length) < 91 && s.charCodeAt(name.length) > 64) push(o[k]);
      }
    } else {
      push(o[name]);
      push(o['_' + name]);
    }
  }
  return out;
}

/**
 * Whether `collect` along `names` from `o` (one item at level k) would give anything, without
 * building the intermediate collections: `empty()` / `exists()` only need the first hit.
 */
function has(o: unknown, names: string[], underscored: string[], choices: boolean[], k: number): boolean {
  if (k === names.length) return true;
  if (typeof o !== 'object' || o === null) return false;
  const n = o as Node;
  const name = names[k];
  if (!choices[k]) return hasIn(n[name], names, underscored, choices, k + 1) || hasIn(n[underscored[k]], names, underscored, choices, k + 1);
  for (const key in n) {
    const s = key.charCodeAt(0) === 95 ? key.slice(1) : key;
    if (s.length > name.length && s.startsWith(name) && s.charCodeAt(name.length) < 91 && s.charCodeAt(name.length) > 64 && hasIn(n[key], names, underscored, choices, k + 1))
      return true;
  }
  return false;
}

/** `has` over a JSON value as `collect` pushes it: null/undefined nothing, arrays their non-null items. */
function hasIn(v: unknown, names: string[], underscored: string[], choices: boolean[], k: number): boolean {
  if (v === undefined || v === null) return false;
  if (!Array.isArray(v)) return has(v, names, underscored, choices, k);
  for (const x of v) if (x !== null && has(x, names, underscored, choices, k)) return true;
  return false;
}

function hasValue(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * Compiles the expression if it has the supported shape. `isChoice(path)` tells, for a dotted path
 * relative to the focus, whether its last name is a choice element (`value` of `value[x]`).
 */
export function compileFast(expression: string, isChoice: (relPath: string[]) => boolean | undefined): FastPredicate | undefined {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  const src = expression.trim();
  while (pos < src.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) return undefined;
    tokens.push(m[1]);
    pos = TOKEN.lastIndex;
    while (pos < src.length && /\s/.test(src[pos])) pos++;
  }
  let i = 0;
  // eslint-disable-next-line prefer-const
  let parseImplies: () => FastPredicate | undefined;
  const parsePrimary = (): FastPredicate | undefined => {
    const t = tokens[i++];
    let p: FastPredicate | undefined;
    if (t === '(') {
      p = parseImplies();
      if (tokens[i++] !== ')') return undefined;
    } else if (t && /\.(empty|exists|hasValue)\(\)$/.test(t)) {
      const dot = t.lastIndexOf('.');
      const fn = t.slice(dot + 1, -2);
      const names = t.slice(0, dot).split('.');
      const choices: boolean[] = [];
      for (let k = 0; k < names.length; k++) {
        const c = isChoice(names.slice(0, k + 1));
        if (c === undefined) return undefined; // unknown element: leave it to fhirpath.js
        choices.push(c);
      }
      const values = (focus: Node) => {
        let cur: unknown[] = [focus];
        for (let k = 0; k < names.length; k++) cur = collect(cur, names[k], choices[k]);
        return cur;
      };
      const underscored = names.map((n) => '_' + n);
      if (fn === 'empty') p = (f) => !has(f, names, underscored, choices, 0);
      else if (fn === 'exists') p = (f) => has(f, names, underscored, choices, 0);
      else p = (f) => {
        const v = values(f);
        return v.length === 1 && hasValue(v[0]);
      };
    } else return undefined;
    while (p && tokens[i] === '.not()') {
      i++;
      const q = p;
      p = (f) => !q(f);
    }
    return p;
  };
  const parseAnd = (): FastPredicate | undefined => {
    let l = parsePrimary();
    while (l && tokens[i] === 'and') {
      i++;
      const r = parsePrimary();
      if (!r) return undefined;
      const a = l;
      l = (f) => a(f) && r(f);
    }
    return l;
  };
  const parseOr = (): FastPredicate | undefined => {
    let l = parseAnd();
    while (l && tokens[i] === 'or') {
      i++;
      const r = parseAnd();
      if (!r) return undefined;
      const a = l;
      l = (f) => a(f) || r(f);
    }
    return l;
  };
  parseImplies = (): FastPredicate | undefined => {
    let l = parseOr();
    while (l && tokens[i] === 'implies') {
      i++;
      const r = parseOr();
      if (!r) return undefined;
      const a = l;
      l = (f) => !a(f) || r(f);
    }
    return l;
  };
  const p = parseImplies();
  return p && i === tokens.length ? p : undefined;
}
