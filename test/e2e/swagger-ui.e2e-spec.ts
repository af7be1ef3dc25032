import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const maybe = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM))
  console.warn(`browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

maybe('Swagger UI in headless Chromium', () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('authorizes with a key and runs GET /search-spaces from the page', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/docs`);
    await page
      .getByRole('button', { name: /authorize/i })
      .first()
      .click();
    await page
      .locator('.modal-ux input[type=text], .modal-ux input[type=password]')
      .first()
      .fill(TEST_ADMIN_KEY);
    await page.locator('.modal-ux button.authorize').first().click();
    await page.locator('.modal-ux button.btn-done, .modal-ux button.close-modal').first().click();

    const op = page.locator('#operations-search_spaces-SearchSpacesController_list');
    await op.locator('.opblock-summary').click();
    await op.getByRole('button', { name: /try it out/i }).click();
    const responsePromise = page.waitForResponse((r) => r.url().endsWith('/api/v1/search-spaces'));
    await op.getByRole('button', { name: /execute/i }).click();
    const response = await responsePromise;
    expect(response.status()).toBe(200);
    expect(response.request().headers()['authorization']).toBe(`Bearer ${TEST_ADMIN_KEY}`);
    await op.locator('.responses-table .response .highlight-code').first().waitFor();
    const shown = await op.locator('.responses-table .response .highlight-code').first().innerText();
    expect(shown).toContain('nasbench201');
    await page.close();
  }, 120_000);
});
