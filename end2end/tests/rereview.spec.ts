import { test, expect } from '@playwright/test';
import { as, callServerFn as call, DEMO_PASSWORD, EXPERT_USERNAMES as USERNAMES, hydrated } from './helpers';

// The demo tender evaluated to the signed report (an outlier the expert explained and kept).
const TITLE = '金阊街道“4+1”社区服务综合包（演示：评审报告已签署）';

test('after signing, the officer convenes the original panel (O87 art. 64): a member corrects for that reason, every member signs the new version', async ({ browser }) => {
  const officer = await as(browser, 'officer');
  await officer.getByRole('link', { name: TITLE }).first().click();
  await hydrated(officer);
  const id = officer.url().split('/').pop()!;

  // Only for one of the four legal reasons, stating what was found.
  const form = officer.getByTestId('rereview');
  await form.locator('summary').click();
  await form.getByTestId('rereview-reason').selectOption('abnormally_high_or_low');
  await form.getByTestId('rereview-finding').fill('第一位成员对投标人A服务方案的评分明显低于其他成员，经核实属评分畸低');
  await form.getByTestId('rereview-start').click();
  await expect(officer.getByTestId('rereviews')).toContainText('进行中');
  await expect(officer.getByTestId('rereviews')).toContainText('经评审委员会认定评分畸高、畸低');

  // The member who kept the low score corrects it for that reason, with a note.
  const panel = await call(officer, 'panel', { id });
  const seated = panel.members.filter((m: { status: string }) => m.status === 'accepted');
  const leader = seated.find((m: { leader: boolean }) => m.leader);
  const member = await as(browser, USERNAMES[leader.name]);
  await member.goto(`/review/${id}`);
  await hydrated(member);
  const rr = member.getByTestId('rereview-member');
  await expect(rr).toContainText('经评审委员会认定评分畸高、畸低');
  await rr.getByTestId('rereview-alias').selectOption('A');
  await rr.getByTestId('rereview-criterion').selectOption('0');
  await rr.getByTestId('rereview-value').fill('41');
  await rr.getByTestId('rereview-note').fill('经重新评审，原评分畸低，改为与方案质量相符的分值');
  const [answered] = await Promise.all([
    member.waitForResponse((r) => r.url().includes('/api/answer_flag')),
    rr.getByTestId('rereview-correct').click(),
  ]);
  expect(answered.status(), await answered.text()).toBe(200);

  // The report is formed again; the member signs it on the page, the others as their pages do.
  await member.reload();
  await hydrated(member);
  await member.getByTestId('sign-password').fill(DEMO_PASSWORD);
  await member.getByTestId('sign-report').click();
  await expect(member.getByTestId('sign-form')).toHaveCount(0);
  for (const m of seated.filter((m: { leader: boolean }) => !m.leader)) {
    const other = m.kind === 'purchaser_rep' ? officer : await as(browser, USERNAMES[m.name]);
    await call(other, 'sign_report', { id, password: DEMO_PASSWORD, dissent: '' });
  }
  await officer.reload();
  await hydrated(officer);
  await expect(officer.getByTestId('rereviews')).toContainText('重新签署完毕');
  const overview = await call(officer, 'evaluation_overview', { id });
  expect(overview.report.version).toBe(2);
  expect(overview.report.complete).toBe(true);
  expect(overview.rereviews[0].closed_at).not.toBeNull();
});
