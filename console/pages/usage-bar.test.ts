import { describe, expect, it } from 'vitest';
import { fillLevel, percentOf } from './usage-bar.ts';

describe('usage bar', () => {
  it.each([
    [0, 100, 0, 'ok'],
    [84_999, 100_000, 84.9, 'ok'],
    [85, 100, 85, 'warn'],
    [4118, 4800, 85.7, 'warn'],
    [95, 100, 95, 'alarm'],
    [120, 100, 120, 'alarm'],
    [1, 0, Infinity, 'alarm'],
  ])('%d of %d is %d %%, %s', (part, whole, percent, level) => {
    expect(percentOf(part, whole)).toBe(percent);
    expect(fillLevel(percentOf(part, whole))).toBe(level);
  });
});
