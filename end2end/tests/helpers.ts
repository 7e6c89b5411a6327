import { expect, Page } from '@playwright/test';

export const DEMO_PASSWORD = 'caiping-demo';

/** Waits until the WASM bundle has hydrated the page, so clicks reach their handlers. */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

export async function signIn(page: Page, username: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await page.locator('[data-testid="login-form"] button[type="submit"]').click();
}
