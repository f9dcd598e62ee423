import { Marked, type Tokens } from 'marked';

/**
 * Runbook Markdown to HTML. The runbooks are ours, but a page must never carry markup nobody
 * reviewed as markup: raw HTML in a runbook is shown as text, links go only to web or mail
 * addresses and to paths of this console, and images become their alt text (the console runs on
 * closed networks, and its pages load nothing from elsewhere).
 */

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe to place in HTML, attributes included. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => entities[ch]!);
}

const allowedSchemes = new Set(['http', 'https', 'mailto']);
// Another runbook by its file: `AgentSilent.md`, `./AgentSilent.zh-CN.md`, `../agents/AgentSilent.md`.
const runbookFile = /^(?:\.\/|\.\.\/([a-z][a-z0-9-]*)\/)?([A-Z][A-Za-z0-9]*)(?:\.zh-CN)?\.md(#[\w-]*)?$/;

/**
 * Where a link in the runbook of `area` should lead: runbook files become their console pages,
 * the runbooks' README the index, and anything with a scheme other than http(s) or mailto (say
 * `javascript:`) leads nowhere (null).
 */
export function runbookLinkTarget(href: string, area: string): string | null {
  const file = runbookFile.exec(href);
  if (file) return `/runbooks/${file[1] ?? area}/${file[2]}${file[3] ?? ''}`;
  if (/^(?:\.\.\/)?README(?:\.zh-CN)?\.md$/.test(href)) return '/runbooks';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href)?.[1];
  if (scheme) return allowedSchemes.has(scheme.toLowerCase()) ? href : null;
  // Whitespace and control characters have no place in a path; a protocol-relative `//host` is another site.
  if (/[\s\\]/.test(href) || [...href].some((ch) => ch.charCodeAt(0) < 0x20) || href.startsWith('//')) return null;
  return href;
}

function markdownFor(area: string): Marked {
  return new Marked({
    gfm: true,
    renderer: {
      html({ text, block }: Tokens.HTML | Tokens.Tag) {
        return block ? `<p>${escapeHtml(text)}</p>\n` : escapeHtml(text);
      },
      link({ href, title, tokens }: Tokens.Link) {
        const inner = this.parser.parseInline(tokens);
        const target = runbookLinkTarget(href, area);
        if (target === null) return inner;
        const external = /^https?:/i.test(target);
        return `<a href="${escapeHtml(target)}"${title ? ` title="${escapeHtml(title)}"` : ''}${external ? ' rel="noopener noreferrer"' : ''}>${inner}</a>`;
      },
      image({ text }: Tokens.Image) {
        return escapeHtml(text);
      },
    },
  });
}

export type RenderedRunbook = {
  /** The text of the first-level heading (`# AlertName`), or null when the file has none. */
  title: string | null;
  /** The paragraph after the heading, rendered inline: the one-sentence summary. */
  summaryHtml: string;
  /** Everything after the heading, rendered. */
  bodyHtml: string;
};

/**
 * Renders one runbook of `area`. The leading `# AlertName` is left out of the body: the page's
 * own heading says it.
 */
export function renderRunbook(markdown: string, area: string): RenderedRunbook {
  const md = markdownFor(area);
  const tokens = md.lexer(markdown);
  const firstContent = tokens.findIndex((tok) => tok.type !== 'space');
  const head = tokens[firstContent];
  const hasTitle = head?.type === 'heading' && head.depth === 1;
  const rest = hasTitle ? tokens.filter((_, i) => i !== firstContent) : tokens;
  const lead = rest.find((tok) => tok.type !== 'space');
  const summaryHtml = lead?.type === 'paragraph' ? md.Parser.parseInline(lead.tokens ?? [], md.defaults) : '';
  return {
    title: hasTitle ? (head as Tokens.Heading).text.trim() : null,
    summaryHtml,
    bodyHtml: md.parser(rest),
  };
}
