import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SecretKeyFormatError, parseSecretKey, parseSecretKeyList, secretKeyBytes } from './secret-key.js';

/** Lines Debian's Python prints for `code`: the real `print(bytes)` output, not our idea of it. */
function python(code: string): string[] {
  const run = spawnSync('/usr/bin/python3', ['-I', '-c', code], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return run.stdout.trimEnd().split('\n');
}

function hexOf(key: string | Uint8Array): string {
  if (typeof key === 'string') throw new Error(`Expected bytes, got the text ${JSON.stringify(key)}`);
  return Buffer.from(key).toString('hex');
}

function formatError(run: () => unknown): SecretKeyFormatError {
  try {
    run();
  } catch (error) {
    if (error instanceof SecretKeyFormatError) return error;
    throw error;
  }
  throw new Error('Expected a SecretKeyFormatError, but nothing was thrown');
}

describe('a key printed by Python', () => {
  it('is read, exactly as print(secrets.token_bytes(32)) prints it, as those bytes', () => {
    const lines = python(
      'import secrets\nfor _ in range(200):\n    k = secrets.token_bytes(32)\n    print(k)\n    print(k.hex())',
    );
    for (let i = 0; i < lines.length; i += 2) {
      expect(hexOf(parseSecretKey(lines[i] ?? ''))).toBe(lines[i + 1]);
    }
  });

  it('is read for every byte value, each escape Python uses, and the b"…" form it picks for a quote', () => {
    const lines = python(
      'print(bytes(range(256)))\nprint(bytes(range(256)).hex())\nprint(b"it\'s")\nprint(b"it\'s".hex())',
    );
    expect(lines[0]).toContain(String.raw`\t\n\x0b\x0c\r`);
    expect(lines[0]).toContain(String.raw` !"#$%&\'()`);
    expect(lines[0]).toContain(String.raw`[\\]`);
    expect(hexOf(parseSecretKey(lines[0] ?? ''))).toBe(lines[1]);
    expect(lines[2]).toBe('b"it\'s"');
    expect(hexOf(parseSecretKey(lines[2] ?? ''))).toBe(lines[3]);
  });
});

describe('other forms', () => {
  it('reads hex: and base64: as bytes', () => {
    expect(hexOf(parseSecretKey('hex:8F1c00ff'))).toBe('8f1c00ff');
    expect(hexOf(parseSecretKey('base64:jxwA/w=='))).toBe('8f1c00ff');
  });

  it('keeps any other text as text, spaces included: its UTF-8 bytes are the key, as in Flask', () => {
    expect(parseSecretKey('  a text key  ')).toBe('  a text key  ');
    expect(parseSecretKey('bytes? no')).toBe('bytes? no');
    expect(secretKeyBytes('ключ')).toBe(8);
    expect(secretKeyBytes(new Uint8Array(32))).toBe(32);
  });

  it.each([
    ['an unterminated literal', "b'\\x8f"],
    ['a literal closed by the other quote', 'b\'abc"'],
    ['an unknown escape', "b'\\q'"],
    ['a short \\x escape', "b'\\x8'"],
    ['a raw non-ASCII character', "b'é'"],
    ['an unescaped quote inside', "b'a'b'"],
    ['odd hex', 'hex:abc'],
    ['non-hex digits', 'hex:zz'],
    ['empty hex', 'hex:'],
    ['bad base64', 'base64:not base64!'],
    ['unpadded base64', 'base64:jxwA_w'],
  ])('refuses %s, saying which forms work', (_what, text) => {
    expect(formatError(() => parseSecretKey(text)).message).toContain('secrets.token_bytes(32)');
  });
});

describe('a list of fallback keys', () => {
  it('splits the comma form, trimmed, skipping empty entries, reading each key', () => {
    const keys = parseSecretKeyList(" old-1 , hex:00ff,, b'\\x01' ");
    expect(keys[0]).toBe('old-1');
    expect(hexOf(keys[1] ?? '')).toBe('00ff');
    expect(hexOf(keys[2] ?? '')).toBe('01');
    expect(keys).toHaveLength(3);
  });

  it('reads the JSON array form, which carries keys with commas and spaces', () => {
    const keys = parseSecretKeyList('["b\'a,b\'", " text, with comma "]');
    expect(hexOf(keys[0] ?? '')).toBe('612c62');
    expect(keys[1]).toBe(' text, with comma ');
  });

  it('says which key is wrong, and suggests the JSON form when a comma split a literal', () => {
    const error = formatError(() => parseSecretKeyList("new, b'a,b'"));
    expect(error.message).toMatch(/^key 2: /);
    expect(error.message).toContain('JSON array form');
  });

  it.each([
    ['a list that is not JSON', '[not json'],
    ['a list of numbers', '[1, 2]'],
    ['an empty key in the list', '["a", ""]'],
  ])('refuses %s', (_what, text) => {
    expect(formatError(() => parseSecretKeyList(text))).toBeInstanceOf(SecretKeyFormatError);
  });
});
