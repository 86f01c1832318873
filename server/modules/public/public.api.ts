import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorResponses, IdParam, PeriodString } from '../../lib/schemas.ts'
import type { PublicService } from './public.service.ts'

const PlanParams = Type.Object({ planId: IdParam })

/** The public data as JSON under /api/v1/public, no account; rate-limited by the scope it is registered in. */
export const publicApiRoutes: FastifyPluginAsyncTypebox<{ publicData: PublicService }> = async (app, { publicData }) => {
  const common = { tags: ['public'], security: [] }

  app.get(
    '/plans',
    {
      schema: {
        ...common,
        summary: 'Plans (整改方案) with their item counts',
        response: { 200: Type.Array(Type.Ref('PublicPlan')), ...errorResponses(429) },
      },
    },
    async () => publicData.plans(),
  )

  app.get(
    '/plans/:planId',
    {
      schema: {
        ...common,
        summary: 'One plan',
        params: PlanParams,
        response: { 200: Type.Ref('PublicPlan'), ...errorResponses(404, 429) },
      },
    },
    async (request) => publicData.plan(request.params.planId),
  )

  app.get(
    '/plans/:planId/items',
    {
      schema: {
        ...common,
        summary: "A plan's checklist: each item's public fields only",
        params: PlanParams,
        response: { 200: Type.Array(Type.Ref('PublicItem')), ...errorResponses(404, 429) },
      },
    },
    async (request) => publicData.planItems(request.params.planId),
  )

  app.get(
    '/notices',
    {
      schema: {
        ...common,
        summary: 'Items in public notice (公示) now, the soonest to end first; objections go to POST /items/:itemId/objections',
        response: { 200: Type.Array(Type.Ref('PublicItem')), ...errorResponses(429) },
      },
    },
    async () => publicData.notices(),
  )

  app.get(
    '/items/:itemId',
    {
      schema: {
        ...common,
        summary: "One item's public fields",
        params: Type.Object({ itemId: IdParam }),
        response: { 200: Type.Ref('PublicItem'), ...errorResponses(404, 429) },
      },
    },
    async (request) => publicData.item(request.params.itemId),
  )

  app.get(
    '/bulletins',
    {
      schema: {
        ...common,
        summary: 'Published monthly bulletins of every plan, the latest first',
        response: { 200: Type.Array(Type.Ref('PublicBulletin')), ...errorResponses(429) },
      },
    },
    async () => publicData.bulletins(),
  )

  app.get(
    '/plans/:planId/bulletins',
    {
      schema: {
        ...common,
        summary: "A plan's published monthly bulletins, the latest first",
        params: PlanParams,
        response: { 200: Type.Array(Type.Ref('PublicBulletin')), ...errorResponses(404, 429) },
      },
    },
    async (request) => publicData.bulletins(request.params.planId),
  )

  app.get(
    '/plans/:planId/bulletins/:period',
    {
      schema: {
        ...common,
        summary: 'One published bulletin (the printable page is /public/plans/:planId/bulletins/:period)',
        params: Type.Object({ planId: IdParam, period: PeriodString }),
        response: { 200: Type.Ref('Bulletin'), ...errorResponses(404, 429) },
      },
    },
    async (request) => publicData.bulletin(request.params.planId, request.params.period),
  )

  app.get(
    '/case-leads',
    {
      schema: {
        ...common,
        summary: 'Disclosed case leads (问题线索) with who was held accountable and how, the latest disclosure first',
        response: { 200: Type.Array(Type.Ref('PublicCaseLead')), ...errorResponses(429) },
      },
    },
    async () => publicData.caseLeads(),
  )
}
