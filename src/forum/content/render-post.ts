import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { hasSafeDecodedScheme } from '../../common/safe-url';

export interface RenderedPost {
  /** Sanitized HTML, safe to inject into a page. */
  html: string;
  /** Visible text, whitespace collapsed (search documents, excerpts, JSON-LD). */
  plainText: string;
}

export interface PostRenderingPolicy {
  /** Lower-case host names images may come from; `*.example.com` matches example.com's subdomains. */
  imageHosts: readonly string[];
}

/** Every link a member writes is user-generated content: no endorsement, no opener access. */
export const POST_LINK_REL = 'nofollow ugc noopener';

/**
 * Members' Markdown has no raw HTML at all (`html: false`: tags are shown as text). markdown-it's own link
 * validation refuses javascript:, vbscript:, file: and most data: URLs; sanitize-html then keeps only the
 * tags and attributes below, with http(s)/mailto links and http(s) images from allowed hosts, whatever
 * markdown-it produced — two independent layers.
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

const defaultImage = markdown.renderer.rules.image!;
// An image from a host not allowed becomes a plain link to it, labelled with its alt text.
markdown.renderer.rules.image = (tokens, index, options, env, self) => {
  const token = tokens[index];
  const src = String(token.attrGet('src') ?? '');
  const policy = (env as { policy?: PostRenderingPolicy } | undefined)?.policy;
  if (policy && isAllowedImageUrl(src, policy.imageHosts)) return defaultImage(tokens, index, options, env, self);
  const label = self.renderInlineAsText(token.children ?? [], options, env) || src;
  return `<a href="${markdown.utils.escapeHtml(src)}">${markdown.utils.escapeHtml(label)}</a>`;
};

const ALLOWED_TAGS = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'em', 'strong', 's', 'del',
  'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
];
const ALIGNMENTS = ['left', 'center', 'right'];
const TEXT_ALIGN_STYLE = /(?:^|;)\s*text-align\s*:\s*(left|center|right)\s*(?:;|$)/i;
const LANGUAGE_CLASS = /^language-[A-Za-z0-9_+-]{1,40}$/;
const BLOCK_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'ul', 'ol', 'li', 'blockquote', 'pre', 'table', 'tr', 'th', 'td']);

/** Whether an image URL points at an allowed host over http(s). */
export function isAllowedImageUrl(src: string, imageHosts: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(src);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username !== '' || url.password !== '') return false;
  const host = url.hostname.toLowerCase();
  return imageHosts.some((allowed) => (allowed.startsWith('*.') ? host.endsWith(allowed.slice(1)) && host.length > allowed.length - 1 : host === allowed));
}

/** Renders a member's Markdown to sanitized HTML. Pure: the same source and policy always give the same HTML. */
export function renderPost(source: string, policy: PostRenderingPolicy): RenderedPost {
  const html = sanitizeHtml(markdown.render(source, { policy }), {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      img: ['src', 'alt', 'title'],
      th: ['align'],
      td: ['align'],
      code: ['class'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'escape',
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: withoutEmpty({ href: hasSafeDecodedScheme(attribs.href ?? '') ? attribs.href : undefined, title: attribs.title, rel: POST_LINK_REL }),
      }),
      img: (tagName, attribs) => ({ tagName, attribs: withoutEmpty({ src: attribs.src, alt: attribs.alt, title: attribs.title }) }),
      code: (tagName, attribs) => ({ tagName, attribs: withoutEmpty({ class: LANGUAGE_CLASS.test(attribs.class ?? '') ? attribs.class : undefined }) }),
      s: 'del',
      th: alignedCell,
      td: alignedCell,
    },
    // Second guard: whatever produced it, an image from anywhere else is dropped.
    exclusiveFilter: (frame) => frame.tag === 'img' && !isAllowedImageUrl(frame.attribs.src ?? '', policy.imageHosts),
  });
  return { html, plainText: plainTextOf(html) };
}

function withoutEmpty(attribs: Record<string, string | undefined>): sanitizeHtml.Attributes {
  return Object.fromEntries(Object.entries(attribs).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

/** markdown-it aligns table cells with a style attribute; styles are never kept, so it becomes `align`. */
function alignedCell(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const align = (TEXT_ALIGN_STYLE.exec(attribs.style ?? '')?.[1] ?? '').toLowerCase();
  return { tagName, attribs: ALIGNMENTS.includes(align) ? { align } : {} };
}

function plainTextOf(html: string): string {
  const pieces: string[] = [];
  const separate = (name: string): void => {
    if (BLOCK_TAGS.has(name)) pieces.push(' ');
  };
  sanitizeHtml(html, {
    allowedTags: [],
    allowedAttributes: {},
    onOpenTag: separate,
    onCloseTag: separate,
    textFilter: (text) => {
      pieces.push(text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
      return '';
    },
  });
  return pieces.join('').replace(/\s+/g, ' ').trim();
}
