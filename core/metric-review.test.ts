import { describe, expect, it } from 'vitest';
import { ExpositionError } from './metric-review-exposition.ts';
import { parseExposition, personalDataIn, reviewMetrics, type ReviewRule } from './metric-review.ts';

/** One family in exposition text: HELP (unless null), TYPE, then the given sample lines. */
function family(
  name: string,
  type: string,
  samples: string[] = [`${name} 1`],
  help: string | null = 'What it counts.',
) {
  return [...(help === null ? [] : [`# HELP ${name} ${help}`]), `# TYPE ${name} ${type}`, ...samples].join('\n');
}

const rulesOf = (text: string) => reviewMetrics(parseExposition(text)).map((p) => p.rule);

describe('reading the exposition format', () => {
  it('groups HELP, TYPE and samples into families, histogram series under their family', () => {
    const text = [
      '# HELP http_request_duration_seconds Time to answer, by route.\\nIn seconds \\\\ base unit.',
      '# TYPE http_request_duration_seconds histogram',
      'http_request_duration_seconds_bucket{le="0.1",route="/api/v1/links/:code"} 3',
      'http_request_duration_seconds_bucket{le="+Inf",route="/api/v1/links/:code"} 4',
      'http_request_duration_seconds_sum{route="/api/v1/links/:code"} 0.25',
      'http_request_duration_seconds_count{route="/api/v1/links/:code"} 4',
      '# a comment',
      'undocumented_thing{path="a \\"quoted\\", {braced} \\\\ value\\nsecond line"} -1.5e3 1700000000000',
      '',
    ].join('\n');
    const [histogram, undocumented] = parseExposition(text);
    expect(histogram).toMatchObject({
      name: 'http_request_duration_seconds',
      help: 'Time to answer, by route.\nIn seconds \\ base unit.',
      type: 'histogram',
    });
    expect(histogram!.samples.map((s) => s.name)).toEqual([
      'http_request_duration_seconds_bucket',
      'http_request_duration_seconds_bucket',
      'http_request_duration_seconds_sum',
      'http_request_duration_seconds_count',
    ]);
    expect(histogram!.samples[1]).toEqual({
      name: 'http_request_duration_seconds_bucket',
      labels: { le: '+Inf', route: '/api/v1/links/:code' },
      value: '4',
    });
    expect(undocumented).toEqual({
      name: 'undocumented_thing',
      help: null,
      type: null,
      samples: [
        {
          name: 'undocumented_thing',
          labels: { path: 'a "quoted", {braced} \\ value\nsecond line' },
          value: '-1.5e3',
        },
      ],
    });
  });

  it.each([
    ['no value', 'up{job="x"}'],
    ['a value that is no number', 'up one'],
    ['an unterminated label value', 'up{job="x} 1'],
    ['a label named twice', 'up{job="a",job="b"} 1'],
    ['a label without quotes', 'up{job=x} 1'],
  ])('refuses %s, naming the line', (_, line) => {
    expect(() => parseExposition(`# TYPE up gauge\n${line}`)).toThrow(ExpositionError);
    expect(() => parseExposition(`# TYPE up gauge\n${line}`)).toThrow(/^line 2: /);
  });
});

