import { describe, expect, it } from 'vitest';
import { AllowedHostsError, LOOPBACK_HOSTS, hostName, isAllowedHost, parseAllowedHosts } from './hosts.js';

describe('hostName', () => {
  it.each([
    ['Portfolio.Example.com', 'portfolio.example.com'],
    ['portfolio.example.com:8443', 'portfolio.example.com'],
    ['portfolio.example.com.', 'portfolio.example.com'],
    ['127.0.0.1:5000', '127.0.0.1'],
    ['[::1]:5000', '[::1]'],
    ['[::1]', '[::1]'],
  ])('reads %j as %j', (host, name) => {
    expect(hostName(host)).toBe(name);
  });

  it.each(['', 'evil.example/path', 'a b', 'user@host', 'host:port', '::1'])('refuses %j', (host) => {
    expect(hostName(host)).toBeUndefined();
  });
});

describe('parseAllowedHosts and isAllowedHost', () => {
  const allowed = parseAllowedHosts(' Portfolio.example.com, .corp.example ,203.0.113.7,[2001:db8::1]');

  it.each([
    'portfolio.example.com',
    'PORTFOLIO.EXAMPLE.COM:443',
    'corp.example',
    'intranet.corp.example:8080',
    '203.0.113.7',
    '[2001:db8::1]:5000',
  ])('allows %j', (host) => {
    expect(isAllowedHost(allowed, host)).toBe(true);
  });

  it.each([
    'evil.example',
    'portfolio.example.com.evil.example',
    'notcorp.example',
    'example.com',
    '203.0.113.8',
    '',
    'portfolio.example.com/x',
  ])('refuses %j', (host) => {
    expect(isAllowedHost(allowed, host)).toBe(false);
  });

  it('refuses a missing Host', () => {
    expect(isAllowedHost(allowed, undefined)).toBe(false);
  });

  it('allows any well-formed host with *', () => {
    expect(isAllowedHost(parseAllowedHosts('*'), 'anything.example:1234')).toBe(true);
  });

  it('allows the loopback names on any port by default in development', () => {
    for (const host of ['127.0.0.1:5000', 'localhost', 'localhost:3000', '[::1]:5000']) {
      expect(isAllowedHost(LOOPBACK_HOSTS, host)).toBe(true);
    }
    expect(isAllowedHost(LOOPBACK_HOSTS, 'rebind.evil.example:5000')).toBe(false);
  });

  it.each(['', ' , ', 'https://portfolio.example.com', 'portfolio.example.com:443', 'a/b', 'ex ample.com'])(
    'throws AllowedHostsError for %j',
    (text) => {
      expect(() => parseAllowedHosts(text)).toThrow(AllowedHostsError);
    },
  );
});
