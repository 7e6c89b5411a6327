import { test, expect } from '@playwright/test';
import { as, beijing, confirming, DAY, consoleErrors, hydrated, pageErrors } from './helpers';

test.beforeEach(() => { pageErrors.length = 0; });

function pdf(label: string) {
  return { name: `${label}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% ${label}\n%%EOF\n`) };
}

test('a residents committee applies to the Shenzhen demonstration-site call, choosing projects', async ({ browser }) => {
  const committee = await as(browser, 'sq-lianhua');
  await committee.getByRole('link', { name: '2026年社区民生示范点申报（演示）' }).click();
  await expect(committee.getByTestId('application')).toBeVisible();
  await hydrated(committee);
  await committee.getByTestId('app-premises').check();
  await committee.getByTestId('app-residents_consulted').fill('40');
  await committee.getByTestId('app-residents_agreeing').fill('21');
  await committee.getByTestId('app-centre_operating_months').fill('24');
  const minProjects = committee.getByTestId('application-verdicts').locator('li[data-rule="shenzhen.min_projects"]');
  for (let i = 0; i < 9; i++) await committee.getByTestId(`app-project-${i}`).check();
  // Nine projects: the seed asks for at least ten — seen at once, before submitting.
  await expect(minProjects).toHaveAttribute('data-outcome', 'fail');
  await committee.getByTestId('app-project-9').check();
  await expect(minProjects).toHaveAttribute('data-outcome', 'pass');
  await expect(committee.getByTestId('application-verdicts').locator('li[data-outcome="fail"]')).toHaveCount(0);
  await committee.getByTestId('bid-technical').setInputFiles(pdf('申报方案'));
  await committee.getByTestId('bid-qualification').setInputFiles(pdf('证明材料'));
  await committee.getByTestId('bid-submit').click();
  await expect(committee.getByTestId('receipt')).toBeVisible();
  await expect(committee.getByTestId('receipt-lots')).toContainText('2026年社区民生示范点申报');
  expect(pageErrors, `console errors: ${consoleErrors.slice(-5).join(' | ')}`).toEqual([]);
});

test('a county government fills in the Shandong experimental-zone form and sees each field judged', async ({ browser }) => {
  const county = await as(browser, 'qx-lixia');
  await county.getByRole('link', { name: '山东省城乡社区治理和服务创新实验区申报（演示）' }).click();
  await expect(county.getByTestId('application')).toBeVisible();
  await hydrated(county);
  const verdicts = county.getByTestId('application-verdicts');
  // Nothing filled in yet: the category and the eight fields of the 申报表 fail.
  await expect(verdicts.locator('li[data-outcome="fail"]')).toHaveCount(9);
  await county.getByTestId('app-category-rural').check();
  await expect(verdicts.locator('li[data-rule="shandong.form.category"]')).toHaveAttribute('data-outcome', 'pass');
  const answers: [string, string][] = [
    ['unit', '济南市历下区'], ['party_secretary', '张书记'], ['contacts', '李科长 0531-86000000'], ['background', '城乡结合部，外来务工人员多'],
    ['theme', '农村社区治理和服务创新'], ['content', '建设“一厅十室”社区综合服务中心'], ['guarantees', '区财政专项资金'],
  ];
  for (const [field, value] of answers) await county.getByTestId(`app-${field}`).fill(value);
  await expect(verdicts.locator('li[data-outcome="fail"]')).toHaveCount(1);
  await expect(verdicts.locator('li[data-rule="shandong.form.city_opinion"]')).toHaveAttribute('data-outcome', 'fail');
  await county.getByTestId('app-city_opinion').fill('同意推荐（济南市民政局）');
  await expect(verdicts.locator('li[data-outcome="fail"]')).toHaveCount(0);
  // The plan names the applicant: a call's documents are not judged blind.
  await county.getByTestId('bid-technical').setInputFiles(pdf('济南市历下区人民政府实验方案'));
  await county.getByTestId('bid-qualification').setInputFiles(pdf('申请文件及市级审核意见'));
  await county.getByTestId('bid-submit').click();
  await expect(county.getByTestId('receipt')).toBeVisible();
  expect(pageErrors, `console errors: ${consoleErrors.slice(-5).join(' | ')}`).toEqual([]);
});

