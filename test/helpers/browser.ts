// What the browser tests share: Debian's Chromium (skipped, saying why, when it is absent, unless REQUIRE_BROWSER=1
// makes its absence a failure, as in CI), the two screens pages are
// looked at on and where their screenshots go, signing in through the form, axe-core injected into a page, and a PDF
// read back page by page with poppler's pdftotext.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core'
import { describe, it } from 'vitest'
import { PASSWORD } from './web.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const haveChromium = existsSync(CHROMIUM)

/** poppler-utils' pdftotext (CI installs it with Chromium). */
export const havePdftotext = spawnSync('pdftotext', ['-v']).error === undefined

/**
 * Set (to 1) by `.ci/run`: a browser test that cannot run for want of Chromium or pdftotext fails, saying what is
 * missing, instead of being skipped; unset (a developer's machine), it is skipped with a warning.
 */
export const REQUIRE_BROWSER = process.env.REQUIRE_BROWSER === '1'

function missing(needs: { pdftotext?: boolean }): string | null {
  if (!haveChromium) return `no Chromium at ${CHROMIUM} (apt-get install chromium fonts-noto-cjk, or set CHROMIUM_PATH)`
  if (needs.pdftotext && !havePdftotext) return 'no pdftotext (apt-get install poppler-utils)'
  return null
}

/**
 * The `describe` of a browser test file: vitest's own when Chromium (and pdftotext, if `needs` says so) is there;
 * otherwise a skipped suite with a warning, or, under REQUIRE_BROWSER=1, a suite of one failing test that says what
 * is missing.
 */
export function describeInBrowser(file: string, needs: { pdftotext?: boolean } = {}): (name: string, body: () => void) => void {
  const why = missing(needs)
  if (why === null) return describe
  if (REQUIRE_BROWSER)
    return (name) =>
      describe(name, () => {
        it('has the browser it needs', () => {
          throw new Error(`${file}: REQUIRE_BROWSER=1 but ${why}`)
        })
      })
  console.warn(`${file} skipped: ${why}`)
  return describe.skip
}

/**
 * Whether a PDF can be read back here: pdftotext is installed; without it, false (the check is left out), or under
 * REQUIRE_BROWSER=1 an error that fails the test.
 */
export function canReadPdf(): boolean {
  if (havePdftotext) return true
  if (REQUIRE_BROWSER) throw new Error('REQUIRE_BROWSER=1 but no pdftotext (apt-get install poppler-utils)')
  return false
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** Screenshots land here (git-ignored), for a person to look at; nothing in the repository changes. */
export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', 'tmp', 'screenshots')

/** Serves the test app on 127.0.0.1 (a port of the system's choosing) and starts Chromium: a browser test's set-up. */
export async function serveInBrowser(app: FastifyInstance): Promise<{ baseUrl: string; browser: Browser }> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  return { baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, browser: await launchChromium() }
}

/** The screens every page is looked at on: a 1366×768 desktop and a 375 px phone. */
export const VIEWPORTS: [string, BrowserContextOptions][] = [
  ['desktop', { viewport: { width: 1366, height: 768 } }],
  ['phone', { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }],
]

/** Nothing runs past the right edge. A string, evaluated in the page: the project type-checks without the DOM library. */
export const FITS_WIDTH = 'document.documentElement.scrollWidth <= window.innerWidth'

/**
 * Signs in through the sign-in form as a person does: opens `from` (which must send the browser to sign in), fills
 * 用户名 and 密码, presses 登录 and waits to be let in.
 */
export async function signIn(page: Page, baseUrl: string, login: string, { password = PASSWORD, from = '/login' } = {}): Promise<void> {
  await page.goto(`${baseUrl}${from}`)
  if (!new URL(page.url()).pathname.startsWith('/login')) throw new Error(`${from} did not ask to sign in (${page.url()})`)
  await page.getByLabel('用户名').fill(login)
  await page.getByLabel('密码').fill(password)
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.getByRole('button', { name: '登录' }).click()])
}

/** Collects the page's console errors and uncaught exceptions (with the URL that logged them). */
export function watchConsole(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} ${m.location().url}`)
  })
  page.on('pageerror', (e) => errors.push(e.message))
  return errors
}

/** The text of each page of a PDF, in reading order (pdftotext separates pages with a form feed). */
export function pdfPages(pdf: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'zhenggai-pdf-'))
  try {
    const file = join(dir, 'page.pdf')
    writeFileSync(file, pdf)
    const run = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, join(dir, 'page.txt')])
    if (run.status !== 0) throw new Error(`pdftotext failed: ${String(run.stderr)}`)
    const pages = readFileSync(join(dir, 'page.txt'), 'utf8').split('\f')
    // The text ends with a form feed after the last page.
    if (pages.at(-1)?.trim() === '') pages.pop()
    return pages
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// axe-core's own browser build, evaluated in the page through the DevTools protocol, which the pages' content
// security policy (script-src 'self') does not govern.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[]; failureSummary?: string }[]
}

/** axe-core's serious and critical violations on the page as it is now, one readable line each (none: []). */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE)
  const violations = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)')) as AxeViolation[]
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => `${n.target.join(' ')} — ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`).join('; ')}`,
    )
}

/** A real PDF of `html`, printed by Chromium (the test helpers' own PDFs are minimal files no viewer draws). */
export async function pdfOf(browser: Browser, html: string): Promise<Buffer> {
  const page = await browser.newPage()
  try {
    await page.setContent(html)
    return await page.pdf({ format: 'A4', printBackground: true })
  } finally {
    await page.close()
  }
}

/** A real PNG of `html` at the given size. */
export async function pngOf(browser: Browser, html: string, size: { width: number; height: number }): Promise<Buffer> {
  const page = await browser.newPage({ viewport: size })
  try {
    await page.setContent(html)
    return await page.screenshot({ type: 'png' })
  } finally {
    await page.close()
  }
}

/**
 * The share (0–1) of a screenshot's pixels within `tolerance` of a colour: what a person would see there, measured
 * by drawing the screenshot on a canvas in a page of its own (scripts on, nothing else loaded).
 */
export async function shareOfColour(browser: Browser, screenshot: Buffer, rgb: [number, number, number], tolerance = 48): Promise<number> {
  const page = await browser.newPage()
  try {
    return (await page.evaluate(
      `new Promise((resolve, reject) => {
        const img = new Image()
        img.onload = () => {
          const canvas = document.createElement('canvas')
          canvas.width = img.width
          canvas.height = img.height
          const ctx = canvas.getContext('2d')
          ctx.drawImage(img, 0, 0)
          const data = ctx.getImageData(0, 0, img.width, img.height).data
          const [r, g, b] = ${JSON.stringify(rgb)}
          let near = 0
          for (let i = 0; i < data.length; i += 4)
            if (Math.abs(data[i] - r) <= ${tolerance} && Math.abs(data[i + 1] - g) <= ${tolerance} && Math.abs(data[i + 2] - b) <= ${tolerance}) near++
          resolve(near / (data.length / 4))
        }
        img.onerror = () => reject(new Error('not an image'))
        img.src = 'data:image/png;base64,${screenshot.toString('base64')}'
      })`,
    )) as number
  } finally {
    await page.close()
  }
}
