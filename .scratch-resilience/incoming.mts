import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { seedWorld, startServer } from '../scripts/resilience-lib.ts'
import { spawnSync } from 'node:child_process'
const dataDir = mkdtempSync(join(tmpdir(), 'zg-incoming-'))
const world = seedWorld(dataDir, 1)
const server = await startServer({ dataDir })
try {
  const port = Number(new URL(server.url).port)
  const b = 'XYZ'
  const head = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`)
  const tail = Buffer.from(`\n%%EOF\r\n--${b}--\r\n`)
  const filler = Buffer.alloc(200_000, 0x41)
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: `/api/v1/items/${world.itemIds[0]}/evidence`, headers: { authorization: `Bearer ${world.tokens.lead}`, 'content-type': `multipart/form-data; boundary=${b}`, 'content-length': head.length + filler.length + tail.length } })
  const answer = new Promise<string>((resolve) => req.on('response', (res) => { let s = ''; res.on('data', (d) => (s += d)); res.on('end', () => resolve(`${res.statusCode} ${s.slice(0, 200)}`)) }))
  req.write(head)
  req.write(filler.subarray(0, 100_000))
  await new Promise((r) => setTimeout(r, 500))
  console.log('.incoming during upload:', readdirSync(join(dataDir, 'evidence', '.incoming')))
  const token = spawnSync(join(process.cwd(), 'node_modules/.bin/tsx'), ['scripts/token.ts', '--role', 'leader', '--name', '领导'], { env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' })
  console.log('npm run token exit', token.status)
  console.log('.incoming after token:', readdirSync(join(dataDir, 'evidence', '.incoming')))
  req.write(filler.subarray(100_000))
  req.end(tail)
  console.log('upload answer:', await answer)
} finally {
  await server.kill('SIGTERM')
}