test('an officer publishes a Dongguan operator tender and an NGO bids on it', async ({ browser, request }) => {
  const now = (await (await request.get('/api/v1/test/clock')).json()).now_ms as number;
  const title = `E2E 东莞社区综合服务中心运营 ${Date.now()}`;
  const officer = await as(browser, 'officer');
  await hydrated(officer);
  await officer.getByTestId('new-tender').click();
  await hydrated(officer);
  await officer.getByTestId('tender-template').selectOption('dongguan-centre-operator');
  await expect(officer.getByTestId('tender-fixed_price')).toBeChecked();
  // Each switch replaces the criteria and guidance whole, even of rows the officer typed in.
  await officer.getByTestId('criterion-guidance-4').fill('手写的说明');
  await officer.getByTestId('tender-template').selectOption('suzhou-community-3plus1');
  await expect(officer.getByTestId('criterion-guidance-0')).toHaveValue('入户走访、建档、资源地图与焦点问题评估方法');
  await expect(officer.getByTestId('criterion-guidance-4')).toHaveValue('');
  await officer.getByTestId('tender-template').selectOption('dongguan-centre-operator');
  await expect(officer.getByTestId('tender-fixed_price')).toBeChecked();
  // The form now holds Dongguan's criteria and guidance, nothing left of the Suzhou default.
  await expect(officer.getByTestId('criterion-name-0')).toHaveValue('运营方案（功能室管理与服务项目）');
  await expect(officer.getByTestId('criterion-guidance-0')).toHaveValue('覆盖10类必设功能室的服务安排，免费或低偿服务内容');
  for (const i of [4, 5]) {
    await expect(officer.getByTestId(`criterion-name-${i}`)).toHaveValue('');
    await expect(officer.getByTestId(`criterion-guidance-${i}`)).toHaveValue('');
  }
  await officer.getByTestId('tender-title').fill(title);
  await officer.getByTestId('tender-buyer').fill('东莞市民政局');
  await officer.getByTestId('tender-contact-person').fill('陈老师');
  await officer.getByTestId('tender-contact-phone').fill('0769-22220000');
  await officer.getByTestId('tender-contact-address').fill('东莞市南城街道（测试地址）');
  await officer.getByTestId('tender-budget').fill('70万');
  await officer.getByTestId('tender-bid_deadline').fill(beijing(now + 25 * DAY));
  await officer.getByTestId('tender-opening_time').fill(beijing(now + 25 * DAY));
  if (await officer.getByTestId('lint').count()) {
    await officer.getByTestId('tender-lint_override').fill('东莞市示范点运营要求由市政府文件规定');
  }
  await officer.getByTestId('tender-save').click();
  await expect(officer.getByTestId('tender-title')).toHaveText(title);
  await hydrated(officer);
  await confirming(officer, () => officer.getByTestId('publish').click());
  await expect(officer.getByTestId('tender-status')).toHaveText('招标中');

  const ngo = await as(browser, 'ngo-yimin');
  await ngo.getByRole('link', { name: title }).click();
  await expect(ngo.getByTestId('bid-form')).toBeVisible();
  // The Dongguan template sets no team rules for the bid: no team picker, just the documents.
  await expect(ngo.getByTestId('live-verdicts')).toHaveCount(0);
  // A 600 KB proposal over a slow line: the browser shows the upload's progress.
  const big = pdf('运营方案');
  big.buffer = Buffer.concat([big.buffer, Buffer.alloc(600 * 1024, 0x20)]);
  await ngo.getByTestId('bid-technical').setInputFiles(big);
  await ngo.getByTestId('bid-qualification').setInputFiles(pdf('资格证明'));
  const cdp = await ngo.context().newCDPSession(ngo);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 200 * 1024 });
  await ngo.getByTestId('bid-submit').click();
  await expect(ngo.getByTestId('upload-progress')).toBeVisible();
  await expect(ngo.getByTestId('receipt')).toBeVisible({ timeout: 30_000 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(ngo.getByTestId('receipt-sha256-technical')).toHaveText(/^[0-9a-f]{64}$/);
  // Withdrawn after being asked: the page says so and what remains possible.
  await hydrated(ngo);
  await confirming(ngo, () => ngo.getByTestId('withdraw').click());
  await expect(ngo.getByTestId('bid-action-done')).toContainText('投标已撤回');
  await expect(ngo.getByTestId('receipt')).toHaveCount(0);
  await expect(ngo.getByTestId('bid-form')).toBeVisible();
  // The same document sent as both parts is flagged on the receipt.
  const same = pdf('同一份文件');
  await ngo.getByTestId('bid-technical').setInputFiles(same);
  await ngo.getByTestId('bid-qualification').setInputFiles(same);
  await ngo.getByTestId('bid-submit').click();
  await expect(ngo.getByTestId('receipt-same-files')).toBeVisible();
  expect(pageErrors, `console errors: ${consoleErrors.slice(-5).join(' | ')}`).toEqual([]);
});
