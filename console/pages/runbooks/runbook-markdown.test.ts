import { describe, expect, it } from 'vitest';
import { renderRunbook, runbookLinkTarget } from './runbook-markdown.ts';

const body = (markdown: string) => renderRunbook(`# SomeAlert\n\nSummary.\n\n${markdown}`, 'extranet').bodyHtml;

describe('runbook Markdown', () => {
  it('takes the title from the first heading and the summary from the sentence after it', () => {
    const r = renderRunbook(
      '# ExtranetLinkDown\n\nA department link answered **no** probe.\n\n## Meaning\n\nText.\n',
      'extranet',
    );
    expect(r.title).toBe('ExtranetLinkDown');
    expect(r.summaryHtml).toBe('A department link answered <strong>no</strong> probe.');
    expect(r.bodyHtml).not.toContain('<h1>');
    expect(r.bodyHtml).toContain('<h2>Meaning</h2>');
  });

  it('has no title when the file does not start with one, and keeps all of it as the body', () => {
    const r = renderRunbook('Just text.\n\n## Meaning\n', 'dr');
    expect(r.title).toBeNull();
    expect(r.summaryHtml).toBe('Just text.');
    expect(r.bodyHtml).toContain('<p>Just text.</p>');
  });

  it.each([
    ['a script block', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;', '<script'],
    ['an inline tag with a handler', 'x <img src=x onerror=alert(1)> y', '&lt;img src=x onerror=alert(1)&gt;', '<img'],
    ['an inline element', 'a <b>bold</b> word', 'a &lt;b&gt;bold&lt;/b&gt; word', '<b>'],
    ['a comment', '<!-- hidden -->', '&lt;!-- hidden --&gt;', '<!--'],
    ['a javascript: link', '[click](javascript:alert(1))', '<p>click</p>', 'javascript:'],
    ['a data: link', '[data](data:text/html;base64,PHNjcmlwdD4=)', '<p>data</p>', 'data:'],
    ['an image', '![a chart](http://example.org/x.png)', '<p>a chart</p>', '<img'],
    ['code with markup', '```promql\nup{job="x"} < 1\n```', 'up{job=&quot;x&quot;} &lt; 1', '< 1'],
  ])('shows %s as text, never as markup', (_, markdown, shown, absent) => {
    const html = body(markdown);
    expect(html).toContain(shown);
    expect(html).not.toContain(absent);
  });

  it('keeps links to web pages, to console pages and between runbooks', () => {
    const html = body(
      '[links](/extranet/links?state=down&class=department) [docs](https://prometheus.io/docs/) [silent](../agents/AgentSilent.md) [same](./ExtranetLinkDegraded.zh-CN.md)',
    );
    expect(html).toContain('<a href="/extranet/links?state=down&amp;class=department">links</a>');
    expect(html).toContain('<a href="https://prometheus.io/docs/" rel="noopener noreferrer">docs</a>');
    expect(html).toContain('<a href="/runbooks/agents/AgentSilent">silent</a>');
    expect(html).toContain('<a href="/runbooks/extranet/ExtranetLinkDegraded">same</a>');
  });

  it.each([
    ['/dr?flag=drill-overdue', '/dr?flag=drill-overdue'],
    ['#diagnosis', '#diagnosis'],
    ['mailto:noc@example.gov.cn', 'mailto:noc@example.gov.cn'],
    ['AgentSilent.md', '/runbooks/extranet/AgentSilent'],
    ['../README.md', '/runbooks'],
    ['JavaScript:alert(1)', null],
    ['vbscript:x', null],
    ['//evil.example/x', null],
    ['/extranet\u0000/links', null],
  ])('leads %s to %s', (href, target) => {
    expect(runbookLinkTarget(href, 'extranet')).toBe(target);
  });
});
