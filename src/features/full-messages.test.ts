import { describe, expect, it } from 'vitest';
import { editMessages } from './edit/routes.js';
import { saleMessages } from './sales/routes.js';
import { priceFlashes } from './stocks/prices.js';

describe('"portfolio full" for a sale, an edit and a price', () => {
  it.each([
    ['a sale', saleMessages.full],
    ['an edit', editMessages.full],
    ['a price', priceFlashes.full],
  ])('says where %s ran out of room, in the words of the storage', (_, full) => {
    const server = full('the 1 MiB this server keeps for one portfolio');
    expect(server).toMatch(/^Your portfolio is full: .*the 1 MiB this server keeps for one portfolio/);
    expect(server).not.toMatch(/cookie/);
    expect(full('the browser cookie')).toContain('the browser cookie');
  });
});
