/** Table shapes shared by every SQL engine, for the typed query builder. */
export interface Tables {
  resource_version: {
    seq: number;
    type: string;
    id: string;
    version: number;
    last_updated: string;
    method: string;
    deleted: number;
    content: string | null;
  };
  resource: { type: string; id: string; version: number; seq: number; deleted: number };
  token_index: { type: string; id: string; param: string; system: string | null; code: string | null };
}
