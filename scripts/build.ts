// npm run build: compiles server/, db/ and scripts/ to dist/ and copies the migrations beside them, so that
// `node dist/server/main.js` (npm start) applies them from dist/migrations as the sources do from migrations/.
import { execFileSync } from 'node:child_process'
import { cpSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..')
export const DIST = join(ROOT, 'dist')

export function build(): void {
  rmSync(DIST, { recursive: true, force: true })
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' })
  cpSync(join(ROOT, 'migrations'), join(DIST, 'migrations'), { recursive: true })
}

if (process.argv[1] && import.meta.filename === process.argv[1]) build()
