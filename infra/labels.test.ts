import { describe, expect, it } from 'vitest';
import { isLabelValue, labelValueOf } from './labels.ts';

describe('labelValueOf', () => {
  it.each([
    ['340100-003', '340100-003'],
    ['prod-hefei', 'prod-hefei'],
    ['county', 'county'],
    ['340000', '340000'],
    ['A_b-9', 'A_b-9'],
    ['', ''],
  ])('keeps %j, already a label value', (text, expected) => {
    expect(labelValueOf(text)).toBe(expected);
  });

  it.each([
    ['AB_', /^AB\.[0-9a-f]{8}$/],
    ['AB-', /^AB\.[0-9a-f]{8}$/],
    ['省厅', /^[0-9a-f]{8}$/],
    ['x'.repeat(64), /^x{54}\.[0-9a-f]{8}$/],
    ['a b/c', /^a-b-c\.[0-9a-f]{8}$/],
  ])('turns %j into a valid stand-in', (text, shape) => {
    const value = labelValueOf(text);
    expect(value).toMatch(shape);
    expect(isLabelValue(value)).toBe(true);
  });

  it('never gives two codes the same stand-in', () => {
    expect(labelValueOf('AB_')).not.toBe(labelValueOf('AB-'));
  });
});
