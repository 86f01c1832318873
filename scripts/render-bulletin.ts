// Renders a bulletin to HTML, a PNG of its first screen, a PDF and the spreadsheet, to look at what a reader gets.
//   tsx scripts/render-bulletin.ts --sample [--out DIR]
//   tsx scripts/render-bulletin.ts --json bulletin.json [--out DIR] [--chromium /usr/bin/chromium]
// Needs Debian's headless Chromium (apt-get install -y chromium) and a CJK font (fonts-noto-cjk), or the Chinese
// text prints as boxes.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { parseArgs } from 'node:util'
import { renderBulletinHtml } from '../server/modules/bulletins/bulletin.html.ts'
import { renderBulletinXlsx } from '../server/modules/bulletins/bulletin.xlsx.ts'
import type { Bulletin } from '../server/modules/bulletins/bulletin.types.ts'

const run = promisify(execFile)

const USAGE = 'usage: tsx scripts/render-bulletin.ts (--sample | --json FILE) [--out DIR] [--chromium PATH]'

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    sample: { type: 'boolean', default: false },
    out: { type: 'string', default: './out' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
})

async function loadBulletin(): Promise<Bulletin> {
  if (values.sample === Boolean(values.json)) throw new Error(USAGE)
  if (values.sample) return (await import('../test/fixtures/bulletin-sample.ts')).sampleBulletin
  const parsed = JSON.parse(await readFile(values.json!, 'utf8')) as Partial<Bulletin>
  // A JSON file from the API or the database; a wrong file should fail here, not as "undefined" deep in a renderer.
  for (const key of ['period', 'asOf', 'totals', 'byLeadUnit', 'overdue', 'trend', 'contentHash'] as const) {
    if (parsed[key] === undefined) throw new Error(`${values.json} is not a bulletin: "${key}" is missing`)
  }
  return parsed as Bulletin
}

/** One headless Chromium run with its own throw-away profile, so runs never share state or prompt for anything. */
async function chromium(args: string[]): Promise<void> {
  const profile = await mkdtemp(join(tmpdir(), 'bulletin-chromium-'))
  try {
    await run(
      values.chromium!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        ...args,
      ],
      { timeout: 120_000 },
    )
  } finally {
    await rm(profile, { recursive: true, force: true })
  }
}

const bulletin = await loadBulletin()
if (!existsSync(values.chromium!)) {
  throw new Error(`no Chromium at ${values.chromium}: apt-get install -y chromium fonts-noto-cjk, or pass --chromium PATH`)
}
const outDir = resolve(values.out!)
await mkdir(outDir, { recursive: true })
const base = join(outDir, `bulletin-${bulletin.period}`)
const files = { html: `${base}.html`, png: `${base}.png`, pdf: `${base}.pdf`, xlsx: `${base}.xlsx` }

await writeFile(files.html, renderBulletinHtml(bulletin), 'utf8')
await writeFile(files.xlsx, await renderBulletinXlsx(bulletin))
const page = `file://${files.html}`
// 1240 × 1754 is A4 at 150 dpi: the screenshot shows the top of the page as it sits on screen.
await chromium(['--window-size=1240,1754', `--screenshot=${files.png}`, page])
await chromium([`--print-to-pdf=${files.pdf}`, '--no-pdf-header-footer', page])

for (const file of Object.values(files)) console.log(file)
