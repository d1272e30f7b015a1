import { fitReason, MAX_REASON_JSON_BYTES } from './moderation-notices.service';

describe('fitReason', () => {
  it('keeps a short reason and null as they are', () => {
    expect(fitReason('spam')).toBe('spam');
    expect(fitReason(null)).toBeNull();
  });

  it('cuts a long reason so its JSON fits, whatever the characters', () => {
    for (const unit of ['a', 'é', '😀', '"', '\u0001']) {
      const cut = fitReason(unit.repeat(2000))!;
      expect(Buffer.byteLength(JSON.stringify(cut))).toBeLessThanOrEqual(MAX_REASON_JSON_BYTES);
      expect(cut.endsWith('…')).toBe(true);
      expect(cut.length).toBeGreaterThan(50);
    }
  });
});
