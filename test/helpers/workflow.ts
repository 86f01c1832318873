import type { FastifyInstance } from 'fastify'
import { as, factories } from './app.ts'
import { multipart, pdf } from './files.ts'

/** A plan, three units, accounts for each role, and helpers that move an item along through the API. */
export function workflowWorld(app: FastifyInstance) {
  const f = factories(app)
  const lead = f.unit('区生态环境局')
  const partner = f.unit('区住房城乡建设委')
  const outsider = f.unit('区水务局')
  const office = f.unit('区环保督察整改办公室')
  const plan = f.plan()
  const tokens = {
    admin: f.token('admin'),
    supervisor: f.token('supervisor', office.id),
    supervisorOfLead: f.token('supervisor', lead.id),
    leader: f.token('leader'),
    lead: f.token('unit', lead.id),
    partner: f.token('unit', partner.id),
    outsider: f.token('unit', outsider.id),
  }
  let evidenceSeq = 0

  async function transition(token: string, itemId: number, action: string, comment?: string) {
    const current = (await as(app, tokens.supervisor).get(`/api/v1/items/${itemId}`)).json()
    return as(app, token).post(`/api/v1/items/${itemId}/transitions`, {
      action,
      expectedVersion: current.version,
      ...(comment !== undefined ? { comment } : {}),
    })
  }

  async function upload(token: string, itemId: number, content: Buffer = pdf(`证据${++evidenceSeq}`), name = '佐证材料.pdf') {
    const body = multipart(name, content)
    return app.inject({
      method: 'POST',
      url: `/api/v1/items/${itemId}/evidence`,
      payload: body.payload,
      headers: { ...body.headers, authorization: `Bearer ${token}` },
    })
  }

  /** Moves a fresh item to `status` along the ordinary path. */
  async function itemIn(
    status: 'assigned' | 'in_progress' | 'closure_requested' | 'in_public_notice',
    overrides: Parameters<typeof f.item>[2] = {},
  ) {
    const item = f.item(plan.id, lead.id, { responsibleUnitIds: [partner.id], ...overrides })
    const steps: [string, string, string?][] = [
      ['start', tokens.lead],
      ['request_closure', tokens.lead, '已完成自查自验，整改到位'],
      ['accept', tokens.supervisor, '经现场验收，整改到位'],
    ]
    const order = ['assigned', 'in_progress', 'closure_requested', 'in_public_notice']
    for (let i = 0; i < order.indexOf(status); i++) {
      const [action, token, comment] = steps[i]!
      if (action === 'request_closure') await upload(tokens.lead, item.id)
      const res = await transition(token, item.id, action, comment)
      if (res.statusCode !== 200) throw new Error(`${action}: ${res.body}`)
    }
    return item
  }

  return { f, lead, partner, outsider, office, plan, tokens, transition, upload, itemIn }
}
