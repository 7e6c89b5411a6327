import { expect, Browser, Page } from '@playwright/test';

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
