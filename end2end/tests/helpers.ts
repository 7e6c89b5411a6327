import { expect, Browser, Page } from '@playwright/test';
import { execFileSync } from 'child_process';
import AxeBuilder from '@axe-core/playwright';

export const DEMO_PASSWORD = 'caiping-demo';

/** Waits until the WASM bundle has hydrated the page, so clicks reach their handlers. */
export async function hydrated(page: Page) {
  // A page that never hydrates has usually panicked: say so in the failure.
  await expect(page.locator('body[data-hydrated="true"]'), `page errors: ${pageErrors.join(' | ')}; console errors: ${consoleErrors.slice(-5).join(' | ')}`).toHaveCount(1);
}

export async function signIn(page: Page, username: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await hydrated(page);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('[data-testid="login-form"] button[type="submit"]').click();
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Beijing wall-clock time as the tender form takes it (`2026-12-20T09:30`). */
export function beijing(ms: number): string {
  return new Date(ms + 8 * HOUR).toISOString().slice(0, 16);
}

/** Uncaught page errors (a hydration panic among them) of the pages a test opened with `as`. */
export const pageErrors: string[] = [];

/** Console errors, reported when a page fails to hydrate (not a failure by themselves). */
export const consoleErrors: string[] = [];

/** A fresh browser context signed in as `username`, on its workbench. */
export async function as(browser: Browser, username: string, password = DEMO_PASSWORD): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${username} ${page.url()}: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${username} ${page.url()}: ${m.text()}`); });
  await signIn(page, username, password);
  await expect(page.getByTestId('workbench-title')).toBeVisible();
  return page;
}

/** The demo experts of Jiangsu's 公益服务类 pool by the name a panel list shows. */
export const EXPERT_USERNAMES: Record<string, string> = {
  周专家: 'expert-zhou', 吴专家: 'expert-wu', 郑专家: 'expert-zheng', 王专家: 'expert-wang', 陈专家: 'expert-chen', 褚专家: 'expert-chu',
  朱专家: 'expert-zhu', 秦专家: 'expert-qin', 尤专家: 'expert-you', 许专家: 'expert-xu', 何专家: 'expert-he', 吕专家: 'expert-lv',
};

/** Calls a server function as the page's own forms do (its session's cookies); expects 200. */
export async function callServerFn(page: Page, name: string, form: Record<string, string>) {
  const res = await page.request.post(`/api/${name}`, { form });
  expect(res.status(), `${name}: ${await res.text()}`).toBe(200);
  return res.json();
}

/** Sheet `n` (1-based) of an XLSX file as rows of cell texts, read from its XML with unzip. */
export function xlsxRows(path: string, n: number): string[][] {
  const part = (name: string) => execFileSync('unzip', ['-p', path, name]).toString();
  const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  const shared = [...part('xl/sharedStrings.xml').matchAll(/<si>(.*?)<\/si>/gs)].map((m) =>
    unescape([...m[1].matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map((t) => t[1]).join('')));
  const rows: string[][] = [];
  for (const row of part(`xl/worksheets/sheet${n}.xml`).matchAll(/<row r="(\d+)"[^>]*>(.*?)<\/row>/gs)) {
    const cells: string[] = [];
    for (const c of row[2].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)) {
      const col = [...c[1]].reduce((acc, ch) => acc * 26 + ch.charCodeAt(0) - 64, 0) - 1;
      const value = /<v>(.*?)<\/v>/s.exec(c[3] ?? '')?.[1] ?? '';
      cells[col] = c[2].includes('t="s"') ? shared[Number(value)] : value;
    }
    rows[Number(row[1]) - 1] = Array.from(cells, (x) => x ?? '');
  }
  // Rows without cells are not written: they read as empty.
  return Array.from(rows, (r) => r ?? []);
}

/**
 * Runs `click` on a control whose action cannot be undone, answering the browser's confirmation
 * (accepting it, or dismissing it when `accept` is false); returns the question asked, '' if none.
 */
export async function confirming(page: Page, click: () => Promise<void>, accept = true): Promise<string> {
  let question = '';
  page.once('dialog', async (dialog) => {
    question = `${dialog.type()}: ${dialog.message()}`;
    if (accept) await dialog.accept();
    else await dialog.dismiss();
  });
  await click();
  return question;
}

/**
 * The rules' working references (seed file numbers, "(verify)", English article numbers) are for
 * the code; a Chinese reader sees Chinese legal citations only.
 */
export const WORKING_MARKS = /seed[ _]?\d|\(verify\)|\bO87\b|MoF Order|Law art\.|Reg\. art\.|Cai Ku|\bart\. ?\d/;

/** Fails if the page, as a Chinese reader sees it, shows a working reference. */
export async function expectReadableInChinese(page: Page) {
  expect(await page.locator('body').innerText()).not.toMatch(WORKING_MARKS);
}

/** The route a path belongs to, ids replaced (`/tenders/:id`). */
export function route(path: string): string {
  return path.split('?')[0].replace(/\/[0-9a-f]{32}(?=\/|$)/g, '/:id');
}

/** axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it stands, one line each. */
export async function a11yViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${route(new URL(page.url()).pathname)} ${v.id} (${v.impact}): ${v.help} — ${v.nodes
      .slice(0, 3)
      .map((n) => n.target.join(' '))
      .join(' | ')}`);
}

/** Fails on any serious or critical accessibility violation of the page in its current state. */
export async function expectAccessible(page: Page) {
  const found = await a11yViolations(page);
  expect(found, found.join('\n')).toEqual([]);
}
