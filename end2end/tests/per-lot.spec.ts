import { test, expect } from '@playwright/test';
import { createHash } from 'crypto';
import { as, hydrated, beijing, callServerFn, DAY, EXPERT_USERNAMES, expectAccessible, pageErrors } from './helpers';

const pdf = (marker: string) => Buffer.from(`%PDF-1.7\n% ${marker}\n`);

/** A Suzhou tender of two community lots, with the per-lot choice `perLot` ticked. */
function twoLots(title: string, deadline: string, perLot: 'proposals_per_lot' | 'panels_per_lot'): Record<string, string> {
  return {
    'input[template_id]': 'suzhou-street-4plus1',
    'input[method]': 'open_tender',
    'input[title]': title,
    'input[buyer]': '苏州市民政局',
    'input[contact][person]': '王老师',
    'input[contact][phone]': '0512-65220000',
    'input[contact][address]': '苏州市姑苏区三香路998号',
    'input[lots][0][name]': '双塔社区',
    'input[lots][0][budget]': '30万',
    'input[lots][1][name]': '定慧寺社区',
    'input[lots][1][budget]': '30万',
    [`input[${perLot}]`]: 'true',
    'input[bid_deadline]': deadline,
    'input[opening_time]': deadline,
    'input[price_weight_pct]': '20',
    'input[criteria][0][name]': '服务方案',
    'input[criteria][0][max_points]': '50',
    'input[criteria][1][name]': '团队配备',
    'input[criteria][1][max_points]': '30',
    'input[criteria][1][objective]': 'true',
    'input[lint_override]': '苏州市民政局文件明确规定承接主体的组织形式和人数',
  };
}

// Issue 12: a tender may take one technical proposal per lot, each scored on its own. The
// notice says so, and the bid form asks for one proposal under each lot the bidder ticks.
test('a tender taking a technical proposal per lot asks for one under each lot bid for', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const now = (await (await request.get('/api/v1/test/clock')).json()).now_ms as number;
  const deadline = beijing(now + 21 * DAY);
  const title = `E2E 按标段提交技术方案 ${Date.now()}`;
  const officer = await as(browser, 'officer');
  // The choice sits in the tender form beside the fixed price.
  await officer.getByTestId('new-tender').click();
  await hydrated(officer);
  await expect(officer.getByTestId('tender-proposals_per_lot')).not.toBeChecked();
  const id: string = await callServerFn(officer, 'create_tender', twoLots(title, deadline, 'proposals_per_lot'));
  await callServerFn(officer, 'publish_tender', { id });
  // The amendment form shows the choice as made.
  await officer.goto(`/officer/tenders/${id}/amend`);
  await hydrated(officer);
  await expect(officer.getByTestId('tender-proposals_per_lot')).toBeChecked();
  await officer.context().close();

  const bidder = await as(browser, 'ngo-hexie');
  await bidder.goto(`/bidder/tenders/${id}`);
  await hydrated(bidder);
  await expect(bidder.getByTestId('facts-proposals-per-lot')).toHaveText('每个标段分别提交技术方案，分别评分');
  // No lot ticked, no proposal asked for; each ticked lot asks for its own.
  await expect(bidder.getByTestId('bid-technical')).toHaveCount(0);
  await expect(bidder.getByTestId('bid-technical-0')).toHaveCount(0);
  await bidder.getByTestId('bid-lot-1').check();
  await expect(bidder.getByTestId('bid-technical-1')).toBeVisible();
  await expect(bidder.getByTestId('bid-technical-0')).toHaveCount(0);
  await bidder.getByTestId('bid-lot-0').check();
  await expect(bidder.getByTestId('bid-technical-0')).toBeVisible();
  await expect(bidder.getByTestId('bid-technical-0').locator('xpath=..')).toContainText('双塔社区');
  const files = [pdf('plan for 双塔'), pdf('plan for 定慧寺')];
  for (const lot of [0, 1]) {
    await bidder.getByTestId(`bid-price-${lot}`).fill('290000');
    await bidder.getByTestId(`bid-technical-${lot}`).setInputFiles({ name: `技术方案${lot + 1}.pdf`, mimeType: 'application/pdf', buffer: files[lot] });
  }
  await bidder.getByTestId('bid-qualification').setInputFiles({ name: '资格证明.pdf', mimeType: 'application/pdf', buffer: pdf('qualification') });
  // No team was chosen: the form asks before sending a bid that fails the team rules.
  bidder.once('dialog', (d) => d.accept());
  await bidder.getByTestId('bid-submit').click();
  for (const lot of [0, 1]) {
    await expect(bidder.getByTestId(`receipt-sha256-technical_${lot}`)).toHaveText(createHash('sha256').update(files[lot]).digest('hex'));
  }
  await expect(bidder.getByTestId('receipt')).toContainText('（定慧寺社区）');
  expect(pageErrors).toEqual([]);
  await bidder.context().close();
});