describe('reviewing metric families', () => {
  it.each<[string, string, ReviewRule[]]>([
    ['a documented gauge in base units', family('govops_site_headroom_ratio', 'gauge'), []],
    ['a counter ending _total', family('govops_agent_reports_total', 'counter'), []],
    ['no HELP', family('govops_widgets', 'gauge', undefined, null), ['missing_help']],
    ['an empty HELP', family('govops_widgets', 'gauge', undefined, ' '), ['missing_help']],
    ['no TYPE', '# HELP govops_widgets Widgets.\ngovops_widgets 1', ['missing_type']],
    ['a counter without _total', family('govops_reports', 'counter'), ['counter_without_total']],
    ['a gauge ending _total', family('govops_spool_total', 'gauge'), ['total_on_non_counter']],
    ['milliseconds', family('govops_request_duration_milliseconds', 'gauge'), ['non_base_unit']],
    ['_ms', family('probe_rtt_ms', 'gauge'), ['non_base_unit']],
    ['minutes', family('govops_lag_minutes', 'gauge'), ['non_base_unit']],
    ['hours', family('govops_drill_age_hours', 'gauge'), ['non_base_unit']],
    ['days', family('govops_cert_days_left', 'gauge'), ['non_base_unit']],
    ['kilobytes', family('agent_spool_kilobytes', 'gauge'), ['non_base_unit']],
    ['megabytes', family('agent_heap_megabytes', 'gauge'), ['non_base_unit']],
    ['_kb', family('agent_spool_kb', 'gauge'), ['non_base_unit']],
    ['_mb', family('agent_spool_mb', 'gauge'), ['non_base_unit']],
    ['_millis', family('agent_round_millis', 'gauge'), ['non_base_unit']],
    ['_sec', family('govops_poll_interval_sec', 'gauge'), ['non_base_unit']],
    ['_mib', family('agent_spool_mib', 'gauge'), ['non_base_unit']],
    ['_bits', family('extranet_link_capacity_bits', 'gauge'), ['non_base_unit']],
    ['percent', family('govops_quota_used_percent', 'gauge'), ['non_base_unit']],
    ['_pct', family('govops_headroom_pct', 'gauge'), ['non_base_unit']],
    ['"ms" inside a word is no unit', family('govops_sms_gateways', 'gauge'), []],
    ['a histogram without a unit', family('govops_batch_size', 'histogram', []), ['distribution_without_unit']],
    ['a summary without a unit', family('govops_rounds', 'summary', []), ['distribution_without_unit']],
    ['a histogram in seconds', family('extranet_link_rtt_seconds', 'histogram', []), []],
    [
      'a histogram in milliseconds, twice wrong',
      family('rtt_milliseconds', 'histogram', []),
      ['non_base_unit', 'distribution_without_unit'],
    ],
    ['a timestamp not in seconds', family('agent_last_push_timestamp', 'gauge'), ['timestamp_not_in_seconds']],
    ['a timestamp in seconds', family('agent_last_push_timestamp_seconds', 'gauge'), []],
    ['blackbox’s certificate expiry (excepted)', family('probe_ssl_earliest_cert_expiry', 'gauge'), []],
    ['another expiry, not excepted', family('gov_cert_expiry', 'gauge'), ['timestamp_not_in_seconds']],
    ['an allowed label', family('govops_extranet_links', 'gauge', ['govops_extranet_links{class="city"} 1']), []],
    [
      'a label outside the list',
      family('govops_links', 'gauge', ['govops_links{link_name="合肥市城域网"} 1']),
      ['label_not_allowed'],
    ],
    [
      'a unit label on a capacity family (excepted)',
      family('govops_site_capacity', 'gauge', ['govops_site_capacity{site="prod-hefei",resource="cpu",unit="core"} 1']),
      [],
    ],
    [
      'a unit label elsewhere',
      family('govops_widgets', 'gauge', ['govops_widgets{unit="byte"} 1']),
      ['label_not_allowed'],
    ],
    ['prom-client’s active handles gauge (excepted)', family('govops_nodejs_active_handles_total', 'gauge'), []],
    [
      'a resident ID number in a label',
      family('gov_certs', 'gauge', ['gov_certs{subject_cn="张三 110101199003071234"} 1']),
      ['personal_data_in_label'],
    ],
    [
      'a mobile number in a label',
      family('gov_certs', 'gauge', ['gov_certs{source="13812345678"} 1']),
      ['personal_data_in_label'],
    ],
    [
      'an e-mail address in a label',
      family('gov_certs', 'gauge', ['gov_certs{subject_cn="zhangsan@example.gov.cn"} 1']),
      ['personal_data_in_label'],
    ],
    [
      'one problem per label, however many series',
      family('govops_links', 'gauge', ['govops_links{link_name="a"} 1', 'govops_links{link_name="b"} 1']),
      ['label_not_allowed'],
    ],
  ])('%s', (_, text, rules) => {
    expect(rulesOf(text)).toEqual(rules);
  });

  it('names the family and the label, but never repeats the personal data it found', () => {
    const [problem] = reviewMetrics(
      parseExposition(family('gov_certs', 'gauge', ['gov_certs{subject_cn="张三 110101199003071234"} 1'])),
    );
    expect(problem).toMatchObject({ family: 'gov_certs', rule: 'personal_data_in_label', label: 'subject_cn' });
    expect(problem!.message).not.toContain('110101199003071234');
  });

  it('takes its exceptions and labels from the caller when given', () => {
    const text = family('govops_spool_total', 'gauge', ['govops_spool_total{shard="a"} 1']);
    expect(
      reviewMetrics(parseExposition(text), {
        exceptions: [{ family: 'govops_spool_total', rule: 'total_on_non_counter', reason: 'test' }],
        labels: new Set(['shard']),
      }),
    ).toEqual([]);
  });
});

describe('personal data in a label value', () => {
  it.each<[string, string | null]>([
    ['110101199003071234', 'a resident identity number'],
    ['CN=张三,serialNumber=11010119900307123X', 'a resident identity number'],
    ['33010220000229001x', 'a resident identity number'], // 29 February 2000 existed
    ['330102 2001-02-29', null],
    ['330102200102290019', null], // 29 February 2001 did not: not a birth date
    ['110101189003071234', null], // no one alive was born in 1890
    ['13812345678', 'a mobile phone number'],
    ['+86 13812345678', 'a mobile phone number'],
    ['tel:19912345678', 'a mobile phone number'],
    ['12812345678', null], // no mainland mobile number starts 12
    ['zhangsan@example.gov.cn', 'an e-mail address'],
    // Digits inside a longer token are part of a hash or a code, not a number of their own.
    ['a13812345678b', null],
    ['3f0a110101199003071234c2', null],
    ['9e107d9d372bb6826bd81d3542a419d6110101199003071234e4b2a8f1d0c7e6a5b4c3d2e1f0a9b8c7d6', null],
    ['portal.hf.gov.cn', null],
    ['dept-340100-001', null],
    ['2026-11-21T08:00:00.000Z', null],
    ['1732176000000', null],
  ])('%s → %s', (value, found) => {
    expect(personalDataIn(value)).toBe(found);
  });
});
