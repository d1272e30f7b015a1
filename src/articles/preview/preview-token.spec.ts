import { hashPreviewToken, isInPreviewScope, issuePreviewToken, isWellFormedPreviewToken, previewTokenState } from './preview-token';
import { Role } from '../../users/role.enum';

const ARTICLE = '3f1c7a7e-2b51-4f7e-9c1e-0f3a8d6c2b10';
const OTHER = '9a1c7a7e-2b51-4f7e-9c1e-0f3a8d6c2b11';

describe('preview tokens', () => {
  it('issues well-formed, distinct tokens whose hash is what is stored', () => {
    const a = issuePreviewToken();
    const b = issuePreviewToken();
    expect(isWellFormedPreviewToken(a.token)).toBe(true);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(hashPreviewToken(a.token));
    expect(a.hash).not.toContain(a.token.slice(5));
    expect(a.token.startsWith(a.prefix)).toBe(true);
  });

  it.each(['', 'egpv_', 'egp_' + 'a'.repeat(43), 'egpv_' + 'a'.repeat(42), 'egpv_' + 'a'.repeat(42) + '!', ' egpv_' + 'a'.repeat(43)])(
    'refuses the malformed token %p',
    (token) => expect(isWellFormedPreviewToken(token)).toBe(false),
  );

  it('is active until it expires or is revoked', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    const editor = { role: Role.Editor, deactivatedAt: null, suspendedUntil: null };
    expect(previewTokenState({ expiresAt: new Date('2026-01-01T12:00:01Z'), revokedAt: null }, editor, now)).toBe('active');
    expect(previewTokenState({ expiresAt: now, revokedAt: null }, editor, now)).toBe('expired');
    expect(previewTokenState({ expiresAt: new Date('2026-01-02T00:00:00Z'), revokedAt: now }, editor, now)).toBe('revoked');
  });

  it('is revoked once the minting account left the editorial staff', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    const token = { expiresAt: new Date('2026-01-02T00:00:00Z'), revokedAt: null };
    const editor = { role: Role.Editor, deactivatedAt: null, suspendedUntil: null };
    expect(previewTokenState(token, null, now)).toBe('revoked');
    expect(previewTokenState(token, { ...editor, deactivatedAt: now }, now)).toBe('revoked');
    expect(previewTokenState(token, { ...editor, role: Role.Moderator }, now)).toBe('revoked');
    expect(previewTokenState(token, { ...editor, role: Role.Member }, now)).toBe('revoked');
    expect(previewTokenState(token, { ...editor, suspendedUntil: new Date('2026-01-01T13:00:00Z') }, now)).toBe('revoked');
    expect(previewTokenState(token, { ...editor, suspendedUntil: now }, now)).toBe('active');
  });

  it('covers an article, a locale, or one article in one locale', () => {
    expect(isInPreviewScope({ articleId: ARTICLE, locale: null }, { id: ARTICLE, locale: 'de' })).toBe(true);
    expect(isInPreviewScope({ articleId: ARTICLE, locale: null }, { id: OTHER, locale: 'en' })).toBe(false);
    expect(isInPreviewScope({ articleId: null, locale: 'en' }, { id: OTHER, locale: 'en' })).toBe(true);
    expect(isInPreviewScope({ articleId: null, locale: 'en' }, { id: OTHER, locale: 'de' })).toBe(false);
    expect(isInPreviewScope({ articleId: ARTICLE, locale: 'en' }, { id: ARTICLE, locale: 'en' })).toBe(true);
    expect(isInPreviewScope({ articleId: ARTICLE, locale: 'en' }, { id: ARTICLE, locale: 'de' })).toBe(false);
  });
});