// Issue 12: "per lot where lots are reviewed apart". A tender giving each lot its own panel
// shows one panel per lot on the officer's page, each planned on its own.
test('a tender with a panel per lot plans each lot\'s panel on its own', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const now = (await (await request.get('/api/v1/test/clock')).json()).now_ms as number;
  const officer = await as(browser, 'officer');
  const deadline = beijing(now + 21 * DAY);
  await officer.getByTestId('new-tender').click();
  await hydrated(officer);
  await expect(officer.getByTestId('tender-panels_per_lot')).not.toBeChecked();
  const id: string = await callServerFn(officer, 'create_tender', twoLots(`E2E 分标段评审 ${Date.now()}`, deadline, 'panels_per_lot'));
  await callServerFn(officer, 'publish_tender', { id });
  await officer.goto(`/officer/tenders/${id}`);
  await hydrated(officer);
  await expect(officer.getByTestId('facts-panels-per-lot')).toHaveText('每个标段分别组建，分别评审');
  // The first lot's panel by default; the other lot's a click away.
  await expect(officer.getByTestId('panel-lot-1')).toHaveAttribute('aria-current', 'page');
  await expect(officer.getByTestId('panel-lot')).toHaveText('本评审委员会评审：双塔社区');
  await officer.getByTestId('panel-lot-2').click();
  await expect(officer.getByTestId('panel-lot')).toHaveText('本评审委员会评审：定慧寺社区');
  await expect(officer.getByTestId('panel-lot-2')).toHaveAttribute('aria-current', 'page');
  const review = new Date(now + 22 * DAY).toISOString().slice(0, 10);
  await officer.getByTestId('panel-size').fill('5');
  await officer.getByTestId('panel-reps').fill('1');
  await officer.getByTestId('panel-rep-0').check();
  await officer.getByTestId('panel-review_date').fill(review);
  await officer.getByTestId('panel-save').click();
  await expect(officer.getByTestId('panel-plan')).toContainText('5人（评审专家4人、采购人代表1人）');
  // Lot 1's panel is still unplanned, and a reload keeps the lot shown.
  await officer.getByTestId('panel-lot-1').click();
  await expect(officer.getByTestId('panel-lot')).toHaveText('本评审委员会评审：双塔社区');
  await expect(officer.getByTestId('panel-plan')).toHaveCount(0);
  await officer.goto(`/officer/tenders/${id}?panel=2`);
  await hydrated(officer);
  await expect(officer.getByTestId('panel-plan')).toContainText('5人');
  await expectAccessible(officer);
  expect(pageErrors).toEqual([]);
  await officer.context().close();
});

