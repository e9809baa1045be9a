/**
 * The contracts of FHIR search (search.html): what indexing extracts from a resource, and what a
 * query string parses into. The extractors (extract/) produce IndexRows; the parser (parse/) produces
 * a SearchQuery; the store turns a SearchQuery into SQL over the index tables built from IndexRows.
 */

export type SearchParamType = 'number' | 'date' | 'string' | 'token' | 'reference' | 'composite' | 'quantity' | 'uri' | 'special';

/** A SearchParameter as the search code needs it, resolved once from its definition. */
export interface SearchParamDef {
  code: string;
  type: SearchParamType;
  url: string;
  /** The resource types it applies to. */
  base: string[];
  /** The FHIRPath expression, as published (may cover several types joined by `|`). */
  expression?: string;
  /** For references: the types a reference may point to. */
  target?: string[];
  /** Modifiers the definition allows (informational; the parser checks modifiers by type). */
  modifier?: string[];
  /** For composites: the component parameters (by canonical url) and their expressions relative to each match. */
  component?: { definition: string; expression: string }[];
}

// ---------------------------------------------------------------------------------------------------
// Index rows: one resource's extracted values, by value kind. `param` is the SearchParameter code.
// `group` links the components of one composite value (the same number on each component's row,
// with param `${composite}#${componentIndex}`); it is null for ordinary rows.

export interface StringRow {
  param: string;
  /** Normalised for the default and :contains searches: lower case, accents and punctuation folded. */
  norm: string;
  /** The original text, for :exact. */
  exact: string;
  group?: number | null;
}

export interface TokenRow {
  param: string;
  system: string | null;
  code: string | null;
  /** Normalised display or text (Coding.display, CodeableConcept.text, Identifier.type.text), for :text. */
  text?: string | null;
  group?: number | null;
}

/**
 * Dates, instants, Periods and Timings as closed ranges of epoch milliseconds: a value's precision
 * makes it a range (2024-03 is [2024-03-01T00:00:00.000, 2024-03-31T23:59:59.999]); a date without
 * time zone is taken in UTC (documented); an open Period end is +8.64e15 (the largest Date), an open
 * start -8.64e15.
 */
export interface DateRow {
  param: string;
  start: number;
  end: number;
  group?: number | null;
}

/** A number as the range its precision implies (search.html#number: 100 is [99.5, 100.5)). */
export interface NumberRow {
  param: string;
  value: number;
  low: number;
  high: number;
  group?: number | null;
}

/** A Quantity as stated, plus its UCUM-canonical form when the unit is UCUM and convertible. */
export interface QuantityRow {
  param: string;
  value: number;
  low: number;
  high: number;
  system: string | null;
  code: string | null;
  unit: string | null;
  /** Canonical (UCUM base units) value and unit code; null when not UCUM or not convertible. */
  canonicalValue: number | null;
  canonicalLow: number | null;
  canonicalHigh: number | null;
  canonicalCode: string | null;
  group?: number | null;
}

/**
 * A reference: local (`Patient/123` or an absolute URL on our own base) as targetType + targetId;
 * anything else (external URLs, canonicals, urn:uuid left unresolved) as url. `identifier` holds
 * Reference.identifier for the :identifier modifier.
 */
export interface ReferenceRow {
  param: string;
  targetType: string | null;
  targetId: string | null;
  /** The version in `Patient/1/_history/2`, when given. */
  targetVersion: string | null;
  url: string | null;
  identifierSystem: string | null;
  identifierValue: string | null;
  group?: number | null;
}

export interface UriRow {
  param: string;
  value: string;
  group?: number | null;
}

export interface IndexRows {
  strings: StringRow[];
  tokens: TokenRow[];
  dates: DateRow[];
  numbers: NumberRow[];
  quantities: QuantityRow[];
  references: ReferenceRow[];
  uris: UriRow[];
  /** Searchable text for _text (narrative) and _content (all string content), normalised; null when empty. */
  text: string | null;
  content: string | null;
}

// ---------------------------------------------------------------------------------------------------
// Parsed queries

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

