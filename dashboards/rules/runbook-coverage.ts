import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Whether every alert leads to its two runbooks (`runbooks/<area>/<Alert>.md` and
 * `.zh-CN.md`), each titled `# <Alert>` with exactly the four `##` headings in order, and whether
 * any runbook has lost its alert (renamed or removed): such an orphan is a page nobody will be
 * sent to, and usually means a rename left the alert without its runbook.
 */

export const runbookHeadings = {
  en: ['Meaning', 'Impact', 'Diagnosis', 'Mitigation'],
  'zh-CN': ['含义', '影响', '诊断', '处置'],
} as const;

export type RunbookLanguage = keyof typeof runbookHeadings;

/** The runbook file of an alert in one language, relative to the runbooks root. */
export function runbookFile(area: string, alert: string, language: RunbookLanguage): string {
  return join(area, language === 'en' ? `${alert}.md` : `${alert}.${language}.md`);
}

/** `##` headings outside fenced code blocks (a shell comment `## …` in a block is no heading). */
function secondLevelHeadings(markdown: string): string[] {
  const headings: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split(/\r?\n/)) {
    const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (opening && (fence === null || opening.startsWith(fence))) {
      fence = fence === null ? opening : null;
      continue;
    }
    if (fence !== null) continue;
    const heading = /^##\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading !== undefined) headings.push(heading);
  }
  return headings;
}

function problemsOfRunbook(path: string, shown: string, alert: string, language: RunbookLanguage): string[] {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const problems: string[] = [];
  const title = text.split(/\r?\n/, 1)[0]?.trim();
  if (title !== `# ${alert}`) problems.push(`${shown}: first line is "${title}", expected "# ${alert}"`);
  const found = secondLevelHeadings(text);
  const wanted = runbookHeadings[language];
  if (found.join('\n') !== wanted.join('\n')) {
    problems.push(`${shown}: ## headings are [${found.join(', ')}], expected [${wanted.join(', ')}] in this order`);
  }
  return problems;
}

/** Runbook files under the area folders: `<root>/<area>/*.md`. */
function runbookFilesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((area) => statSync(join(root, area)).isDirectory())
    .flatMap((area) =>
      readdirSync(join(root, area))
        .filter((name) => name.endsWith('.md'))
        .map((name) => join(area, name)),
    );
}

/**
 * Everything wrong between the alerts and the runbooks under `root`, one sentence each; empty when
 * every alert has both runbooks in shape and every runbook belongs to an alert.
 */
export function runbookProblems(alerts: readonly { area: string; alert: string }[], root: string): string[] {
  const problems: string[] = [];
  const expected = new Set<string>();
  for (const { area, alert } of alerts) {
    for (const language of Object.keys(runbookHeadings) as RunbookLanguage[]) {
      const file = runbookFile(area, alert, language);
      expected.add(file);
      const path = join(root, file);
      const shown = relative(process.cwd(), path);
      if (!existsSync(path)) problems.push(`${shown}: missing (runbook of alert ${alert}, ${language})`);
      else problems.push(...problemsOfRunbook(path, shown, alert, language));
    }
  }
  for (const file of runbookFilesUnder(root)) {
    if (!expected.has(file))
      problems.push(`${relative(process.cwd(), join(root, file))}: no alert of that area and name`);
  }
  return problems;
}