// Issue 12: an expert drawn for one lot's panel is told which lot, reviews that lot's bids by
// alias and lot (A-1, B-1, C-1) under a title naming the lot, and has no way into the other
// lot's review.
test('an expert on one lot\'s panel reviews that lot only', async ({ browser, request }) => {
  test.setTimeout(180_000);
  const now = (await (await request.get('/api/v1/test/clock')).json()).now_ms as number;
  const title = `E2E 分标段评审专家 ${Date.now()}`;
  let officer = await as(browser, 'officer');
  const id: string = await callServerFn(officer, 'create_tender', twoLots(title, beijing(now + 21 * DAY), 'panels_per_lot'));
  await callServerFn(officer, 'publish_tender', { id });
  await officer.context().close();
  for (const user of ['ngo-yangguang', 'ngo-yimin', 'ngo-hexie']) {
    const bidder = await as(browser, user);
    await bidder.goto(`/bidder/tenders/${id}`);
    await hydrated(bidder);
    for (const lot of [0, 1]) {
      await bidder.getByTestId(`bid-lot-${lot}`).check();
      await bidder.getByTestId(`bid-price-${lot}`).fill('290000');
    }
    await bidder.getByTestId('bid-technical').setInputFiles({ name: '技术方案.pdf', mimeType: 'application/pdf', buffer: pdf(`${user} plan`) });
    await bidder.getByTestId('bid-qualification').setInputFiles({ name: '资格证明.pdf', mimeType: 'application/pdf', buffer: pdf('qualification') });
    bidder.once('dialog', (d) => d.accept());
    await bidder.getByTestId('bid-submit').click();
    await expect(bidder.getByTestId('receipt')).toBeVisible();
    await bidder.context().close();
  }

  // Past the deadline the officer opens and qualifies the bids and draws lot 1's panel (five
  // experts, no representative) through the server functions its page calls.
  await request.post('/api/v1/test/clock', { data: { advance_ms: 21 * DAY + 60_000 } });
  const today = beijing(now + 21 * DAY + 60_000).slice(0, 10);
  officer = await as(browser, 'officer');
  await callServerFn(officer, 'open_bids', { id });
  for (const row of await callServerFn(officer, 'review_rows', { id })) {
    await callServerFn(officer, 'review_bid', { id, bid_id: row.bid.bid_id, outcome: 'pass', reason: '团队由本项目另行确认，资格材料经核对齐全' });
  }
  await callServerFn(officer, 'conclude_review', { id });
  const lot1 = `${id}-1`;
  await callServerFn(officer, 'plan_panel', {
    id: lot1, 'plan[size]': '5', 'plan[purchaser_representatives]': '0', 'plan[alternates]': '2',
    'plan[category]': 'public_welfare', 'plan[region]': '320000', 'plan[review_date]': today, 'plan[outlier_pct]': '20',
  });
  await callServerFn(officer, 'draw_panel', { id: lot1 });
  const panel = await callServerFn(officer, 'panel', { id: lot1 });
  const invited = panel.members.filter((m: { status: string }) => m.status === 'invited');
  expect(invited).toHaveLength(5);
  await officer.context().close();

  const expert = await as(browser, EXPERT_USERNAMES[invited[0].name]);
  const invitation = expert.getByTestId(`invitation-${lot1}`);
  await expect(invitation).toContainText(`${title}（双塔社区）`);
  await hydrated(expert);
  await invitation.getByTestId('invitation-accept').click();
  await hydrated(expert);
  await invitation.getByTestId('invitation-declare').click();
  await expect(expert.getByTestId('declare-unlocked')).toBeVisible();
  await invitation.getByTestId('invitation-review').click();
  await expect(expert.getByTestId('review-title')).toHaveText(`在线评审 · ${title}（双塔社区）`);
  await expect(expert).toHaveURL(new RegExp(`/review/${lot1}$`));
  for (const alias of ['A-1', 'B-1', 'C-1']) {
    await expect(expert.getByTestId(`proposal-${alias}`)).toBeVisible();
  }
  await expect(expert.getByTestId('proposal-A-2')).toHaveCount(0);
  const html = await expert.content();
  for (const name of ['阳光社会工作服务社', '益民社工事务所', '和谐']) expect(html).not.toContain(name);
  // Lot 2's review is not this expert's.
  await expert.goto(`/review/${id}-2`);
  await expect(expert.locator('[role="alert"][data-error-code="not_found"]')).toBeVisible();
  await expect(expert.getByTestId('review-title')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
  await expert.context().close();
});
