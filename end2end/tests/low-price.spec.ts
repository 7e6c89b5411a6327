import { test, expect, Page } from '@playwright/test';
import { as, callServerFn as call, EXPERT_USERNAMES as USERNAMES, hydrated } from './helpers';

// The demo tender whose opening time has passed: price is scored and 和谐's ¥340,000 is under
// the 财库〔2026〕2号 thresholds in both lots.
const TITLE = '双塔街道“4+1”社区服务综合包（演示：已到开标时间）';

test('an abnormally low price: the leader asks, the bidder explains with an evidence PDF, the panel reads it by alias and concludes', async ({ browser }) => {
  const officer = await as(browser, 'officer');
  const href = await officer.getByRole('link', { name: TITLE }).first().getAttribute('href');
  const id = href!.split('/').pop()!;

  // The steps before are the other tests' subject; here they go through the server functions
  // their pages call: opened, every bid qualified, the planned panel drawn, accepted, declared.
  await call(officer, 'open_bids', { id });
  for (const row of await call(officer, 'review_rows', { id })) {
    await call(officer, 'review_bid', { id, bid_id: row.bid.bid_id, outcome: 'pass', reason: '' });
  }
  await call(officer, 'conclude_review', { id });
  await call(officer, 'draw_panel', { id });
  const panel = await call(officer, 'panel', { id });
  const invited = panel.members.filter((m: { status: string }) => m.status === 'invited');
  expect(invited).toHaveLength(4);
  const experts: Page[] = [];
  for (const m of invited) {
    const expert = await as(browser, USERNAMES[m.name]);
    await call(expert, 'answer_invitation', { id, accept: 'true' });
    await call(expert, 'declare_no_conflict', { id });
    experts.push(expert);
  }
  await call(officer, 'declare_no_conflict', { id });
  await call(officer, 'set_leader', { id, user_id: invited[0].user_id });
  const leader = experts[0];

  // The leader sees the flagged price by alias and asks for a written explanation within 24 hours.
  await leader.goto(`/review/${id}`);
  await hydrated(leader);
  const section = leader.getByTestId('low-price');
  const flagged = section.locator('tr[data-testid^="low-price-0-"]', { hasText: '须审查' });
  await expect(flagged).toHaveCount(1);
  const alias = (await flagged.getAttribute('data-testid'))!.replace('low-price-0-', '');
  await flagged.getByTestId('low-price-hours').fill('24');
  await flagged.getByTestId('low-price-request').click();
  const row = section.getByTestId(`low-price-0-${alias}`);
  await expect(row.getByTestId('low-price-stage')).toContainText('已要求说明');
  expect(await leader.content()).not.toContain('和谐');

  // 和谐 reads the request on its bid page and answers with its evidence, sent as one upload.
  const hexie = await as(browser, 'ngo-hexie');
  await hexie.goto(`/bidder/tenders/${id}`);
  await hydrated(hexie);
  const request = hexie.getByTestId('price-request-0');
  await expect(request).toContainText('书面说明报价的合理性');
  // Too short: refused with the reason, nothing saved, the form stays.
  await request.getByTestId('price-explanation').fill('价格合理');
  await request.getByTestId('price-explain').click();
  await expect(hexie.getByTestId('price-explain-error')).toContainText('20');
  const explanation = '本项目场地由街道无偿提供，督导由现有团队兼任，人员成本按本地最低工资标准测算，报价可以覆盖全部服务内容。';
  await request.getByTestId('price-explanation').fill(explanation);
  await request.getByTestId('price-evidence').fill('人员成本测算表；场地无偿使用协议');
  await request.getByTestId('price-evidence-files-input').setInputFiles({
    name: '人员成本测算表.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n% 人员成本测算\n'),
  });
  await request.getByTestId('price-explain').click();
  await expect(hexie.getByTestId('price-explained')).toContainText('场地由街道无偿提供');
  await expect(hexie.getByTestId('price-evidence-files')).toContainText('人员成本测算表.pdf');

  // The panel reads the explanation and opens the evidence by alias; the leader concludes.
  await leader.reload();
  await hydrated(leader);
  await expect(row.getByTestId('low-price-stage')).toContainText('投标人已说明');
  await expect(row).toContainText('场地由街道无偿提供');
  const link = row.getByTestId('low-price-evidence-0');
  const evidence = await leader.request.get((await link.getAttribute('href'))!);
  expect(evidence.status()).toBe(200);
  expect(evidence.headers()['content-type']).toBe('application/pdf');
  expect(evidence.headers()['content-disposition']).toContain(`evidence-${alias}-0-0.pdf`);
  await row.getByTestId('low-price-decision').selectOption('accepted');
  await row.getByTestId('low-price-basis').fill('说明及证明材料能够证明报价的合理性，予以采信');
  await row.getByTestId('low-price-decide').click();
  await expect(row.getByTestId('low-price-stage')).toHaveText('说明成立，报价有效');

  await hexie.reload();
  await expect(hexie.getByTestId('price-decision')).toContainText('说明成立，报价有效');
});
