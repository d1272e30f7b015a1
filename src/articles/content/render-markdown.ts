import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { hasSafeDecodedScheme } from '../../common/safe-url';

export interface RenderedMarkdown {
  html: string;
  /** Text of the h1–h3 headings, in document order. */
  headings: string[];
  /** Visible text, whitespace collapsed, entities decoded. */
  plainText: string;
}

/** An uploaded asset as the renderer needs it: `asset:<id>` in an image or link becomes its URL. */
export interface MarkdownAsset {
  kind: 'image' | 'attachment';
  /** Default alternative text, used when the Markdown gives none. */
  alt: string;
  url: string;
  width: number | null;
  height: number | null;
  /** Width variants (WebP), narrowest first: the image's srcset. */
  variants: readonly { url: string; width: number }[];
}

export interface RenderOptions {
  /** Assets by id, for `![alt](asset:<id>)` and `[text](asset:<id>)`; an unknown id renders no image (and no link). */
  assets?: ReadonlyMap<string, MarkdownAsset>;
}

const ASSET_REFERENCE = /^asset:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const ASSET_REFERENCES = /asset:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;

const markdown = new MarkdownIt({ html: true, linkify: true, typographer: false });

const HEADING_TAGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
const OUTLINE_TAGS = new Set(['h1', 'h2', 'h3']);
const ALIGNMENTS = ['left', 'center', 'right'];
const EXTERNAL_REL = 'noopener noreferrer nofollow';
const EXTERNAL_URL = /^(?:https?:)?\/\//i;
const TEXT_ALIGN_STYLE = /(?:^|;)\s*text-align\s*:\s*(left|center|right)\s*(?:;|$)/i;
const HEADING_ID_PLACEHOLDER = /<(h[1-6]) id="evergreen-heading-(\d+)">/g;
const CJK_WITHOUT_SPACES = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]/u;

const BLOCK_TAGS = new Set([
  ...HEADING_TAGS,
  'p', 'br', 'hr', 'ul', 'ol', 'li', 'blockquote', 'pre', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  'details', 'summary',
]);

