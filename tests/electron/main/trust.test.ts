import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { trustedRendererUrl } from '../../../electron/main/trust';

const index = path.resolve('/app/out/renderer/index.html');
const indexUrl = pathToFileURL(index).href;

describe('trustedRendererUrl', () => {
  it('trusts the built renderer page, with or without a query or hash', () => {
    expect(trustedRendererUrl(indexUrl, index, undefined)).toBe(true);
    expect(trustedRendererUrl(`${indexUrl}#/dataset`, index, undefined)).toBe(true);
  });

  it('trusts the dev server only when one is configured', () => {
    expect(trustedRendererUrl('http://localhost:5173/', index, 'http://localhost:5173')).toBe(true);
    expect(trustedRendererUrl('http://localhost:5173/', index, undefined)).toBe(false);
  });

  it.each([
    pathToFileURL('/etc/passwd').href,
    pathToFileURL('/app/out/renderer/other.html').href,
    'https://example.com/',
    'http://localhost:5174/',
    'not a url',
    'about:blank',
  ])('refuses %s', (url) => {
    expect(trustedRendererUrl(url, index, 'http://localhost:5173')).toBe(false);
  });
});
