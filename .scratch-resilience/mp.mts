import Fastify from 'fastify'
import multipart from '@fastify/multipart'
import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
const app = Fastify()
await app.register(multipart, { limits: { fileSize: 1e6, files: 1 } })
app.post('/up', async (req) => {
  const part = await req.file()
  console.log('got part', !!part, part?.file.readableEnded, part?.file.destroyed)
  part!.file.on('error', (e) => console.log('file error', e.message))
  part!.file.on('end', () => console.log('file end'))
  part!.file.on('close', () => console.log('file close'))
  await new Promise((r) => setTimeout(r, Number(process.argv[2] ?? 0)))
  console.log('piping')
  await pipeline(part!.file, createWriteStream('/tmp/scratch/out.bin'))
  console.log('piped')
  return { ok: true }
})
const b = 'xx'
const timer = setTimeout(() => { console.log('HUNG'); process.exit(3) }, 3000)
const res = await app.inject({ method: 'POST', url: '/up', headers: { 'content-type': `multipart/form-data; boundary=${b}` }, payload: `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 truncated` })
clearTimeout(timer)
console.log(res.statusCode, res.body)
