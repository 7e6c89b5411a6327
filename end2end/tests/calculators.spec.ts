import { test, expect } from '@playwright/test';
import { hydrated, signIn } from './helpers';

test('an officer uses the rule calculators, computed in the browser as they type', async ({ page }) => {
  await signIn(page, 'officer');
  await expect(page).toHaveURL(/\/officer$/);
  await hydrated(page);
  await page.getByTestId('open-calculators').click();
  await expect(page).toHaveURL(/\/officer\/calculators$/);
  await hydrated(page);

  // Dongguan seed example: 36 + 25 + 24 = 85 → four stars.
  await expect(page.getByTestId('dg-total')).toHaveText('85.00');
  await expect(page.getByTestId('dg-stars')).toHaveText('四星');
  await page.getByTestId('dg-satisfaction').fill('100');
  await page.getByTestId('dg-indicator').fill('100');
  await expect(page.getByTestId('dg-total')).toHaveText('95.00');
  await expect(page.getByTestId('dg-stars')).toHaveText('五星');
  await page.getByTestId('dg-residents').fill('abc');
  await expect(page.getByTestId('dg-total')).toHaveCount(0);
  await page.getByTestId('dg-residents').fill('10000');
  await expect(page.getByTestId('dg-total')).toHaveText('95.00');

  // Area beyond 2,300 m² is the town's; the operator is capped at ¥700,000.
  await page.getByTestId('sub-area').fill('2500');
  await page.getByTestId('sub-operator').fill('900000');
  await expect(page.getByTestId('sub-total')).toHaveText('¥1,987,750.00');

  // The cheapest bid earns the full weight; 5 % dearer ≈ 19.05 at 20 %.
  await expect(page.getByTestId('pp-points-0')).toHaveText('20.00');
  await expect(page.getByTestId('pp-points-1')).toHaveText('19.05');

  // Working days skip the National Day week and count its make-up Saturday.
  await page.getByTestId('dl-step').selectOption('publish_result');
  await page.getByTestId('dl-from').fill('2026-09-30');
  await expect(page.getByTestId('dl-due')).toHaveText('2026-10-09');

  await page.getByTestId('switch-language').click();
  await expect(page.getByTestId('dg-stars')).toHaveText('Five stars');
});
