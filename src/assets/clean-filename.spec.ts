import { cleanFilename } from './assets.service';
import { FILE_TYPES } from './content/sniff-file-type';

const PNG = FILE_TYPES.png.type;
const TEXT = FILE_TYPES.text.type;

describe('cleanFilename', () => {
  it('keeps the last path segment without control characters', () => {
    expect(cleanFilename('../../etc/pa\u0000ss\u0007wd.png', PNG)).toBe('passwd.png');
    expect(cleanFilename('..', PNG)).toBe('file.png');
  });

  it('cuts at 200 UTF-16 units, the extension kept, without leaving half of a surrogate pair', () => {
    expect(cleanFilename(`${'a'.repeat(195)}\u{1f600}.png`, PNG)).toBe(`${'a'.repeat(195)}.png`);
    expect(cleanFilename(`${'a'.repeat(194)}\u{1f600}.png`, PNG)).toBe(`${'a'.repeat(194)}\u{1f600}.png`);
    expect(cleanFilename(`${'a'.repeat(10_000)}.txt`, TEXT)).toBe(`${'a'.repeat(196)}.txt`);
  });

  it.each([
    ['invoice\u202eexe.txt', 'invoiceexe.txt'],
    ['a\u2066b\u2069c\u200fd.txt', 'abcd.txt'],
    ['line\u0085break\u009b.txt', 'linebreak.txt'],
    ['README', 'README.txt'],
    ['notes.md', 'notes.md'],
    ['page.html.', 'page.html.txt'],
    ['.htaccess', 'file.txt'],
    ['CON.txt', '_CON.txt'],
    ['lpt9 .log', '_lpt9.log'],
    ['com1.notes.txt', '_com1.notes.txt'],
    ['console.txt', 'console.txt'],
  ])('%j is downloaded as %j', (filename, cleaned) => {
    expect(cleanFilename(filename, TEXT)).toBe(cleaned);
  });
});
