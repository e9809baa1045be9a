/**
 * Issue 2, item 9a: every official example of hl7.fhir.r4.examples@4.0.1 that HL7's own 4.0.1 JSON
 * schema accepts is accepted by update-with-id and reads back equal apart from `meta`. Examples may be
 * rejected only for a genuine violation, listed with the rule and the reason in GENUINELY_INVALID.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitions } from '../../src/fhir/definitions.js';
import { startServer, type RunningServer } from '../../src/main.js';
import type { OperationOutcomeIssue, Resource } from '../../src/fhir/types.js';
import { GENUINELY_INVALID, ruleOf } from './genuinely-invalid-examples.js';

const schemaInvalidList = resolve(import.meta.dirname, '../../../shared/data/hl7-r4-examples-schema-invalid.txt');

function schemaInvalid(): Set<string> | undefined {
  if (!existsSync(schemaInvalidList)) return undefined;
  return new Set(readFileSync(schemaInvalidList, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean));
}

function withoutMeta(r: Resource): Resource {
  const { meta: _meta, ...rest } = r;
  return rest as Resource;
}

/**
 * Examples a secure server refuses by policy, not for being invalid: Subscriptions whose endpoint is not
 * on the allow-list (none is, by default).
 */
const SERVER_POLICY: Record<string, { status: number; diagnostics: RegExp }> = {
  'Subscription-example.json': { status: 422, diagnostics: /channel\.endpoint .* is refused/ },
  'Subscription-example-error.json': { status: 422, diagnostics: /channel\.endpoint .* is refused/ },
};

const excluded = schemaInvalid();
if (!excluded) console.log(`SKIP examples round-trip: ${schemaInvalidList} is absent (needs ../shared)`);

describe.skipIf(!excluded)('official R4 examples round-trip through update-with-id', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', db: 'sqlite::memory:', logLevel: 'silent', auth: 'off' });
  });
  afterAll(async () => server?.close());

  it('accepts and reads back every schema-valid example, rejecting only the listed genuine violations', async () => {
    let checked = 0;
    const unexpected: string[] = [];
    const rejectedAsListed: string[] = [];
    for (const { file, resource } of definitions().packageResources()) {
      if (excluded!.has(file)) continue;
      checked++;
      const id = resource.id ?? file.replace(/^[A-Za-z]+-/, '').replace(/\.json$/, '').replace(/[^A-Za-z0-9\-.]/g, '-').slice(0, 64);
      const body = { ...resource, id };
      const url = `${server.fhirBase}/${resource.resourceType}/${encodeURIComponent(id)}`;
      const put = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
      const outcome = (await put.json()) as Resource & { issue?: OperationOutcomeIssue[] };
      const policy = SERVER_POLICY[file];
      if (policy) {
        const text = JSON.stringify(outcome.issue ?? []);
        if (put.status === policy.status && policy.diagnostics.test(text)) rejectedAsListed.push(file);
        else unexpected.push(`${file}: expected ${policy.status} by server policy but got ${put.status} ${text.slice(0, 300)}`);
        continue;
      }
      const listed = GENUINELY_INVALID[file];
      if (listed) {
        const errors = (outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');
        const rules = [...new Set(errors.map(ruleOf))].sort().join(',');
        if (put.status === 422 && rules === listed.rule) rejectedAsListed.push(file);
        else unexpected.push(`${file}: listed as violating ${listed.rule} but got ${put.status} ${rules}`);
        continue;
      }
      if (put.status !== 200 && put.status !== 201) {
        unexpected.push(`${file}: ${put.status} ${JSON.stringify(outcome.issue?.slice(0, 3))}`.slice(0, 600));
        continue;
      }
      const got = (await (await fetch(url)).json()) as Resource;
      try {
        expect(withoutMeta(got)).toEqual(withoutMeta(body as Resource));
      } catch {
        unexpected.push(`${file}: read back differs`);
      }
    }
    console.log(
      `examples round-trip: ${checked} checked, ${checked - rejectedAsListed.length - unexpected.length} accepted and equal, ` +
        `${rejectedAsListed.length} rejected for listed genuine violations, ${unexpected.length} unexpected`,
    );
    expect(unexpected).toEqual([]);
    expect(checked).toBe(5262);
  }, 600_000);
});
