import { describe, expect, it } from 'vitest';
import { escapeHtml, html, Html, type Interpolation } from './html.js';

describe('html templates', () => {
  it('escapes the five characters that can end text or a quoted attribute', () => {
    expect(html`<p title="${`"'<>&`}">${'<script>'}</p>`.toString()).toBe(
      '<p title="&quot;&#39;&lt;&gt;&amp;">&lt;script&gt;</p>',
    );
  });

  it('escapes every occurrence, not only the first', () => {
    expect(escapeHtml('a<b<c&&d')).toBe('a&lt;b&lt;c&amp;&amp;d');
  });

  it('returns plain text unchanged', () => {
    expect(escapeHtml('AAPL 15 @ $302.17')).toBe('AAPL 15 @ $302.17');
    expect(escapeHtml('')).toBe('');
  });

  it.each([
    ['&', '&amp;'],
    ['<', '&lt;'],
    ['>', '&gt;'],
    ['"', '&quot;'],
    ["'", '&#39;'],
  ])('finds %j alone, first and last in the text', (ch, entity) => {
    expect(escapeHtml(ch)).toBe(entity);
    expect(escapeHtml(`${ch}abc`)).toBe(`${entity}abc`);
    expect(escapeHtml(`abc${ch}`)).toBe(`abc${entity}`);
  });

  it('leaves the characters beside the five alone', () => {
    const neighbours = '!#%(;=?\u00a0\u2028';
    expect(escapeHtml(neighbours)).toBe(neighbours);
  });

  it('inserts markup built by html as it is', () => {
    const inner = html`<b>${'x&y'}</b>`;
    expect(html`<p>${inner}</p>`.toString()).toBe('<p><b>x&amp;y</b></p>');
  });

  it('joins arrays, nested ones too, escaping their strings', () => {
    const items: Interpolation = [html`<li>1</li>`, ['<2>', [html`<li>3</li>`]]];
    expect(html`<ul>${items}</ul>`.toString()).toBe('<ul><li>1</li>&lt;2&gt;<li>3</li></ul>');
  });

  it('renders nothing for undefined, null, false and true', () => {
    expect(html`[${undefined}${null}${false}${true}]`.toString()).toBe('[]');
  });

  it('writes numbers and bigints as digits', () => {
    expect(html`${42}|${-1.5}|${12345678901234567890n}`.toString()).toBe('42|-1.5|12345678901234567890');
  });

  it('refuses to build Html from outside the template', () => {
    const Forged = Html as unknown as new (text: string, token: symbol) => Html;
    expect(() => new Forged('<script>', Symbol('Html'))).toThrow(TypeError);
  });

  it('never treats a string that looks like markup as markup', () => {
    const fake = Object.assign(new String('<i>'), { isEscaped: true }) as unknown as string;
    expect(html`${fake}`.toString()).toBe('&lt;i&gt;');
  });
});
