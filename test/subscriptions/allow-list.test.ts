/** The endpoint allow-list (src/subscriptions/allow-list.ts): prefixes compared on normalised URLs, no way around them. */
import { describe, expect, it } from 'vitest';
import { endpointAllowed, parseAllowList } from '../../src/subscriptions/allow-list.js';
import { channelHeaders } from '../../src/subscriptions/notification.js';

describe('subscription endpoint allow-list', () => {
  it('allows nothing when empty', () => {
    expect(endpointAllowed('https://hooks.example.org/x', [])).toBe(false);
  });

  it('reads repeated flags and comma lists alike', () => {
    expect(parseAllowList(['https://a.example/, https://b.example/', ' ', 'http://c.example/x/'])).toEqual(['https://a.example/', 'https://b.example/', 'http://c.example/x/']);
    expect(parseAllowList(undefined)).toEqual([]);
  });

  it('matches by prefix on the normalised URL', () => {
    const allow = ['https://hooks.example.org/fhir/', 'http://127.0.0.1:9000'];
    expect(endpointAllowed('https://hooks.example.org/fhir/sub1', allow)).toBe(true);
    expect(endpointAllowed('HTTPS://HOOKS.example.org:443/fhir/sub1', allow)).toBe(true);
    expect(endpointAllowed('http://127.0.0.1:9000/anything', allow)).toBe(true);
    expect(endpointAllowed('https://hooks.example.org/other', allow)).toBe(false);
    expect(endpointAllowed('http://127.0.0.1:90001/x', allow)).toBe(false);
  });

  it('refuses look-alikes: other schemes, user info, longer host names, dot segments', () => {
    const allow = ['https://hooks.example.org'];
    expect(endpointAllowed('https://hooks.example.org.evil.example/x', allow)).toBe(false);
    expect(endpointAllowed('https://hooks.example.org@evil.example/x', allow)).toBe(false);
    expect(endpointAllowed('ftp://hooks.example.org/x', allow)).toBe(false);
    expect(endpointAllowed('not a url', allow)).toBe(false);
    expect(endpointAllowed('https://hooks.example.org/fhir/../../x', ['https://hooks.example.org/fhir/'])).toBe(false);
  });
});

describe('channel headers', () => {
  it('takes Name: value lines and drops malformed or reserved ones', () => {
    expect(channelHeaders(['Authorization: Bearer abc', 'X-A:b:c', 'bad line', 'Host: evil', 'X-Inject: a\r\nB: c', ' : x'])).toEqual({ Authorization: 'Bearer abc', 'X-A': 'b:c' });
  });
});
