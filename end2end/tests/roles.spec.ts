import { test, expect } from '@playwright/test';
import { as, hydrated, signIn } from './helpers';

const roles = [
  { username: 'officer', home: '/officer', zh: '采购人工作台', en: 'Officer workbench' },
  { username: 'ngo-yangguang', home: '/bidder', zh: '投标人工作台', en: 'Bidder workbench' },
  { username: 'expert-zhou', home: '/expert', zh: '评审专家工作台', en: 'Expert workbench' },
  { username: 'auditor', home: '/auditor', zh: '监督审计工作台', en: 'Supervision and audit' },
  { username: 'admin', home: '/admin', zh: '系统管理', en: 'Administration' },
];

for (const role of roles) {
  test(`${role.username} signs in, lands on ${role.home} in Chinese, switches to English`, async ({ page, context }) => {
    // The browser asks for English, yet the UI starts in Chinese.
    await signIn(page, role.username);
    await expect(page).toHaveURL(new RegExp(`${role.home}$`));
    await expect(page.getByTestId('workbench-title')).toHaveText(role.zh);
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

    await hydrated(page);
    await page.getByTestId('switch-language').click();
    await expect(page.getByTestId('workbench-title')).toHaveText(role.en);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');

    // The choice survives a reload (cookie read by the server while rendering).
    await page.reload();
    await expect(page.getByTestId('workbench-title')).toHaveText(role.en);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'caiping_session');
    expect(session?.httpOnly).toBe(true);

    await hydrated(page);
    await page.getByTestId('sign-out').click();
    await expect(page).toHaveURL(/\/$/);
    await page.goto(role.home);
    await expect(page).toHaveURL(/\/login$/);
  });
}

test('a wrong password is refused with a message in Chinese', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.locator('input[name="username"]').fill('officer');
  await page.locator('input[name="password"]').fill('not-the-password');
  await page.locator('[data-testid="login-form"] button[type="submit"]').click();
  await expect(page.locator('[data-error-code="invalid_credentials"]')).toContainText('用户名或密码错误');
  await expect(page).toHaveURL(/\/login$/);
});

test('another role is refused a workbench it does not own', async ({ page }) => {
  await signIn(page, 'expert-zhou');
  await expect(page).toHaveURL(/\/expert$/);
  const response = await page.goto('/officer');
  expect(response?.status()).toBe(403);
  await expect(page.locator('[data-error-code="forbidden"]')).toBeVisible();
});

test('an NGO registers itself and lands on the bidder workbench', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.getByTestId('register-link').click();
  await hydrated(page);
  const suffix = Date.now().toString().slice(-6);
  await page.getByTestId('register-org_name').fill(`相城区同心社会工作服务中心${suffix}`);
  await page.getByTestId('register-credit_code').fill('52320508MJ59123450'); // wrong check character
  await page.getByTestId('register-display_name').fill('林社工');
  await page.getByTestId('register-username').fill(`tongxin${suffix}`);
  await page.getByTestId('register-password').fill('register-pw-2026');
  // The page speaks to each kind of applicant it accepts.
  await page.getByTestId('register-org_kind').selectOption('county_government');
  await expect(page.getByTestId('register-about')).toContainText('实验区');
  await expect(page.locator('label', { has: page.getByTestId('register-org_name') })).toContainText('人民政府名称');
  await page.getByTestId('register-org_kind').selectOption('ngo');
  await expect(page.getByTestId('register-about')).toContainText('投标');
  await page.getByTestId('register-submit').click();
  await expect(page.locator('[data-field="credit_code"]')).toBeVisible();
  // The message stands beside the field, which is marked and focused; what was typed stays.
  await expect(page.getByTestId('register-credit_code')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('register-credit_code')).toBeFocused();
  await expect(page.locator('label', { has: page.getByTestId('register-credit_code') }).locator('.field-error')).toContainText('校验位');
  await expect(page.getByTestId('register-display_name')).toHaveValue('林社工');
  await page.getByTestId('register-credit_code').fill('52320508MJ59123453');
  await page.getByTestId('register-submit').click();
  await expect(page).toHaveURL(/\/bidder$/);
  await expect(page.getByTestId('workbench-title')).toHaveText('投标人工作台');
});

test('a registered organisation bids only once the platform has approved it', async ({ browser }) => {
  const ngo = await browser.newPage();
  await ngo.goto('/register');
  await hydrated(ngo);
  const suffix = Date.now().toString().slice(-6);
  const name = `姑苏区乐邻社会工作服务中心${suffix}`;
  await ngo.getByTestId('register-org_name').fill(name);
  await ngo.getByTestId('register-credit_code').fill('52320508MJ59123453');
  await ngo.getByTestId('register-display_name').fill('周社工');
  await ngo.getByTestId('register-username').fill(`lelin${suffix}`);
  await ngo.getByTestId('register-password').fill('register-pw-2026');
  await ngo.getByTestId('register-submit').click();
  await expect(ngo).toHaveURL(/\/bidder$/);
  await expect(ngo.getByTestId('org-standing')).toHaveAttribute('data-standing', 'pending');
  // A tender taking bids shows the reason instead of the bid form.
  await ngo.locator('li', { hasText: '招标中' }).first().getByRole('link').click();
  await expect(ngo.getByTestId('org-standing')).toBeVisible();
  await expect(ngo.getByTestId('bid-form')).toHaveCount(0);
  const tenderUrl = ngo.url();

  // The admin refuses without a reason (refused, nothing saved), then approves.
  const admin = await as(browser, 'admin');
  await hydrated(admin);
  const row = admin.getByTestId(`org-review-${name}`);
  await expect(row).toHaveAttribute('data-standing', 'pending');
  await row.getByTestId('org-refuse-reason').evaluate((el) => el.removeAttribute('required'));
  await row.getByTestId('org-refuse').click();
  await expect(admin.locator('[data-field="reason"]')).toBeVisible();
  await expect(row).toHaveAttribute('data-standing', 'pending');
  await row.getByTestId('org-approve').click();
  await expect(admin.getByTestId('org-review-done')).toBeVisible();
  await expect(row).toHaveCount(0);
  await expect(admin.getByTestId('audit-table').locator('tr[data-action="organisation.approve"]').first()).toContainText(name);

  await ngo.goto(tenderUrl);
  await expect(ngo.getByTestId('bid-form')).toBeVisible();
  await expect(ngo.getByTestId('org-standing')).toHaveCount(0);
});

