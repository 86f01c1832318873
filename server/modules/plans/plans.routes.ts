import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../../plugins/auth.ts'
import { errorResponses, IdParam, Instant, Nullable, Text } from '../../lib/schemas.ts'
import type { PlansService } from './plans.service.ts'

export const PlanSchema = Type.Object(
  {
    id: Type.Integer(),
    title: Type.String(),
    issuedBy: Type.String(),
    timezone: Type.String(),
    categories: Type.Array(Type.String()),
    noticeWorkingDays: Type.Integer(),
    jointSupervisionAfterDays: Type.Integer(),
    reminderDays: Type.Integer({ description: 'A lead unit is reminded when a deadline is this many working days away' }),
    reportDueDay: Type.Integer({ description: 'Monthly progress reports are due by this day of the month' }),
    createdAt: Instant,
    createdBy: Nullable(Type.Integer()),
  },
  { $id: 'Plan', title: 'Plan' },
)

/** A plan's settings and their bounds, the same for creating and for editing a plan. */
const PlanSettings = {
  title: Text(300),
  issuedBy: Text(300),
  timezone: Text(64, { description: 'IANA zone; default Asia/Shanghai' }),
  categories: Type.Array(Text(200), { maxItems: 50, description: 'Task areas, in order' }),
  noticeWorkingDays: Type.Integer({ minimum: 1, maximum: 60, description: 'Length of the public notice, default 5' }),
  jointSupervisionAfterDays: Type.Integer({ minimum: 1, maximum: 365, description: 'Days overdue before joint supervision, default 15' }),
  reminderDays: Type.Integer({
    minimum: 1,
    maximum: 30,
    description: 'Working days before a deadline that its lead unit is reminded, default 3',
  }),
  reportDueDay: Type.Integer({ minimum: 1, maximum: 28, description: 'Day of the month progress reports are due by, default 25' }),
}

export const plansRoutes: FastifyPluginAsyncTypebox<{ plans: PlansService }> = async (app, { plans }) => {
  app.get(
    '/plans',
    {
      config: { permission: 'plans:list' },
      schema: { tags: ['plans'], summary: 'All plans', response: { 200: Type.Array(Type.Ref('Plan')), ...errorResponses(403) } },
    },
    async () => plans.list(),
  )
  app.get(
    '/plans/:planId',
    {
      config: { permission: 'plans:read' },
      schema: {
        tags: ['plans'],
        summary: 'One plan',
        params: Type.Object({ planId: IdParam }),
        response: { 200: Type.Ref('Plan'), ...errorResponses(403, 404) },
      },
    },
    async (request) => plans.get(request.params.planId),
  )
  app.post(
    '/plans',
    {
      config: { permission: 'plans:create' },
      schema: {
        tags: ['plans'],
        summary: 'Create a plan (整改方案)',
        body: Type.Object(
          {
            ...PlanSettings,
            timezone: Type.Optional(PlanSettings.timezone),
            noticeWorkingDays: Type.Optional(PlanSettings.noticeWorkingDays),
            jointSupervisionAfterDays: Type.Optional(PlanSettings.jointSupervisionAfterDays),
            reminderDays: Type.Optional(PlanSettings.reminderDays),
            reportDueDay: Type.Optional(PlanSettings.reportDueDay),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Plan'), ...errorResponses(400, 403) },
      },
    },
    async (request, reply) => reply.code(201).send(plans.create(actorOf(request), request.body)),
  )
  app.patch(
    '/plans/:planId',
    {
      config: { permission: 'plans:edit' },
      schema: {
        tags: ['plans'],
        summary: 'Change a plan’s settings',
        description:
          'Any of the settings; the others stay. Each change is recorded in the admin trail (from → to). A task area ' +
          'that items still use cannot be removed or renamed (409 CATEGORY_IN_USE, with the areas and their item ' +
          'counts in `details.categories`): move those items first. Issued bulletins keep what they were issued with; ' +
          'reminders, deadlines and notices use the new settings from their next run.',
        params: Type.Object({ planId: IdParam }),
        body: Type.Partial(Type.Object(PlanSettings), { additionalProperties: false }),
        response: { 200: Type.Ref('Plan'), ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request) => plans.update(actorOf(request), request.params.planId, request.body),
  )
}
