// The operationId of every documented route, by "METHOD /url" as Fastify registers it. A generated client names its
// functions after these, so they must not change once published: one table, not names derived from URLs that move
// with a refactor. A documented route missing here stops the app at start (server/plugins/docs.ts), and
// test/api/openapi.test.ts fails on an entry that matches no route.

export const operationIds: Readonly<Record<string, string>> = {
  'GET /healthz': 'getHealth',
  'GET /readyz': 'getReadiness',

  'GET /api/v1/me': 'getMe',
  'GET /api/v1/accounts': 'listAccounts',
  'POST /api/v1/accounts': 'createAccount',
  'GET /api/v1/units': 'listUnits',
  'POST /api/v1/units': 'createUnit',

  'GET /api/v1/plans': 'listPlans',
  'POST /api/v1/plans': 'createPlan',
  'GET /api/v1/plans/:planId': 'getPlan',
  'POST /api/v1/plans/:planId/items': 'createItem',
  'POST /api/v1/plans/:planId/import': 'importChecklist',
  'GET /api/v1/plans/:planId/export': 'exportChecklist',

  'GET /api/v1/items': 'listItems',
  'GET /api/v1/items/:itemId': 'getItem',
  'PATCH /api/v1/items/:itemId': 'updateItem',
  'GET /api/v1/items/:itemId/events': 'listItemEvents',
  'POST /api/v1/items/:itemId/transitions': 'transitionItem',
  'GET /api/v1/items/:itemId/progress-reports': 'listProgressReports',
  'POST /api/v1/items/:itemId/progress-reports': 'createProgressReport',
  'GET /api/v1/items/:itemId/evidence': 'listEvidence',
  'POST /api/v1/items/:itemId/evidence': 'uploadEvidence',
  'GET /api/v1/evidence/:evidenceId/content': 'getEvidenceContent',
  'GET /api/v1/items/:itemId/extensions': 'listExtensions',
  'POST /api/v1/items/:itemId/extensions': 'requestExtension',
  'POST /api/v1/extensions/:extensionId/decision': 'decideExtension',
  'GET /api/v1/objections': 'listObjections',
  'POST /api/v1/objections/:objectionId/decision': 'decideObjection',

  'GET /api/v1/calendar/overrides': 'listCalendarOverrides',
  'POST /api/v1/calendar/overrides': 'createCalendarOverride',
  'DELETE /api/v1/calendar/overrides/:date': 'deleteCalendarOverride',

  'POST /api/v1/escalations/run': 'runEscalation',
  'GET /api/v1/supervisions': 'listSupervisions',
  'GET /api/v1/supervisions/:supervisionId': 'getSupervision',
  'POST /api/v1/items/:itemId/supervisions': 'openSupervision',
  'POST /api/v1/supervisions/:supervisionId/acknowledge': 'acknowledgeSupervision',
  'POST /api/v1/supervisions/:supervisionId/reply': 'replyToSupervision',
  'POST /api/v1/supervisions/:supervisionId/send-back': 'sendBackSupervision',
  'POST /api/v1/supervisions/:supervisionId/resolve': 'resolveSupervision',

  'GET /api/v1/plans/:planId/bulletins': 'listBulletins',
  'POST /api/v1/plans/:planId/bulletins': 'issueBulletin',
  'GET /api/v1/plans/:planId/bulletins/:period': 'getBulletin',
  'POST /api/v1/plans/:planId/bulletins/:period/publish': 'publishBulletin',

  'GET /api/v1/case-leads': 'listCaseLeads',
  'POST /api/v1/case-leads': 'createCaseLead',
  'GET /api/v1/case-leads/:caseLeadId': 'getCaseLead',
  'GET /api/v1/case-leads/:caseLeadId/events': 'listCaseLeadEvents',
  'POST /api/v1/case-leads/:caseLeadId/transitions': 'transitionCaseLead',

  'GET /api/v1/me/notifications': 'listMyNotifications',
  'POST /api/v1/me/notifications/:notificationId/read': 'markNotificationRead',
  'POST /api/v1/me/notifications/read-all': 'markAllNotificationsRead',
  'GET /api/v1/units/:unitId/channels': 'getUnitChannels',
  'PUT /api/v1/units/:unitId/channels': 'setUnitChannels',
  'GET /api/v1/notifications/deliveries': 'listNotificationDeliveries',
  'POST /api/v1/notifications/deliveries/:deliveryId/retry': 'retryNotificationDelivery',

  'GET /api/v1/public/plans': 'listPublicPlans',
  'GET /api/v1/public/plans/:planId': 'getPublicPlan',
  'GET /api/v1/public/plans/:planId/items': 'listPublicPlanItems',
  'GET /api/v1/public/items/:itemId': 'getPublicItem',
  'POST /api/v1/public/items/:itemId/objections': 'fileObjection',
  'GET /api/v1/public/notices': 'listPublicNotices',
  'GET /api/v1/public/bulletins': 'listPublicBulletins',
  'GET /api/v1/public/plans/:planId/bulletins': 'listPublicPlanBulletins',
  'GET /api/v1/public/plans/:planId/bulletins/:period': 'getPublicBulletin',
  'GET /api/v1/public/case-leads': 'listPublicCaseLeads',
}
