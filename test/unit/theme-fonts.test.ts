import { describe, expect, it } from 'vitest';
import { fontStack, monospaceFont } from '../../renderer/src/app/theme';

describe('fonts a Windows jump box has', () => {
  it('Traditional Chinese: Microsoft JhengHei UI right after Segoe UI, before any Linux face or generic family', () => {
    const faces = fontStack('zh-TW').split(',');
    expect(faces.slice(0, 3)).toEqual(['"Segoe UI"', '"Microsoft JhengHei UI"', '"Microsoft JhengHei"']);
    expect(faces.at(-1)).toBe('sans-serif');
  });

  it('English: Segoe UI first, and still a Traditional Chinese face for names in the data', () => {
    const faces = fontStack('en').split(',');
    expect(faces[0]).toBe('"Segoe UI"');
    expect(faces.indexOf('"Microsoft JhengHei UI"')).toBeLessThan(faces.indexOf('sans-serif'));
  });

  it('monospace text carries a Traditional Chinese face before the generic family', () => {
    const faces = monospaceFont.split(',');
    expect(faces.indexOf('"Microsoft JhengHei UI"')).toBeGreaterThan(faces.indexOf('Consolas'));
    expect(faces.at(-1)).toBe('monospace');
  });
});
