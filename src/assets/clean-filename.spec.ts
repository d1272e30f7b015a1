import { cleanFilename } from './assets.service';

describe('cleanFilename', () => {
  it('keeps the last path segment without control characters', () => {
    expect(cleanFilename('../../etc/pa\u0000ss\u0007wd.png', 'png')).toBe('passwd.png');
    expect(cleanFilename('..', 'png')).toBe('file.png');
  });

  it('cuts at 200 UTF-16 units without leaving half of a surrogate pair', () => {
    expect(cleanFilename(`${'a'.repeat(199)}\u{1f600}.png`, 'png')).toBe('a'.repeat(199));
    expect(cleanFilename(`${'a'.repeat(198)}\u{1f600}.png`, 'png')).toBe(`${'a'.repeat(198)}\u{1f600}`);
  });
});
