// npm run build: compiles server/, db/ and scripts/ to dist/ (the pages' .tsx too) and copies the migrations and
// the stylesheets beside them, so that `node dist/server/main.js` (npm start) applies the migrations from
// dist/migrations as the sources do from migrations/, and reads each stylesheet next to the module that serves it.
import { execFileSync } from 'node:child_process'
import { cpSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'

const ROOT = join(import.meta.dirname, '..')
export const DIST = join(ROOT, 'dist')

export function build(): void {
  rmSync(DIST, { recursive: true, force: true })
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' })
  cpSync(join(ROOT, 'migrations'), join(DIST, 'migrations'), { recursive: true })
  for (const entry of readdirSync(join(ROOT, 'server'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.css')) continue
    const from = join(entry.parentPath, entry.name)
    cpSync(from, join(DIST, relative(ROOT, from)))
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) build()
