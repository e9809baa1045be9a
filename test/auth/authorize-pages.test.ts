/** The pieces of the authorize pages: escaping, scope wording, and the redirect URL built for the app. */
import { describe, expect, it } from 'vitest';
import { errorRedirect, redirectTo } from '../../src/auth/authorize-request.js';
import { consentPage } from '../../src/auth/pages/consent.js';
import { escapeHtml, html } from '../../src/auth/pages/html.js';
import { describeScope } from '../../src/auth/pages/scope-text.js';

describe('html', () => {
  it('escapes interpolated text, also inside attributes, but not nested html', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    const name = '"><script>alert(1)</script>';
    expect(html`<input value="${name}"><p>${html`<b>${name}</b>`}</p>${[html`<i>1</i>`, '<2>']}${undefined}${false}`.text).toBe(
      '<input value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"><p><b>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</b></p><i>1</i>&lt;2&gt;',
    );
  });

  it('renders a consent page whose scope values survive the round trip through the form', () => {
    const text = consentPage({ base: '/auth/authorize', requestId: 'r"1', clientName: 'A & B', username: 'u', scopes: ['patient/Observation.rs?category=laboratory&code=x'] });
    expect(text).toContain('value="patient/Observation.rs?category=laboratory&amp;code=x"');
    expect(text).toContain('value="r&quot;1"');
    expect(text).toContain('<strong>A &amp; B</strong>');
    expect(text).not.toMatch(/<script/i);
  });
});

describe('describeScope', () => {
  it.each([
    ['patient/Observation.rs', 'Read and search Observation records of the chosen patient'],
    ['user/*.cruds', 'Create, read, update, delete and search all kinds of records that you may access'],
    ['patient/Observation.read', 'Read and search Observation records of the chosen patient'],
    ['patient/Observation.rs?category=laboratory', 'Read and search Observation records of the chosen patient where category is laboratory'],
    ['offline_access', 'Keep access after you sign out, until the access is revoked'],
    ['something-else', 'something-else'],
  ])('%s', (scope, text) => {
    expect(describeScope(scope)).toBe(text);
  });
});

describe('redirectTo', () => {
  it('appends to the registered URI as text, keeping its query as registered', () => {
    expect(redirectTo('https://a.example/cb', { code: 'c', state: 's 1' })).toBe('https://a.example/cb?code=c&state=s+1');
    expect(redirectTo('https://a.example/cb?x=a%20b', { code: 'c' })).toBe('https://a.example/cb?x=a%20b&code=c');
    expect(redirectTo('https://a.example/cb?', { code: 'c' })).toBe('https://a.example/cb?code=c');
  });

  it('keeps error_description to the characters RFC 6749 allows, and leaves out an absent state', () => {
    expect(errorRedirect('https://a.example/cb', 'invalid_request', 'bad "x" \\ é', undefined)).toBe('https://a.example/cb?error=invalid_request&error_description=bad+x++');
  });
});
