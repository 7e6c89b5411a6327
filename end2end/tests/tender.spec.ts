import { test, expect } from '@playwright/test';
import { createHash } from 'crypto';
import { execFileSync } from 'child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { as, beijing, DAY, hydrated, pageErrors } from './helpers';

function pdf(label: string): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${label}\n%%EOF\n`);
}

/** A zip package made by Debian's `zip`, as a bidder's tools would make it. */
function zipOf(files: Record<string, Buffer>): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'caiping-zip-'));
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  execFileSync('zip', ['-q', 'package.zip', ...Object.keys(files)], { cwd: dir });
  return readFileSync(join(dir, 'package.zip'));
}

test.beforeEach(() => { pageErrors.length = 0; });

test('a Suzhou 4+1 tender with lots: publish, amend, sealed zip bids, open, review, award', async ({ browser, request }) => {
  test.setTimeout(300_000);
  const title = `E2E 双塔街道“4+1”综合包 ${Date.now()}`;
  const now = (await (await request.get('/api/v1/test/clock')).json()).now_ms as number;
  const deadline = beijing(now + 21 * DAY);

  // 1. The officer starts from the Suzhou street template (fixed price, its criteria and guidance).
  let officer = await as(browser, 'officer');
  await hydrated(officer);
  await officer.getByTestId('new-tender').click();
  await hydrated(officer);
  await expect(officer.getByTestId('criterion-name-0')).toHaveValue('需求分析与总体服务方案');
  await expect(officer.getByTestId('lint')).toBeVisible();
  await officer.getByTestId('tender-title').fill(title);
  await officer.getByTestId('tender-buyer').fill('苏州市民政局');
  await officer.getByTestId('lot-name-0').fill('双塔社区');
  await officer.getByTestId('lot-budget-0').fill('60万/100万');
  await officer.getByTestId('lot-name-1').fill('定慧寺社区');
  await officer.getByTestId('lot-budget-1').fill('30万');
  await officer.getByTestId('tender-bid_deadline').fill(beijing(now + 2 * DAY));
  await officer.getByTestId('tender-opening_time').fill(beijing(now + 2 * DAY));
  await officer.getByTestId('tender-lint_override').fill('苏州市民政局文件明确规定承接主体为民办非企业单位');
  await officer.getByTestId('tender-save').click();
  // Two days is too short for an open tender: the statutory rule is cited.
  await expect(officer.getByRole('alert')).toContainText('Law art. 35');
  await officer.getByTestId('tender-bid_deadline').fill(deadline);
  await officer.getByTestId('tender-opening_time').fill(deadline);
  await officer.getByTestId('tender-save').click();
  await expect(officer.getByTestId('tender-title')).toHaveText(title);
  // The officer's own document goes out with the notice.
  await officer.getByTestId('attach-file').setInputFiles({ name: '服务内容指导目录.pdf', mimeType: 'application/pdf', buffer: pdf('catalogue') });
  await officer.getByTestId('attach-submit').click();
  await expect(officer.getByTestId('attachments')).toContainText('服务内容指导目录.pdf');
  await hydrated(officer);
  await officer.getByTestId('publish').click();
  await expect(officer.getByTestId('tender-status')).toHaveText('招标中');
  const tenderUrl = officer.url();

  // 2. An amendment: new guidance for the first criterion, published with its diff.
  await officer.getByTestId('amend').click();
  await hydrated(officer);
  await officer.getByTestId('criterion-guidance-0').fill('需求调研充分、目标可衡量、评估方法明确');
  await officer.getByTestId('amend-reason').fill('补充第一项评分细则');
  await officer.getByTestId('amend-save').click();
  await expect(officer.getByTestId('version-2')).toContainText('补充第一项评分细则');
  // A document added after publication is an amendment of its own, with a reason.
  await hydrated(officer);
  await officer.getByTestId('attach-reason').fill('补充服务需求清单');
  await officer.getByTestId('attach-file').setInputFiles({ name: '服务需求清单.pdf', mimeType: 'application/pdf', buffer: pdf('needs') });
  await officer.getByTestId('attach-submit').click();
  await expect(officer.getByTestId('version-3')).toContainText('服务需求清单.pdf');

  // The public sees the notice and its amendment history, without signing in.
  const visitor = await browser.newPage();
  visitor.on('pageerror', (e) => pageErrors.push(`visitor ${visitor.url()}: ${e.message}`));
  await visitor.goto('/');
  await hydrated(visitor);
  await visitor.getByTestId('notice-scheme').selectOption('shenzhen-demonstration-site');
  await expect(visitor.getByRole('link', { name: title })).toBeHidden();
  await visitor.getByTestId('notice-scheme').selectOption('suzhou-street-4plus1');
  await visitor.getByTestId('notice-region').selectOption('深圳市');
  await expect(visitor.getByRole('link', { name: title })).toBeHidden();
  await visitor.getByTestId('notice-region').selectOption('苏州市');
  await visitor.getByTestId('notice-search').fill('双塔街道');
  await visitor.getByRole('link', { name: title }).click();
  await expect(visitor.getByTestId('version-2')).toContainText('criteria[0]');
  await expect(visitor.getByTestId('lots')).toContainText('定慧寺社区');
  await expect(visitor.getByTestId('lots')).toContainText('第2年¥1,000,000.00');
  await expect(visitor.getByTestId('attachments')).toContainText('服务内容指导目录.pdf');
  await expect(visitor.getByTestId('attachments')).toContainText('服务需求清单.pdf');
  // The tender document (招标文件) states the template's team rules and lists the attachments.
  const [doc] = await Promise.all([visitor.waitForEvent('download'), visitor.getByTestId('document-pdf').click()]);
  const tenderDocument = execFileSync('pdftotext', [await doc.path(), '-']).toString().replace(/\s/g, '');
  expect(tenderDocument).toContain('第四章项目团队要求');
  expect(tenderDocument).toContain('服务需求清单.pdf');

  // An NGO keeps its roster: a new social worker is added (the ID number's check character is verified).
  const ngo = await as(browser, 'ngo-yangguang');
  await hydrated(ngo);
  await ngo.getByTestId('profile-link').click();
  await hydrated(ngo);
  await ngo.getByTestId('staff-name').fill('林新人');
  await ngo.getByTestId('staff-id_number').fill('320508199001011233');
  await ngo.getByTestId('staff-save').click();
  await expect(ngo.getByRole('alert')).toContainText('身份证号码无效');
  await ngo.getByTestId('staff-id_number').fill('320508199001011232');
  await ngo.getByTestId('staff-save').click();
  await expect(ngo.getByTestId('roster')).toContainText('3205**********1232');
  await ngo.context().close();

  // 3. Three NGOs bid for both lots (fixed price); one sends a zip package.
  const technical: Record<string, Buffer> = {
    'ngo-yangguang': zipOf({ 'plan.pdf': pdf('yangguang plan'), 'supervision.pdf': pdf('yangguang supervision') }),
    'ngo-yimin': pdf('yimin plan'),
    'ngo-hexie': pdf('hexie plan'),
  };
  for (const user of ['ngo-yangguang', 'ngo-yimin', 'ngo-hexie']) {
    const bidder = await as(browser, user);
    await bidder.getByRole('link', { name: title }).click();
    await expect(bidder.getByTestId('bid-form')).toBeVisible();
    if (user === 'ngo-yangguang') {
      await hydrated(bidder);
      await bidder.getByTestId('qa-question').fill('定慧寺社区现有活动场地面积是多少？');
      await bidder.getByTestId('qa-ask').click();
      await expect(bidder.getByTestId('qa-0')).toContainText('待答复');
    }
    await hydrated(bidder);
    await bidder.getByTestId('bid-lot-0').check();
    await bidder.getByTestId('bid-lot-1').check();
    if (user === 'ngo-hexie') {
      // The blind technical proposal must not name the bidder: refused, with the reason shown.
      await bidder.getByTestId('bid-technical').setInputFiles({ name: '和谐社会工作服务中心技术方案.pdf', mimeType: 'application/pdf', buffer: technical[user] });
      await bidder.getByTestId('bid-qualification').setInputFiles({ name: '资格证明.pdf', mimeType: 'application/pdf', buffer: pdf('q') });
      await bidder.getByTestId('bid-submit').click();
      await expect(bidder.getByTestId('upload-error')).toContainText('暗标');
      // Sent by the browser's own upload (with progress), so the page stays put.
      expect(bidder.url()).not.toContain('upload_error');
      await expect(bidder.getByTestId('bid-lot-1')).toBeChecked();
    }
    // Each lot gets its own team from the roster, staff per contract year; the template's rules
    // are judged in the browser as it is chosen. Ticking year 1 also ticks year 2.
    for (const lot of [0, 1]) {
      const first = lot * 8;
      const firstYear = user === 'ngo-yimin' && lot === 0 ? 4 : 8;
      for (let i = first; i < first + 8; i++) {
        await bidder.getByTestId(`team-${lot}-staff-${i}-y${i - first < firstYear ? 1 : 2}`).check();
      }
      await bidder.getByTestId(`team-${lot}-manager-${first}`).check();
      await bidder.getByTestId(`team-${lot}-supervisor-${first + 1}`).check();
    }
    await expect(bidder.getByTestId(`team-0-staff-3-y2`)).toBeChecked();
    const teamSize = bidder.getByTestId('live-verdicts').locator('li[data-rule="team-size"]').first();
    if (user === 'ngo-yimin') {
      // Four staff in year 1 cannot meet the Suzhou bundle's five: the bidder sees why, then fixes it.
      await expect(teamSize).toHaveAttribute('data-outcome', 'fail');
      await expect(teamSize).toContainText('【双塔社区】');
      await expect(teamSize).toContainText('seed 002');
      await bidder.getByTestId('team-0-staff-4-y1').check();
    }
    await expect(teamSize).toHaveAttribute('data-outcome', 'pass');
    await expect(bidder.getByTestId('live-verdicts').locator('li[data-outcome="fail"]')).toHaveCount(0);
    const isZip = user === 'ngo-yangguang';
    await bidder.getByTestId('bid-technical').setInputFiles({ name: isZip ? '技术方案.zip' : '技术方案.pdf', mimeType: isZip ? 'application/zip' : 'application/pdf', buffer: technical[user] });
    await bidder.getByTestId('bid-qualification').setInputFiles({ name: '资格证明.pdf', mimeType: 'application/pdf', buffer: pdf(`${user} qualification`) });
    await bidder.getByTestId('bid-submit').click();
    await expect(bidder.getByTestId('receipt-sha256-technical')).toHaveText(createHash('sha256').update(technical[user]).digest('hex'));
    await expect(bidder.getByTestId('receipt-lots')).toHaveText('双塔社区、定慧寺社区');
    await expect(bidder.getByTestId('receipt-team')).toContainText('**********');
    await bidder.context().close();
  }

  // The officer answers the question; everyone sees the answer, nobody sees who asked.
  await officer.goto(tenderUrl);
  await hydrated(officer);
  await officer.getByTestId('qa-answer-0').fill('约420平方米');
  await officer.getByTestId('qa-submit-0').click();
  await expect(officer.getByTestId('qa-0')).toContainText('约420平方米');
  await visitor.reload();
  await expect(visitor.getByTestId('qa-0')).toContainText('约420平方米');
  expect(await visitor.content()).not.toContain('阳光社会工作服务社');

  // 4. The deadline and the opening time pass; the officer opens and reviews.
  await request.post('/api/v1/test/clock', { data: { advance_ms: 21 * DAY + 60_000 } });
  officer = await as(browser, 'officer');
  await officer.goto(tenderUrl);
  await hydrated(officer);
  await officer.getByTestId('open-bids').click();
  await expect(officer.getByTestId('tender-status')).toHaveText('已开标');
  await expect(officer.getByTestId('review-table')).toContainText('阳光社会工作服务社');
  const [opening] = await Promise.all([officer.waitForEvent('download'), officer.getByTestId('opening-pdf').click()]);
  const record = execFileSync('pdftotext', [await opening.path(), '-']).toString();
  expect(record).toContain('开标一览表');
  expect(record).toContain('苏州市吴中区和谐社会工作服务中心');
  for (const i of [0, 1, 2]) {
    await officer.getByTestId(`review-pass-${i}`).click();
    await expect(officer.getByTestId(`review-outcome-${i}`)).toContainText('合格');
  }
  await officer.getByTestId('conclude-review').click();

  // 5. Experts score A, B, C without seeing who they are.
  for (const expertName of ['expert-zhou', 'expert-wu', 'expert-zheng']) {
    const expert = await as(browser, expertName);
    await expert.getByRole('link', { name: title }).click();
    await expect(expert.getByTestId('alias-A')).toHaveText('投标人 A');
    const html = await expert.content();
    expect(html).not.toContain('阳光社会工作服务社');
    expect(html).not.toContain('益民社工事务所');
    await hydrated(expert);
    const points: Record<string, string[]> = { A: ['28', '27', '4', '23', '9'], B: ['25', '24', '3', '20', '8'], C: ['20', '20', '3', '18', '7'] };
    for (const alias of ['A', 'B', 'C']) {
      for (const [j, p] of points[alias].entries()) {
        await expert.getByTestId(`score-${alias}-${j}`).fill(p);
      }
    }
    await expert.getByTestId('submit-scores').click();
    await expect(expert.getByTestId('sheet-submitted')).toBeVisible();
    await expert.context().close();
  }

  // 6. Fixed price: the ranking is the technical mean; the officer awards A (阳光).
  await officer.reload();
  await hydrated(officer);
  await expect(officer.getByTestId('sheets')).toHaveText('3/3');
  // Each lot is ranked and awarded on its own; the tender is awarded with its last lot.
  await expect(officer.getByTestId('total-0-A')).toHaveText('91.00');
  await expect(officer.getByTestId('total-1-A')).toHaveText('91.00');
  await officer.getByTestId('award-0-A').click();
  await expect(officer.getByTestId('awarded-0')).toBeVisible();
  await expect(officer.getByTestId('tender-status')).toHaveText('已开标');
  await hydrated(officer);
  await officer.getByTestId('award-1-A').click();
  await expect(officer.getByTestId('tender-status')).toHaveText('已中标');
  await expect(officer.getByTestId('lot-results')).toContainText('定慧寺社区');
  const [download] = await Promise.all([officer.waitForEvent('download'), officer.getByTestId('award-notice').click()]);
  const text = execFileSync('pdftotext', [await download.path(), '-']).toString();
  expect(text).toContain('中标通知书');
  expect(text).toContain('苏州市姑苏区阳光社会工作服务社');

  // 7. The winner records staffing against the contract's obligation; the auditor sees every step.
  const winner = await as(browser, 'ngo-yangguang');
  // One contract per awarded lot.
  await expect(winner.getByTestId('contract')).toHaveCount(2);
  const row = winner.getByTestId('contract').filter({ hasText: '双塔社区' }).getByTestId('obligation-full_time_staff-1');
  await expect(row).toHaveAttribute('data-outcome', 'fail');
  await hydrated(winner);
  const contract = winner.getByTestId('contract').filter({ hasText: '双塔社区' });
  await contract.getByTestId('obligation-full_time_staff-1-value').fill('5');
  await contract.getByTestId('obligation-full_time_staff-1-record').click();
  await expect(row).toHaveAttribute('data-outcome', 'pass');
  const auditor = await as(browser, 'auditor');
  const log = auditor.getByTestId('audit-table');
  for (const action of ['tender.create', 'tender.publish', 'tender.amend', 'bid.submit', 'clarification.answer', 'tender.open', 'bid.review', 'scores.submit', 'tender.award']) {
    await expect(log).toContainText(action);
  }
  expect(pageErrors).toEqual([]);
});