test('an admin adds a purchaser unit and an officer in it, and deactivates an account', async ({ browser }) => {
  const admin = await as(browser, 'admin');
  await hydrated(admin);
  const suffix = Date.now().toString().slice(-6);
  const unit = `苏州市吴中区民政局${suffix}`;
  await admin.getByTestId('unit-name').fill(unit);
  await admin.getByTestId('unit-level').selectOption('district');
  await admin.getByTestId('unit-region_code').fill('320506');
  await admin.getByTestId('unit-region_name').fill('苏州市吴中区');
  await admin.getByTestId('unit-parent').selectOption({ label: '苏州市民政局' });
  await admin.getByTestId('unit-save').click();
  await expect(admin.getByTestId('unit-table')).toContainText(unit);

  // An officer needs a unit: without one the form says so beside nothing else being saved.
  await admin.getByTestId('new-account-username').fill(`wz${suffix}`);
  await admin.getByTestId('new-account-display_name').fill('吴中采购员');
  await admin.getByTestId('new-account-role').selectOption('officer');
  await admin.getByTestId('new-account-password').fill('officer-pw-2026');
  await admin.getByTestId('new-account-save').click();
  await expect(admin.locator('[data-field="purchaser_id"]')).toBeVisible();
  await admin.getByTestId('new-account-unit').selectOption({ label: unit });
  await admin.getByTestId('new-account-password').fill('officer-pw-2026');
  await admin.getByTestId('new-account-save').click();
  await expect(admin.getByTestId(`account-wz${suffix}`)).toContainText(unit);

  // The new officer lands on a workbench that names the unit.
  const officer = await as(browser, `wz${suffix}`, 'officer-pw-2026');
  await expect(officer.getByTestId('workbench-title')).toHaveText('采购人工作台');
  await expect(officer.locator('.facts')).toContainText(unit);

  await admin.getByTestId('account-expert-zheng-toggle').click();
  await expect(admin.getByTestId('account-expert-zheng')).toHaveAttribute('data-active', 'false');
  await admin.getByTestId('account-expert-zheng-toggle').click();
  await expect(admin.getByTestId('account-expert-zheng')).toHaveAttribute('data-active', 'true');
});

test('the pool manager imports experts from pasted CSV or a file: every line checked, nothing half-imported', async ({ browser }) => {
  const admin = await as(browser, 'admin');
  await hydrated(admin);
  const header = 'username,name,id_number,categories,region_code,employer,employer_credit_code,past_employers,interests';
  // A bad ID number on line 3 refuses the whole file, naming the line; line 2 is not imported either.
  await admin.getByTestId('pool-csv').fill(`${header}\nexpert-lin,林专家,320505198503120048,公益服务类,320500,苏州大学,,,\nexpert-new,新专家,123,公益服务类,,,,,`);
  await admin.getByTestId('pool-import-submit').click();
  await expect(admin.locator('[data-field="line[3].id_number"]')).toContainText('第3行');
  await expect(admin.getByTestId('pool-imported')).toHaveCount(0);
  // A legal and finance expert: outside the category the later tests' panels draw from
  // (公益服务类), so this import never takes one of their seats.
  await admin.getByTestId('pool-csv').fill(`${header}\nexpert-lin,林专家,320505198503120048,"法律,财务会计",440300,深圳大学,,,`);
  await admin.getByTestId('pool-import-submit').click();
  await expect(admin.getByTestId('pool-imported')).toContainText('林专家（expert-lin）');
  await expect(admin.getByTestId('pool-imported')).toContainText('初始密码');
  await expect(admin.getByTestId('pool-table')).toContainText('林专家');

  // The same import as a file: a refused file names its line, a good one adds to the pool.
  const file = (text: string) => ({ name: 'pool.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  await admin.getByTestId('pool-file').setInputFiles(file(`${header}\nexpert-qin,秦专家,123,法律,,,,,`));
  await admin.getByTestId('pool-import-file-submit').click();
  await expect(admin.locator('[data-field="line[2].id_number"]')).toContainText('第2行');
  await admin.getByTestId('pool-file').setInputFiles(file(`${header}\nexpert-qin,秦专家,320505198503130043,法律,440300,,,,`));
  await admin.getByTestId('pool-import-file-submit').click();
  await expect(admin.getByTestId('pool-imported').last()).toContainText('秦专家（expert-qin）');
  await expect(admin.getByTestId('pool-table')).toContainText('秦专家');
});
