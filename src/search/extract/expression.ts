/**
 * The shapes of SearchParameter expressions that the compiled accessors handle, parsed from the
 * FHIRPath text: a union of branches (`Observation.subject | Condition.subject`), each a path of child
 * steps with type filters (`(Observation.value as Quantity)`, `.as(Quantity)`, `.ofType(Quantity)`),
 * simple filters (`.where(system='phone')`, `.where(resolve() is Patient)`, `.extension('url')`) and a
 * trailing `.resolve()`. Anything else is left to fhirpath.js (parseBranch returns undefined).
 */

export type Step =
  | { kind: 'child'; name: string }
  | { kind: 'ofType'; type: string }
  | { kind: 'whereEq'; name: string; value: string }
  | { kind: 'whereResolveIs'; type: string }
  | { kind: 'extension'; url: string }
  | { kind: 'resolve' };

export interface PathExpr {
  /** The leading type name (`Observation` in `Observation.code`), or null for a relative path. */
  root: string | null;
  steps: Step[];
}

/** Splits on `|` outside parentheses, brackets and string literals. */
export function splitUnion(expression: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === "'") {
      for (i++; i < expression.length && expression[i] !== "'"; i++) if (expression[i] === '\\') i++;
    } else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '|' && depth === 0) {
      out.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(expression.slice(start).trim());
  return out.filter((b) => b.length > 0);
}

/**
 * The leading identifier of a branch (`Observation` in `(Observation.value as Quantity)`), used to keep
 * only the branches for the resource type at hand; undefined when it starts with something else
 * (`%resource`, a literal).
 */
export function leadingIdentifier(branch: string): string | undefined {
  return /^\(*\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(branch)?.[1];
}

type Token = { t: 'id' | 'str' | 'sym'; v: string };

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|`([^`]*)`|'((?:[^'\\]|\\.)*)'|(!=|[.()=,]))/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    pos = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ t: 'id', v: m[1] });
    else if (m[2] !== undefined) tokens.push({ t: 'id', v: m[2] });
    else if (m[3] !== undefined) {
      if (m[3].includes('\\')) return undefined; // escapes: leave to fhirpath.js
      tokens.push({ t: 'str', v: m[3] });
    } else tokens.push({ t: 'sym', v: m[4] });
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }
  private take(t: Token['t'], v?: string): string | undefined {
    const tok = this.tokens[this.i];
    if (!tok || tok.t !== t || (v !== undefined && tok.v !== v)) return undefined;
    this.i++;
    return tok.v;
  }
  done(): boolean {
    return this.i === this.tokens.length;
  }

  /** postfix ('as' TypeName)? */
  expr(): PathExpr | undefined {
    const e = this.postfix();
    if (!e) return undefined;
    if (this.peek()?.t === 'id' && this.peek()?.v === 'as') {
      this.i++;
      const type = this.typeName();
      if (!type) return undefined;
      e.steps.push({ kind: 'ofType', type });
    }
    return e;
  }

  private typeName(): string | undefined {
    let name = this.take('id');
    if (name && (name === 'FHIR' || name === 'System') && this.peek()?.v === '.') {
      this.i++;
      const rest = this.take('id');
      name = rest ? `${name}.${rest}` : undefined;
    }
    return name;
  }

  private postfix(): PathExpr | undefined {
    let e: PathExpr;
    if (this.take('sym', '(') !== undefined) {
      const inner = this.expr();
      if (!inner || this.take('sym', ')') === undefined) return undefined;
      e = inner;
    } else {
      const first = this.take('id');
      if (!first) return undefined;
      if (this.peek()?.v === '(') return undefined; // a function at the start
      e = /^[A-Z]/.test(first) ? { root: first, steps: [] } : { root: null, steps: [{ kind: 'child', name: first }] };
    }
    while (this.take('sym', '.') !== undefined) {
      const step = this.invocation();
      if (!step) return undefined;
      e.steps.push(step);
    }
    return e;
  }

  private invocation(): Step | undefined {
    const name = this.take('id');
    if (!name) return undefined;
    if (this.take('sym', '(') === undefined) return { kind: 'child', name };
    let step: Step | undefined;
    if (name === 'as' || name === 'ofType') {
      const type = this.typeName();
      step = type ? { kind: 'ofType', type } : undefined;
    } else if (name === 'extension') {
      const url = this.take('str');
      step = url !== undefined ? { kind: 'extension', url } : undefined;
    } else if (name === 'resolve') {
      step = { kind: 'resolve' };
    } else if (name === 'where') {
      step = this.whereArgument();
    }
    if (!step || this.take('sym', ')') === undefined) return undefined;
    return step;
  }

  /** `name = 'literal'` or `resolve() is TypeName`. */
  private whereArgument(): Step | undefined {
    const name = this.take('id');
    if (!name) return undefined;
    if (name === 'resolve') {
      if (this.take('sym', '(') === undefined || this.take('sym', ')') === undefined || this.take('id', 'is') === undefined) return undefined;
      const type = this.typeName();
      return type ? { kind: 'whereResolveIs', type } : undefined;
    }
    if (this.take('sym', '=') === undefined) return undefined;
    const value = this.take('str');
    return value !== undefined ? { kind: 'whereEq', name, value } : undefined;
  }
}

/** Parses one branch (no top-level `|`), or undefined when it is not a shape the accessors handle. */
export function parseBranch(branch: string): PathExpr | undefined {
  const tokens = tokenize(branch);
  if (!tokens || tokens.length === 0) return undefined;
  const parser = new Parser(tokens);
  const e = parser.expr();
  return e && parser.done() ? e : undefined;
}
