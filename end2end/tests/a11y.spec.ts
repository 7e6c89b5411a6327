import { test, expect, Page } from '@playwright/test';
import { a11yViolations as violations, as, hydrated, route } from './helpers';

// Every page each role reaches from its workbench (and the public pages), scanned with axe-core
// against WCAG 2.1 A/AA: no serious or critical violation. Pages are found by following the
// links, so a new page is scanned without being listed here.

/**
 * Scans `start` and the pages reached from it by following links up to `depth` clicks away, one
 * page per route; returns what axe found. `seen` collects the routes scanned.
 */
async function crawl(page: Page, start: string, seen: Set<string>, depth = 2): Promise<string[]> {
  const found: string[] = [];
  let frontier = [start];
  for (let level = 0; level <= depth && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const path of frontier) {
      const r = route(path);
      if (seen.has(r)) continue;
      seen.add(r);
      await page.goto(path);
      await hydrated(page);
      found.push(...(await violations(page)));
      const hrefs = await page.locator('a[href^="/"]').evaluateAll((links) =>
        links.map((a) => a.getAttribute('href') ?? ''));
      next.push(...hrefs.filter((h) => !h.startsWith('/api/') && !h.startsWith('/pkg/')));
    }
    frontier = next;
  }
  return found;
}

test('public pages have no serious accessibility violations', async ({ page }) => {
  const seen = new Set<string>();
  const found: string[] = [];
  for (const start of ['/', '/login', '/register']) found.push(...(await crawl(page, start, seen)));
  // The board links to tender pages: at least the home page and one tender page were scanned.
  expect([...seen]).toEqual(expect.arrayContaining(['/', '/tenders/:id']));
  expect(found, found.join('\n')).toEqual([]);
});

for (const username of ['officer', 'ngo-yangguang', 'expert-zhou', 'auditor', 'admin']) {
  test(`${username}'s pages have no serious accessibility violations`, async ({ browser }) => {
    const page = await as(browser, username);
    const home = new URL(page.url()).pathname;
    // The public pages were scanned signed out; the tender workspace's amend form is two links away.
    const seen = new Set<string>(['/login', '/register', '/']);
    const found = await crawl(page, home, seen);
    expect(seen.size, [...seen].join(' ')).toBeGreaterThan(1);
    expect(found, found.join('\n')).toEqual([]);
    await page.context().close();
  });
}

test('signing in works from the keyboard alone, with a visible focus ring', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.locator('input[name="username"]').focus();
  const ring = async () =>
    page.evaluate(() => {
      const s = getComputedStyle(document.activeElement as Element);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
  await page.keyboard.type('officer');
  expect(await ring()).toEqual({ style: 'solid', width: 3 });
  await page.keyboard.press('Tab');
  await expect(page.locator('input[name="password"]')).toBeFocused();
  await page.keyboard.type('caiping-demo');
  await page.keyboard.press('Tab');
  await expect(page.locator('[data-testid="login-form"] button[type="submit"]')).toBeFocused();
  expect(await ring()).toEqual({ style: 'solid', width: 3 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('workbench-title')).toBeVisible();
});
