/**
 * Value set membership for required bindings, without a terminology server: HL7's published
 * expansions (`hl7.fhir.r4.expansions@4.0.1`) when complete (`total` equals the codes listed), else
 * a local expansion of simple composes (explicit concept lists, or whole CodeSystems of the package
 * with `content = complete`, no filters). A value set that can be expanded neither way is not
 * checked (`undefined`): Qiao does not claim what it cannot verify.
 */
import { definitions } from '../fhir/definitions.js';

export interface Expansion {
  /** `system|code` pairs. */
  pairs: Set<string>;
  /** Codes alone (for `code` elements, which carry no system). */
  codes: Set<string>;
}

interface Contains { system?: string; code?: string; abstract?: boolean; contains?: Contains[] }
interface Concept { code: string; concept?: Concept[] }
interface Include { system?: string; version?: string; concept?: { code: string }[]; filter?: unknown[]; valueSet?: string[] }
interface ValueSetResource { url?: string; compose?: { include?: Include[]; exclude?: Include[] }; expansion?: { total?: number; contains?: Contains[] } }
interface CodeSystemResource { content?: string; concept?: Concept[] }

const cache = new Map<string, Expansion | null>();

function fromExpansion(vs: ValueSetResource): Expansion | undefined {
  const exp = vs.expansion;
  if (!exp) return undefined;
  const out: Expansion = { pairs: new Set(), codes: new Set() };
  const walk = (list: Contains[] | undefined) => {
    for (const c of list ?? []) {
      if (c.code) {
        out.pairs.add(`${c.system ?? ''}|${c.code}`);
        out.codes.add(c.code);
      }
      walk(c.contains);
    }
  };
  walk(exp.contains);
  if (exp.total === undefined || exp.total !== out.codes.size) {
    // `total` counts codes; duplicates across systems make codes.size smaller, pairs is the real count
    if (exp.total === undefined || exp.total !== out.pairs.size) return undefined;
  }
  return out;
}

function fromCompose(vs: ValueSetResource, depth: number): Expansion | undefined {
  const include = vs.compose?.include;
  if (!include?.length || vs.compose?.exclude?.length || depth > 5) return undefined;
  const out: Expansion = { pairs: new Set(), codes: new Set() };
  const add = (system: string, code: string) => {
    out.pairs.add(`${system}|${code}`);
    out.codes.add(code);
  };
  for (const inc of include) {
    if (inc.filter?.length) return undefined;
    if (inc.valueSet?.length) {
      if (inc.system) return undefined; // intersection semantics: not handled
      for (const url of inc.valueSet) {
        const sub = valueSetExpansion(url, depth + 1);
        if (!sub) return undefined;
        for (const p of sub.pairs) out.pairs.add(p);
        for (const c of sub.codes) out.codes.add(c);
      }
      continue;
    }
    if (!inc.system) return undefined;
    if (inc.concept?.length) {
      for (const c of inc.concept) add(inc.system, c.code);
      continue;
    }
    const cs = definitions().byCanonical(inc.system) as CodeSystemResource | undefined;
    if (!cs || cs.content !== 'complete') return undefined;
    const walk = (list: Concept[] | undefined) => {
      for (const c of list ?? []) {
        add(inc.system!, c.code);
        walk(c.concept);
      }
    };
    walk(cs.concept);
  }
  return out;
}

/** The codes of a value set, or undefined when it cannot be expanded locally. Cached. */
export function valueSetExpansion(url: string, depth = 0): Expansion | undefined {
  // hot path (a required binding per coded element): the URL as given is usually cached already
  const hit = cache.get(url);
  if (hit !== undefined) return hit ?? undefined;
  const key = url.split('|')[0];
  let e = cache.get(key);
  if (e === undefined) {
    const reg = definitions();
    const published = reg.expansion(key) as ValueSetResource | undefined;
    e = (published && fromExpansion(published)) ?? null;
    if (!e) {
      const vs = reg.byCanonical(key) as ValueSetResource | undefined;
      e = (vs && (fromExpansion(vs) ?? fromCompose(vs, depth))) ?? null;
    }
    cache.set(key, e);
  }
  cache.set(url, e);
  return e ?? undefined;
}