const BASE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    ...HEADING_TAGS,
    'p', 'br', 'hr', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'em', 'strong', 'del', 'a', 'img',
    'table', 'thead', 'tbody', 'tr', 'th', 'td', 'details', 'summary', 'kbd', 'sup', 'sub',
  ],
  allowedAttributes: {
    ...Object.fromEntries(HEADING_TAGS.map((tag) => [tag, ['id']])),
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height', 'srcset', 'sizes', 'loading', 'decoding'],
    th: ['align'],
    td: ['align'],
  },
  allowedClasses: { code: ['language-*'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  disallowedTagsMode: 'discard',
};

export function renderMarkdown(source: string, options: RenderOptions = {}): RenderedMarkdown {
  const headingTexts: string[] = [];
  const assets = options.assets ?? new Map<string, MarkdownAsset>();
  const sanitized = sanitizeHtml(markdown.render(source), {
    ...BASE_OPTIONS,
    transformTags: {
      ...Object.fromEntries(HEADING_TAGS.map((tag) => [tag, numberHeading(headingTexts)])),
      a: (tagName, attribs) => transformLink(tagName, attribs, assets),
      img: (tagName, attribs) => transformImage(tagName, attribs, assets),
      s: 'del',
      th: transformCell,
      td: transformCell,
    },
    exclusiveFilter: (frame) => {
      const index = headingIndexOf(frame);
      if (index !== null) headingTexts[index] = collapseWhitespace(frame.text);
      return isImageWithoutSource(frame);
    },
  });
  return {
    html: replaceHeadingPlaceholders(sanitized, headingTexts),
    headings: outlineOf(sanitized, headingTexts),
    plainText: plainTextOf(sanitized),
  };
}

/** The asset ids a Markdown source refers to (`asset:<id>`), lower case, each once. */
export function assetReferencesOf(source: string): string[] {
  return [...new Set([...source.matchAll(ASSET_REFERENCES)].map((match) => match[1].toLowerCase()))];
}

/** Cuts at whitespace or next to a Han/Kana character (those scripts have no spaces) and adds '…'. */
export function excerptOf(plainText: string, maxLength = 200): string {
  const text = collapseWhitespace(plainText);
  if (text.length <= maxLength) return text;
  if (maxLength < 1) return '';
  const budget = maxLength - 1;
  const cut = wordBoundaryBefore(text, budget) ?? codePointBoundaryBefore(text, budget);
  return `${text.slice(0, cut).replace(/[\s,.;:!?、，。；：！？]+$/u, '')}…`;
}

function numberHeading(headingTexts: string[]): sanitizeHtml.Transformer {
  return (tagName) => {
    headingTexts.push('');
    return { tagName, attribs: { id: `evergreen-heading-${headingTexts.length - 1}` } };
  };
}

function headingIndexOf(frame: sanitizeHtml.IFrame): number | null {
  const match = /^evergreen-heading-(\d+)$/.exec(frame.attribs.id ?? '');
  return HEADING_TAGS.includes(frame.tag) && match ? Number(match[1]) : null;
}

function isImageWithoutSource(frame: sanitizeHtml.IFrame): boolean {
  return frame.tag === 'img' && !frame.attribs.src;
}

function assetOf(reference: string | undefined, assets: ReadonlyMap<string, MarkdownAsset>): MarkdownAsset | null | undefined {
  const id = ASSET_REFERENCE.exec((reference ?? '').trim())?.[1];
  if (id === undefined) return undefined;
  return assets.get(id.toLowerCase()) ?? null;
}

/**
 * Only src, alt and title survive from the source; an image of an uploaded asset gets its URL, intrinsic size
 * (no layout shift), the WebP variants as srcset and lazy loading. An `asset:` reference that names no image, or
 * a src whose percent-decoded form names another scheme than http(s) (hasSafeDecodedScheme, as in forum posts),
 * loses its src, and the image is dropped.
 */
function transformImage(tagName: string, attribs: sanitizeHtml.Attributes, assets: ReadonlyMap<string, MarkdownAsset>): sanitizeHtml.Tag {
  const asset = assetOf(attribs.src, assets);
  const image = asset && asset.kind === 'image' ? asset : null;
  const kept: sanitizeHtml.Attributes = {};
  if (image) kept.src = image.url;
  else if (asset === undefined && attribs.src !== undefined && hasSafeDecodedScheme(attribs.src)) kept.src = attribs.src;
  if (image) kept.alt = attribs.alt || image.alt;
  else if (attribs.alt !== undefined) kept.alt = attribs.alt;
  if (attribs.title !== undefined) kept.title = attribs.title;
  if (!image) return { tagName, attribs: kept };
  if (image.width !== null && image.height !== null) {
    kept.width = String(image.width);
    kept.height = String(image.height);
  }
  if (image.variants.length > 0) {
    kept.srcset = image.variants.map((v) => `${v.url} ${v.width}w`).join(', ');
    const widest = image.width ?? image.variants[image.variants.length - 1].width;
    kept.sizes = `(max-width: ${widest}px) 100vw, ${widest}px`;
  }
  kept.loading = 'lazy';
  kept.decoding = 'async';
  return { tagName, attribs: kept };
}

/** A link keeps href (unless its percent-decoded form names a scheme but http(s)/mailto, as in forum posts) and title; external ones get EXTERNAL_REL. */
function transformLink(tagName: string, attribs: sanitizeHtml.Attributes, assets: ReadonlyMap<string, MarkdownAsset>): sanitizeHtml.Tag {
  const kept: sanitizeHtml.Attributes = {};
  const asset = assetOf(attribs.href, assets);
  if (asset) kept.href = asset.url;
  else if (asset === undefined && attribs.href !== undefined && hasSafeDecodedScheme(attribs.href)) kept.href = attribs.href;
  if (attribs.title !== undefined) kept.title = attribs.title;
  if (EXTERNAL_URL.test((kept.href ?? '').trim())) kept.rel = EXTERNAL_REL;
  return { tagName, attribs: kept };
}

/** markdown-it aligns table cells with a style attribute; styles are not allowed, so it becomes `align`. */
function transformCell(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const align = (attribs.align ?? TEXT_ALIGN_STYLE.exec(attribs.style ?? '')?.[1] ?? '').trim().toLowerCase();
  return { tagName, attribs: ALIGNMENTS.includes(align) ? { align } : {} };
}

function replaceHeadingPlaceholders(html: string, headingTexts: string[]): string {
  const ids = uniqueIds(headingTexts.map(headingId));
  return html.replace(HEADING_ID_PLACEHOLDER, (_, tag: string, index: string) => `<${tag} id="${ids[Number(index)]}">`);
}

function outlineOf(html: string, headingTexts: string[]): string[] {
  return [...html.matchAll(HEADING_ID_PLACEHOLDER)]
    .filter(([, tag]) => OUTLINE_TAGS.has(tag))
    .map(([, , index]) => headingTexts[Number(index)])
    .filter((text) => text !== '');
}

function headingId(text: string): string {
  const words = text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{M}\p{Nd}]+/gu);
  return words ? words.join('-') : 'section';
}

function uniqueIds(ids: string[]): string[] {
  const used = new Set<string>();
  return ids.map((id) => {
    let candidate = id;
    for (let n = 2; used.has(candidate); n++) candidate = `${id}-${n}`;
    used.add(candidate);
    return candidate;
  });
}

function plainTextOf(html: string): string {
  const pieces: string[] = [];
  const separateBlocks = (name: string): void => {
    if (BLOCK_TAGS.has(name)) pieces.push(' ');
  };
  sanitizeHtml(html, {
    allowedTags: [],
    allowedAttributes: {},
    onOpenTag: separateBlocks,
    onCloseTag: separateBlocks,
    textFilter: (text) => {
      pieces.push(unescapeText(text));
      return '';
    },
  });
  return collapseWhitespace(pieces.join(''));
}

/** Reverses the escaping sanitize-html applies to text before `textFilter` sees it. */
function unescapeText(escaped: string): string {
  return escaped.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function wordBoundaryBefore(text: string, limit: number): number | null {
  for (let i = limit; i > 0; i--) {
    if (isWordBoundary(text, i)) return i;
  }
  return null;
}

function isWordBoundary(text: string, i: number): boolean {
  if (isLowSurrogate(text.charCodeAt(i))) return false;
  const before = codePointEndingAt(text, i);
  const after = String.fromCodePoint(text.codePointAt(i) ?? 0);
  return /\s/.test(before) || /\s/.test(after) || CJK_WITHOUT_SPACES.test(before) || CJK_WITHOUT_SPACES.test(after);
}

function codePointEndingAt(text: string, end: number): string {
  const start = isLowSurrogate(text.charCodeAt(end - 1)) ? end - 2 : end - 1;
  return text.slice(start, end);
}

function codePointBoundaryBefore(text: string, limit: number): number {
  return isLowSurrogate(text.charCodeAt(limit)) ? limit - 1 : limit;
}

function isLowSurrogate(charCode: number): boolean {
  return charCode >= 0xdc00 && charCode <= 0xdfff;
}
