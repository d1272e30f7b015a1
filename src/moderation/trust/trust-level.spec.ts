import { Participation, trustLevelFor } from './trust-level';

const base: Participation = { daysSinceSignUp: 0, visiblePosts: 0, acceptedAnswers: 0, upvotesReceived: 0, upheldFlagsAgainst: 0 };

describe('trustLevelFor', () => {
  it('starts at 0 and rises with time, posts, upvotes and accepted answers', () => {
    expect(trustLevelFor(base)).toBe(0);
    expect(trustLevelFor({ ...base, daysSinceSignUp: 2, visiblePosts: 3 })).toBe(1);
    expect(trustLevelFor({ ...base, daysSinceSignUp: 20, visiblePosts: 20, upvotesReceived: 5 })).toBe(2);
    expect(trustLevelFor({ ...base, daysSinceSignUp: 60, visiblePosts: 60, upvotesReceived: 40, acceptedAnswers: 5 })).toBe(3);
    expect(trustLevelFor({ ...base, daysSinceSignUp: 400, visiblePosts: 500, upvotesReceived: 900, acceptedAnswers: 50 })).toBe(4);
  });

  it('needs every requirement of a level: many posts on the first day stay at 0', () => {
    expect(trustLevelFor({ ...base, daysSinceSignUp: 0.5, visiblePosts: 100, upvotesReceived: 100, acceptedAnswers: 30 })).toBe(0);
    expect(trustLevelFor({ ...base, daysSinceSignUp: 400, visiblePosts: 500, upvotesReceived: 900, acceptedAnswers: 19 })).toBe(3);
  });

  it('falls one level per two upheld flags, never below 0', () => {
    const veteran = { ...base, daysSinceSignUp: 60, visiblePosts: 60, upvotesReceived: 40, acceptedAnswers: 5 };
    expect(trustLevelFor({ ...veteran, upheldFlagsAgainst: 1 })).toBe(3);
    expect(trustLevelFor({ ...veteran, upheldFlagsAgainst: 2 })).toBe(2);
    expect(trustLevelFor({ ...veteran, upheldFlagsAgainst: 40 })).toBe(0);
  });
});
