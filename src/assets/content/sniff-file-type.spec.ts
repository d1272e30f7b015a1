import { extensionOf, sniffFileType } from './sniff-file-type';

const bytes = (...values: (number | string)[]): Buffer =>
  Buffer.concat(values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.from([v]))));

const JPEG = bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'JFIF');
const PNG = bytes(0x89, 'PNG\r\n', 0x1a, '\n', 0, 0, 0, 13, 'IHDR');
const GIF = bytes('GIF89a', 1, 0, 1, 0);
const WEBP = bytes('RIFF', 0x24, 0, 0, 0, 'WEBPVP8 ');
const AVIF = bytes(0, 0, 0, 0x1c, 'ftypavif', 0, 0, 0, 0, 'avifmif1miaf');
const AVIF_COMPATIBLE = bytes(0, 0, 0, 0x1c, 'ftypmif1', 0, 0, 0, 0, 'mif1avifmiaf');
const HEIC = bytes(0, 0, 0, 0x18, 'ftypheic', 0, 0, 0, 0, 'mif1heic');
const PDF = bytes('%PDF-1.7\n');
const ZIP = bytes('PK', 3, 4, 20, 0);

describe('sniffFileType', () => {
  it.each([
    ['photo.jpg', JPEG, 'jpeg', 'image'],
    ['photo.JPEG', JPEG, 'jpeg', 'image'],
    ['shot.png', PNG, 'png', 'image'],
    ['anim.gif', GIF, 'gif', 'image'],
    ['pic.webp', WEBP, 'webp', 'image'],
    ['pic.avif', AVIF, 'avif', 'image'],
    ['pic.avif', AVIF_COMPATIBLE, 'avif', 'image'],
    ['guide.pdf', PDF, 'pdf', 'attachment'],
    ['bundle.zip', ZIP, 'zip', 'attachment'],
    ['notes.txt', Buffer.from('Plain notes\n\twith a tab, ünïcödé and 中文\r\n'), 'text', 'attachment'],
    ['data.csv', Buffer.from('a,b\n1,2\n'), 'text', 'attachment'],
    ['no-extension', PNG, 'png', 'image'],
  ])('%s is %s', (filename, content, format, kind) => {
    expect(sniffFileType(content, filename)).toEqual({ ok: true, type: expect.objectContaining({ format, kind }) });
  });

  it.each([
    ['a PNG named .pdf', PNG, 'report.pdf', 'EXTENSION_MISMATCH'],
    ['a PDF named .png', PDF, 'image.png', 'EXTENSION_MISMATCH'],
    ['a script named .png', Buffer.from('<script>alert(1)</script>'), 'x.png', 'EXTENSION_MISMATCH'],
    ['a JPEG named .html', JPEG, 'page.html', 'EXTENSION_MISMATCH'],
    ['HTML named .html. (Windows saves it as .html)', Buffer.from('<script>alert(1)</script>'), 'page.html.', 'EXTENSION_MISMATCH'],
    ['a PDF named ".html . "', PDF, 'page.html . ', 'EXTENSION_MISMATCH'],
    ['a ZIP named .docx (only .zip is accepted)', ZIP, 'letter.docx', 'EXTENSION_MISMATCH'],
    ['an SVG by name', Buffer.from('anything'), 'logo.svg', 'SVG_REFUSED'],
    ['SVG markup named .txt', Buffer.from('<?xml version="1.0"?>\n<SVG xmlns="http://www.w3.org/2000/svg"/>'), 'a.txt', 'SVG_REFUSED'],
    ['HEIC (not accepted)', HEIC, 'x.heic', 'UNKNOWN_TYPE'],
    ['an ELF binary', bytes(0x7f, 'ELF', 2, 1, 1), 'a.txt', 'UNKNOWN_TYPE'],
    ['text with a NUL byte', Buffer.from('abc\u0000def'), 'a.txt', 'UNKNOWN_TYPE'],
    ['invalid UTF-8', bytes('abc', 0xc3, 0x28), 'a.txt', 'UNKNOWN_TYPE'],
    ['an empty file', Buffer.alloc(0), 'a.txt', 'UNKNOWN_TYPE'],
    ['a bare RIFF header named .webp (text, not WebP)', bytes('RIFF'), 'a.webp', 'EXTENSION_MISMATCH'],
  ])('refuses %s', (_, content, filename, reason) => {
    expect(sniffFileType(content, filename)).toMatchObject({ ok: false, reason });
  });
});

describe('extensionOf', () => {
  it.each([
    ['a.PNG', 'png'],
    ['dir/x.tar.gz', 'gz'],
    ['C:\\fake\\path\\x.jpg', 'jpg'],
    ['.hidden', null],
    ['trailing.', null],
    ['none', null],
  ])('%s → %s', (name, ext) => {
    expect(extensionOf(name)).toBe(ext);
  });
});
