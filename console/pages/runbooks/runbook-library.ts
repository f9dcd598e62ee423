import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lang } from '../../i18n/negotiate.ts';
import { alertAreas, knownAlertsOf, type Severity, severityOf } from './known-alerts.ts';
import { renderRunbook } from './runbook-markdown.ts';

/** The repository's runbooks: `runbooks/<area>/<AlertName>.md` and `.zh-CN.md`. */
export const runbooksRoot = fileURLToPath(new URL('../../../runbooks/', import.meta.url));

// What may name an area or an alert: the same shapes the alert rules use. Anything else in a URL
// (`..`, slashes, dots) is not a runbook, and nothing is read from disk after start-up anyway.
export const areaName = /^[a-z][a-z0-9-]{0,31}$/;
export const alertName = /^[A-Z][A-Za-z0-9]{0,79}$/;
const runbookFile = /^([A-Z][A-Za-z0-9]{0,79})(\.zh-CN)?\.md$/;

export type RunbookText = {
  lang: Lang;
  /** Where it comes from, relative to the repository: shown so a reader knows what to edit. */
  file: string;
  title: string;
  summaryHtml: string;
  bodyHtml: string;
};

export type Runbook = {
  area: string;
  alert: string;
  severity: Severity | null;
  texts: Partial<Record<Lang, RunbookText>>;
};

export type RunbookLibrary = {
  /** Areas that have runbooks: the known ones in their order, then any others by name. */
  areas: string[];
  /** Runbooks of one area, or all of them, area by area. */
  list(area?: string): Runbook[];
  find(area: string, alert: string): Runbook | undefined;
};

function subdirectories(root: string): string[] {
  try {
    return readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && areaName.test(e.name))
      .map((e) => e.name);
  } catch {
    return []; // no runbooks directory: an empty index, not a console that fails to start
  }
}

function areaOrder(a: string, b: string): number {
  const rank = (x: string) => {
    const i = (alertAreas as string[]).indexOf(x);
    return i < 0 ? alertAreas.length : i;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** Known alerts in the order their area lists them (as in the rules), then others by name. */
function alertOrder(area: string): (a: Runbook, b: Runbook) => number {
  const known = knownAlertsOf(area);
  const rank = (x: string) => (known.includes(x) ? known.indexOf(x) : known.length);
  return (a, b) => rank(a.alert) - rank(b.alert) || a.alert.localeCompare(b.alert);
}

/**
 * Reads and renders every runbook under `root` once; pages then answer from memory. A file's
 * `# AlertName` and the sentence after it give its title and summary; README files are not
 * runbooks.
 */
export function loadRunbookLibrary(root: string = runbooksRoot): RunbookLibrary {
  const byArea = new Map<string, Runbook[]>();
  for (const area of subdirectories(root).sort(areaOrder)) {
    const runbooks = new Map<string, Runbook>();
    for (const name of readdirSync(join(root, area)).sort()) {
      const match = runbookFile.exec(name);
      if (!match || match[1] === 'README') continue;
      const alert = match[1]!;
      const lang: Lang = match[2] ? 'zh-CN' : 'en';
      const rendered = renderRunbook(readFileSync(join(root, area, name), 'utf8'), area);
      const runbook = runbooks.get(alert) ?? { area, alert, severity: severityOf(area, alert), texts: {} };
      runbook.texts[lang] = {
        lang,
        file: `runbooks/${area}/${name}`,
        title: rendered.title ?? alert,
        summaryHtml: rendered.summaryHtml,
        bodyHtml: rendered.bodyHtml,
      };
      runbooks.set(alert, runbook);
    }
    if (runbooks.size) byArea.set(area, [...runbooks.values()].sort(alertOrder(area)));
  }
  const all = [...byArea.values()].flat();
  return {
    areas: [...byArea.keys()],
    list: (area) => (area === undefined ? all : (byArea.get(area) ?? [])),
    find: (area, alert) => byArea.get(area)?.find((r) => r.alert === alert),
  };
}

let repositoryLibrary: RunbookLibrary | undefined;

/** The repository's runbooks, read on first use and kept: they change only with a new release. */
export function repositoryRunbooks(): RunbookLibrary {
  repositoryLibrary ??= loadRunbookLibrary(runbooksRoot);
  return repositoryLibrary;
}
