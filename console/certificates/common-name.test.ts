import { describe, expect, it } from 'vitest';
import { commonNameOf } from './common-name.ts';

describe('commonNameOf', () => {
  it.each([
    ['CN=oa.hefei.gov.cn,O=合肥市人民政府,C=CN', 'oa.hefei.gov.cn'],
    ['C=CN,O=Anhui,CN=late.example', 'late.example'],
    ['cn=lower.example,O=x', 'lower.example'],
    ['CN=Smith\\, Inc.,O=x', 'Smith, Inc.'],
    ['CN=a\\+b+OU=ops,O=x', 'a+b'],
    ['CN=\\E5\\90\\88\\E8\\82\\A5,C=CN', '合肥'],
    ['CN=first.example,CN=second.example', 'first.example'],
    ['2.5.4.3=by-oid.example,O=x', 'by-oid.example'],
    ['C=CN\nO=Anhui\nCN=node-form.example', 'node-form.example'],
    ['O=No CN,C=CN', null],
    ['CN=,O=x', null],
    ['', null],
    [null, null],
  ])('%j → %j', (subject, cn) => {
    expect(commonNameOf(subject)).toBe(cn);
  });
});
