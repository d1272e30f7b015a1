import { ModerationPolicy } from '../../forum/entities/forum-enums';
import { Role } from '../../users/role.enum';
import { BlockedMatcher, contentHoldReasons, countLinks, holdReasons, normalizeText, patternProblem, RuleSettings, textFingerprint } from './rules';

const SETTINGS: RuleSettings = {
  holdTrustLevelZero: false,
  maxLinks: 2,
  duplicateTextWindowMinutes: 60,
  duplicateTextMinChars: 20,
  fastPostingSeconds: 15,
  fastPostingMaxTrustLevel: 1,
};
const QUIET = { secondsSincePrevious: null, duplicateElsewhere: false, blockedMatch: null };
const member = (over: Partial<{ trustLevel: number; markdown: string; boardPolicy: ModerationPolicy; role: Role }> = {}) => ({
  role: Role.Member,
  trustLevel: 2,
  boardPolicy: ModerationPolicy.Open,
  markdown: 'How do I export invoices?',
  ...over,
});

describe('auto-moderation rules', () => {
  it('holds nothing for an ordinary post', () => {
    expect(holdReasons(member(), SETTINGS, QUIET)).toEqual([]);
  });

  it('never holds staff', () => {
    expect(holdReasons(member({ role: Role.Moderator, boardPolicy: ModerationPolicy.HoldAll, markdown: 'http://a http://b http://c' }), SETTINGS, { ...QUIET, blockedMatch: 'x' })).toEqual([]);
  });

  it('holds by board policy first, then by each rule that applies', () => {
    const reasons = holdReasons(
      member({ trustLevel: 0, boardPolicy: ModerationPolicy.HoldNewMembers, markdown: 'http://a.example http://b.example http://c.example' }),
      { ...SETTINGS, holdTrustLevelZero: true },
      { secondsSincePrevious: 3, duplicateElsewhere: true, blockedMatch: 'pills' },
    );
    expect(reasons).toEqual(['board:hold_new_members', 'auto:trust_level_0', 'auto:blocked_words', 'auto:links', 'auto:duplicate_text', 'auto:fast_posting']);
  });

  it('turns a rule off with a null threshold', () => {
    const off = { ...SETTINGS, maxLinks: null, duplicateTextWindowMinutes: null, fastPostingSeconds: null };
    expect(holdReasons(member({ trustLevel: 0, markdown: 'http://a http://b http://c' }), off, { secondsSincePrevious: 1, duplicateElsewhere: true, blockedMatch: null })).toEqual([]);
  });

  it('applies fast posting only up to its trust level', () => {
    expect(holdReasons(member({ trustLevel: 1 }), SETTINGS, { ...QUIET, secondsSincePrevious: 5 })).toEqual(['auto:fast_posting']);
    expect(holdReasons(member({ trustLevel: 2 }), SETTINGS, { ...QUIET, secondsSincePrevious: 5 })).toEqual([]);
    expect(holdReasons(member({ trustLevel: 1 }), SETTINGS, { ...QUIET, secondsSincePrevious: 20 })).toEqual([]);
  });

  it('counts distinct links in Markdown', () => {
    expect(countLinks('no links here')).toBe(0);
    expect(countLinks('[docs](https://example.com/docs) and https://example.com/docs again')).toBe(1);
    expect(countLinks('<https://a.example> www.b.example/x, http://c.example.')).toBe(3);
    expect(holdReasons(member({ markdown: 'http://a.example http://b.example' }), SETTINGS, QUIET)).toEqual([]);
    expect(holdReasons(member({ markdown: 'http://a.example http://b.example http://c.example' }), SETTINGS, QUIET)).toEqual(['auto:links']);
  });

  it('names the content rules an edit is checked against, whoever posts and wherever', () => {
    expect(contentHoldReasons('How do I export invoices?', SETTINGS, null)).toEqual([]);
    expect(contentHoldReasons('http://a.example http://b.example http://c.example', SETTINGS, 'pills')).toEqual(['auto:blocked_words', 'auto:links']);
    expect(contentHoldReasons('http://a.example http://b.example http://c.example', { maxLinks: null }, null)).toEqual([]);
  });

  it('fingerprints normalized text and ignores short texts', () => {
    expect(normalizeText('  Buy CHEAP pills!!! Now… ')).toBe('buy cheap pills now');
    expect(textFingerprint('Buy cheap pills now at our shop', 20)).toBe(textFingerprint('buy   CHEAP pills, now at our shop!', 20));
    expect(textFingerprint('Thanks!', 20)).toBeNull();
  });

  describe('blocked words and patterns', () => {
    it('matches words on word boundaries, case-insensitively, and phrases across spacing', () => {
      const matcher = new BlockedMatcher([{ kind: 'word', pattern: 'pills' }, { kind: 'word', pattern: 'free money' }]);
      expect(matcher.firstMatch('Cheap PILLS here')).toBe('pills');
      expect(matcher.firstMatch('spillsover')).toBeNull();
      expect(matcher.firstMatch('get free\n money')).toBe('free money');
      expect(matcher.firstMatch('nothing to see')).toBeNull();
    });

    it('matches words of scripts without spaces anywhere', () => {
      expect(new BlockedMatcher([{ kind: 'word', pattern: '赌博' }]).firstMatch('网上赌博平台')).toBe('赌博');
    });

    it('runs regular expressions in linear time: a catastrophic pattern stays fast', () => {
      const matcher = new BlockedMatcher([{ kind: 'regex', pattern: '(a+)+$' }, { kind: 'regex', pattern: 'casino\\d+' }]);
      const started = Date.now();
      expect(matcher.firstMatch(`${'a'.repeat(5000)}!`)).toBeNull();
      expect(Date.now() - started).toBeLessThan(1000);
      expect(matcher.firstMatch('visit CASINO777')).toBe('casino\\d+');
    });

    it('refuses patterns that do not compile (look-arounds, back-references), empty or too long ones', () => {
      expect(patternProblem('regex', '(?=x)y')).toBe('INVALID_REGEX');
      expect(patternProblem('regex', '(a)\\1')).toBe('INVALID_REGEX');
      expect(patternProblem('regex', '[unclosed')).toBe('INVALID_REGEX');
      expect(patternProblem('word', '  ')).toBe('EMPTY');
      expect(patternProblem('word', 'x'.repeat(201))).toBe('TOO_LONG');
      expect(patternProblem('word', 'a.b(c)')).toBeNull();
      expect(new BlockedMatcher([{ kind: 'word', pattern: 'a.b(c)' }]).firstMatch('see a.b(c) now')).toBe('a.b(c)');
      expect(new BlockedMatcher([{ kind: 'word', pattern: 'a.b(c)' }]).firstMatch('see axb(c) now')).toBeNull();
    });
  });
});
