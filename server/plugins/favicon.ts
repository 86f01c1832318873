// The site's icon: a small SVG (a red square with 销), served without an account. The public pages and the workbench
// link /favicon.svg; the printable bulletin and notice link nothing (a saved copy stays self-contained), so a browser
// asks for /favicon.ico, which gets the same icon. Same origin: the content security policy's img-src 'self' allows it.
import type { FastifyInstance } from 'fastify'

export const FAVICON_PATH = '/favicon.svg'

const FAVICON = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#b3261e"/>' +
    '<text x="16" y="23" font-size="20" font-weight="700" text-anchor="middle" fill="#fff" font-family="Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif">销</text></svg>',
  'utf8',
)

export async function faviconRoutes(app: FastifyInstance): Promise<void> {
  for (const url of [FAVICON_PATH, '/favicon.ico']) {
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON),
    )
  }
}