/** One value of a parameter (one item of a comma-separated OR list), already unescaped and typed. */
export type SearchValue =
  | { kind: 'number'; prefix: Prefix; value: number; low: number; high: number }
  | { kind: 'date'; prefix: Prefix; start: number; end: number; raw: string }
  | { kind: 'string'; value: string; norm: string }
  | { kind: 'token'; system: string | null | undefined; code: string | null | undefined }
  | { kind: 'text'; norm: string }
  | { kind: 'reference'; targetType?: string; id?: string; version?: string; url?: string }
  | { kind: 'identifier'; system: string | null | undefined; value: string | null | undefined }
  | {
      kind: 'quantity';
      prefix: Prefix;
      value: number;
      low: number;
      high: number;
      system: string | null | undefined;
      code: string | null | undefined;
    }
  | { kind: 'uri'; value: string }
  | { kind: 'missing'; missing: boolean }
  | { kind: 'composite'; parts: SearchValue[] }
  | { kind: 'valueset'; url: string };

/**
 * token semantics above: system undefined = any system; null = no system (`|code`); code undefined
 * = any code (`system|`).
 */

/** `subject:Patient.name=x`: each link names a reference parameter and, optionally, the target type. */
export interface ChainLink {
  param: SearchParamDef;
  targetType?: string;
}

/** `_has:Observation:patient:code=1234-5`, possibly nested. */
export interface HasClause {
  /** The type that refers to the searched resources. */
  type: string;
  /** Its reference parameter that points at them. */
  referenceParam: SearchParamDef;
  /** The condition on the referring resources (itself possibly a _has). */
  condition: Condition;
}

/** One parameter occurrence: the OR of its values. Several Conditions in a query are ANDed. */
export interface Condition {
  /** The name as written, for the self link and error messages (`subject:Patient.name`). */
  name: string;
  /** The parameter the values apply to (for a chain: the last link's target parameter). */
  param: SearchParamDef;
  modifier?: string;
  /** Reference parameters to follow before applying `param`, outermost first. */
  chain?: ChainLink[];
  has?: HasClause;
  values: SearchValue[];
}

export interface SortKey {
  param: SearchParamDef;
  descending: boolean;
}

export interface IncludeClause {
  /** The type that carries the reference (`Encounter` in `Encounter:subject`). */
  sourceType: string;
  /** The reference parameter, or '*' for every reference parameter of sourceType. */
  param: SearchParamDef | '*';
  targetType?: string;
  iterate: boolean;
}

/** Membership of a compartment (compartment.ts): resources that refer to type/id through the listed parameters. */
export interface Compartment {
  type: string;
  id: string;
  /** For each member resource type, the reference parameters that make a resource a member. */
  params: Record<string, string[]>;
  /** Whether type/id itself belongs to the results (it is in its own compartment). */
  includesOwner: boolean;
}

/**
 * One way a resource may be visible under an access token: of one of `types`, a member of
 * `compartment` when set, and matching every condition (a SMART scope's `?param=value` restriction).
 */
export interface AccessAlternative {
  types: string[];
  compartment?: Compartment;
  conditions: Condition[];
}

/**
 * What an access token lets a search return (interactions/access-filter.ts builds it): a resource is
 * visible when it matches at least one alternative; an empty list shows nothing.
 */
export interface AccessFilter {
  /** The matches, their count (`total`, `_summary=count`) and paging; absent: not restricted. */
  match?: AccessAlternative[];
  /** Resources added by `_include`/`_revinclude` (read access); absent: not restricted. */
  include?: AccessAlternative[];
}

export interface SearchQuery {
  /** The searched types: one for type-level search; the `_type` list (or all) for system search. */
  types: string[];
  /** Absent: no access restriction (auth off, or an unrestricted token). */
  access?: AccessFilter;
  /** Compartment search (`Patient/1/Observation?...`) and $everything: only members of this compartment. */
  compartment?: Compartment;
  /** ANDed conditions. */
  conditions: Condition[];
  sort: SortKey[];
  /** Page size: default 20, at most 1000 (search.html#count). */
  count: number;
  include: IncludeClause[];
  revinclude: IncludeClause[];
  summary?: 'true' | 'text' | 'data' | 'count' | 'false';
  elements?: string[];
  total?: 'none' | 'estimate' | 'accurate';
  /** The parameters as applied, in order, for the self link (unknown ones left out). */
  applied: [string, string][];
  /** Parameters that were ignored (unknown or unsupported), for a warning or, when strict, a 400. */
  ignored: string[];
}
