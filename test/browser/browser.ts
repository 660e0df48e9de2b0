import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { Browser, BrowserContext, chromium, Page } from "playwright-core";

/** Debian's Chromium (test/setup.sh installs it); playwright-core drives it and downloads nothing. */
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = path.join(__dirname, "..", "..", "test-artifacts", "browser");

function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * Pages for one test, each in its own context (its own storage, like separate
 * people), with every uncaught page error recorded so a test can insist on none.
 */
export class Pages {
  readonly errors: string[] = [];
  private readonly contexts: BrowserContext[] = [];

  constructor(private readonly browser: Browser) {}

  /** A new page at `url`; `prepare` runs before it navigates (e.g. to route requests). */
  async open(url: string, prepare?: (page: Page) => Promise<unknown>): Promise<Page> {
    const context = await this.browser.newContext({ viewport: { width: 1400, height: 800 } });
    // Generous for a busy machine, and below the suites' mocha timeout, so a stuck wait fails with its own message.
    // Generous: pages run beside the whole suite on a 2-core machine.
    context.setDefaultTimeout(45_000);
    this.contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (error) => this.errors.push(`${page.url()}: ${error.message}`));
    await prepare?.(page);
    await page.goto(url);
    return page;
  }

  async close(): Promise<void> {
    await Promise.all(this.contexts.map((c) => c.close()));
  }
}

/**
 * Chromium for the enclosing describe block and a fresh Pages for each test:
 * after each test its pages close, and none of them may have thrown. Call it
 * before arenaForSuite: mocha runs hooks in the order they are registered, so
 * the pages close before the server drops their clients.
 */
export function pagesForSuite(): Pick<Pages, "open"> {
  let browser: Browser | undefined;
  let current: Pages | undefined;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(() => {
    current = new Pages(browser!);
  });
  afterEach(async () => {
    await current!.close();
    assert.deepEqual(current!.errors, [], "no uncaught error in any page");
  });
  return {
    open: (url, prepare) => {
      if (!current) throw new Error("pages are opened inside a test of the suite that called pagesForSuite");
      return current.open(url, prepare);
    },
  };
}

/** Saves a screenshot as test-artifacts/browser/<name>.png (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}
