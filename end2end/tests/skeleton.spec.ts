import { test, expect, Browser, Page } from '@playwright/test';
import { createHash } from 'crypto';
import { execFileSync } from 'child_process';
import { hydrated, signIn } from './helpers';

const HOUR = 3_600_000;

async function as(browser: Browser, username: string): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await signIn(page, username);
  await expect(page.getByTestId('workbench-title')).toBeVisible();
  return page;
}

function beijing(ms: number): string {
  return new Date(ms + 8 * HOUR).toISOString().slice(0, 16);
}

function pdf(label: string): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${label}\n%%EOF\n`);
}

test('one tender from publication to contract, across all roles', async ({ browser, request }) => {
  test.setTimeout(240_000);
  const title = `E2E 双塔街道综合包 ${Date.now()}`;
  const now = (await (await request.get('/api/v1/test/clock')).json()).now_ms as number;

  // 1. The officer creates and publishes the tender.
  let officer = await as(browser, 'officer');
  await hydrated(officer);
  await officer.getByTestId('new-tender').click();
  await hydrated(officer);
  await officer.getByTestId('tender-title').fill(title);
  await officer.getByTestId('tender-buyer').fill('苏州市民政局');
  await officer.getByTestId('tender-budget').fill('60万');
  await officer.getByTestId('tender-bid_deadline').fill(beijing(now + 48 * HOUR));
  await officer.getByTestId('tender-opening_time').fill(beijing(now + 49 * HOUR));
  await officer.getByTestId('tender-price_weight_pct').fill('20');
  await officer.getByTestId('criterion-name-0').fill('服务方案');
  await officer.getByTestId('criterion-points-0').fill('50');
  await officer.getByTestId('criterion-name-1').fill('团队配备');
  await officer.getByTestId('criterion-points-1').fill('30');
  await officer.getByTestId('tender-save').click();
  await expect(officer.getByTestId('tender-title')).toHaveText(title);
  await hydrated(officer);
  await officer.getByTestId('publish').click();
  await expect(officer.getByTestId('tender-status')).toHaveText('招标中');
  const tenderUrl = officer.url();

  // It is on the public notice board.
  const visitor = await browser.newPage();
  await visitor.goto('/');
  await expect(visitor.getByTestId('notices')).toContainText(title);

  // 2. Two organisations bid with a PDF; each receipt shows the file's SHA-256.
  const files: Record<string, Buffer> = { 'ngo-yangguang': pdf('yangguang'), 'ngo-yimin': pdf('yimin') };
  for (const [user, price] of [['ngo-yangguang', '590000'], ['ngo-yimin', '600000']]) {
    const bidder = await as(browser, user);
    await bidder.getByRole('link', { name: title }).click();
    await expect(bidder.getByTestId('bid-form')).toBeVisible();
    await bidder.getByTestId('bid-price').fill(price);
    await bidder.getByTestId('bid-file').setInputFiles({ name: '技术方案.pdf', mimeType: 'application/pdf', buffer: files[user] });
    await bidder.getByTestId('bid-submit').click();
    await expect(bidder.getByTestId('receipt-sha256')).toHaveText(createHash('sha256').update(files[user]).digest('hex'));
    await bidder.context().close();
  }

  // 3. The clock passes the deadline and the opening time (sessions expire: sign in again).
  await request.post('/api/v1/test/clock', { data: { advance_ms: 49 * HOUR + 60_000 } });
  officer = await as(browser, 'officer');
  await officer.goto(tenderUrl);
  await hydrated(officer);
  await officer.getByTestId('open-bids').click();
  await expect(officer.getByTestId('tender-status')).toHaveText('已开标');

  // Experts score bidders A and B without seeing who they are.
  const sheets = [[['40', '25'], ['45', '28']], [['42', '27'], ['44', '26']], [['41', '26'], ['46', '27']]];
  for (const [i, expertName] of ['expert-zhou', 'expert-wu', 'expert-zheng'].entries()) {
    const expert = await as(browser, expertName);
    await expert.getByRole('link', { name: title }).click();
    await expect(expert.getByTestId('alias-A')).toHaveText('投标人 A');
    const html = await expert.content();
    expect(html).not.toContain('阳光社会工作服务社');
    expect(html).not.toContain('益民社工事务所');
    await hydrated(expert);
    for (const [b, alias] of ['A', 'B'].entries()) {
      for (const j of [0, 1]) {
        await expert.getByTestId(`score-${alias}-${j}`).fill(sheets[i][b][j]);
      }
    }
    await expert.getByTestId('submit-scores').click();
    await expect(expert.getByTestId('sheet-submitted')).toBeVisible();
    await expert.context().close();
  }

  // 4. The officer sees the ranking, awards the first-ranked bid, downloads the award notice.
  await officer.reload();
  await hydrated(officer);
  await expect(officer.getByTestId('sheets')).toHaveText('3/3');
  await expect(officer.getByTestId('total-B')).toHaveText('91.67');
  await officer.getByTestId('award-B').click();
  await expect(officer.getByTestId('tender-status')).toHaveText('已中标');
  const [download] = await Promise.all([officer.waitForEvent('download'), officer.getByTestId('award-notice').click()]);
  const text = execFileSync('pdftotext', [await download.path(), '-']).toString();
  expect(text).toContain('中标通知书');
  expect(text).toContain('苏州工业园区益民社工事务所');
  expect(text).toContain('¥600,000.00');

  // 5. The winner's member records the staffing against the contract's obligation.
  const winner = await as(browser, 'ngo-yimin');
  const row = winner.getByTestId('obligation-full_time_staff-1');
  await expect(row).toHaveAttribute('data-outcome', 'fail');
  await hydrated(winner);
  await winner.getByTestId('obligation-full_time_staff-1-value').fill('5');
  await winner.getByTestId('obligation-full_time_staff-1-record').click();
  await expect(row).toHaveAttribute('data-outcome', 'pass');
  await winner.getByTestId('switch-language').click();
  await expect(winner.getByTestId('workbench-title')).toHaveText('Bidder workbench');

  // 6. The auditor sees every step in the audit log.
  const auditor = await as(browser, 'auditor');
  const log = auditor.getByTestId('audit-table');
  for (const action of ['tender.create', 'tender.publish', 'bid.submit', 'tender.open', 'scores.submit', 'tender.award', 'obligation.record']) {
    await expect(log).toContainText(action);
  }
});
