import type { DatabaseHandle } from '../db/client.ts'
import type { Config } from './config.ts'
import type { Clock } from './lib/time.ts'
import { createTransact } from './lib/transact.ts'
import { createAccountsRepo } from './modules/accounts/accounts.repo.ts'
import { createAccountsService } from './modules/accounts/accounts.service.ts'
import { createSessionsRepo } from './modules/accounts/sessions.repo.ts'
import { createSignInService } from './modules/accounts/sign-in.service.ts'
import { createEventsRepo } from './modules/events/events.repo.ts'
import { createItemsRepo } from './modules/items/items.repo.ts'
import { createItemsService } from './modules/items/items.service.ts'
import { createPlansRepo } from './modules/plans/plans.repo.ts'
import { createPlansService } from './modules/plans/plans.service.ts'
import { createUnitsRepo } from './modules/units/units.repo.ts'
import { createUnitsService } from './modules/units/units.service.ts'
import { createAdminEventsRepo, createAdminEventsService } from './modules/admin-events/admin-events.repo.ts'
import { createCloseoutRepo } from './modules/closeout/closeout.repo.ts'
import { createCloseoutService } from './modules/closeout/closeout.service.ts'
import { createEvidenceService } from './modules/evidence/evidence.service.ts'
import { createEvidenceStore } from './modules/evidence/evidence.store.ts'
import { createExtensionsService } from './modules/extensions/extensions.service.ts'
import { createObjectionsService } from './modules/objections/objections.service.ts'
import { createProgressService } from './modules/progress/progress.service.ts'
import { createChecklistService } from './modules/checklist/checklist.service.ts'
import { createSupervisionRepo } from './modules/supervision/supervision.repo.ts'
import { createSupervisionService } from './modules/supervision/supervision.service.ts'
import { createEscalationRepo } from './modules/escalation/escalation.repo.ts'
import { createEscalationService } from './modules/escalation/escalation.service.ts'
import { createBulkService } from './modules/bulk/bulk.service.ts'
import { createBulletinsService } from './modules/bulletins/bulletins.service.ts'
import { createCaseLeadsRepo } from './modules/case-leads/case-leads.repo.ts'
import { createCaseLeadsService } from './modules/case-leads/case-leads.service.ts'
import { createPublicService } from './modules/public/public.service.ts'
import { createNotificationsRepo } from './modules/notifications/notifications.repo.ts'
import { createNotificationsService } from './modules/notifications/notifications.service.ts'

/** Wires repositories and services; the HTTP layer, the jobs and the scripts all use the same ones. */
export function createServices({ database, clock, config }: { database: DatabaseHandle; clock: Clock; config: Config }) {
  const { db, sqlite } = database
  const transact = createTransact(sqlite)
  const unitsRepo = createUnitsRepo(db)
  const accountsRepo = createAccountsRepo(db, sqlite)
  const plansRepo = createPlansRepo(db)
  const itemsRepo = createItemsRepo(db, sqlite)
  const adminEvents = createAdminEventsRepo(db)
  const notifications = createNotificationsService({
    repo: createNotificationsRepo(db),
    clock,
    transact,
    // Called only when reminders run, after everything below exists.
    calendarOverrides: () => closeout.calendarOverrides(),
    settings: {
      digestMinutes: config.notify.digestMinutes,
      publicBaseUrl: config.notify.publicBaseUrl,
      emailConfigured: config.notify.smtpUrl !== null,
    },
    adminEvents,
  })
  // Every audited item event passes here, so the messages it causes commit (or roll back) with it.
  const eventsRepo = createEventsRepo(db, notifications.onItemEvent)

  const closeoutRepo = createCloseoutRepo(db)
  const items = createItemsService({ repo: itemsRepo, closeoutRepo, eventsRepo, unitsRepo, plansRepo, clock, transact })

  // A merged unit's items, inbox and channels go with it to the survivor, in the merge's transaction (the items and
  // notifications modules move their own rows).
  const units = createUnitsService({
    repo: unitsRepo,
    clock,
    transact,
    eventsRepo,
    adminEvents,
    onMerged: [notifications.unitMerged],
    moveItems: items.moveUnitItems,
  })
  const accounts = createAccountsService({ repo: accountsRepo, unitsRepo, clock, transact, adminEvents })
  const signIn = createSignInService({
    repo: createSessionsRepo(db),
    accounts,
    adminEvents,
    clock,
    transact,
    idleMinutes: config.sessionIdleMinutes,
    maxHours: config.sessionMaxHours,
  })
  const closeout = createCloseoutService({ repo: closeoutRepo, items, clock })
  const plans = createPlansService({
    repo: plansRepo,
    clock,
    defaultTimezone: config.defaultTimezone,
    transact,
    adminEvents,
    categoryCounts: items.categoryCounts,
  })
  const progress = createProgressService({ db, items, eventsRepo, clock, transact })
  const extensions = createExtensionsService({ db, items, eventsRepo, clock, transact })
  const objections = createObjectionsService({ db, items, eventsRepo, clock, transact })
  const caseLeads = createCaseLeadsService({ repo: createCaseLeadsRepo(db, sqlite), plansRepo, unitsRepo, clock, transact })
  const supervision = createSupervisionService({ repo: createSupervisionRepo(db), items, plansRepo, eventsRepo, clock, transact })
  const bulletins = createBulletinsService({
    db,
    sqlite,
    plansRepo,
    clock,
    transact,
    sources: { supervisionActivity: supervision.supervisionActivity, caseLeadStages: caseLeads.caseLeadStages },
  })
  const publicData = createPublicService({ db, plansRepo, bulletins, caseLeads, clock })
  const escalation = createEscalationService({ repo: createEscalationRepo(db), items, supervision, eventsRepo, clock, transact })
  const checklist = createChecklistService({
    db,
    items,
    units,
    unitsRepo,
    plansRepo,
    transact,
    clock,
    limits: { maxBytes: config.importMaxBytes, maxRows: config.importMaxRows },
  })
  const evidence = createEvidenceService({ db, items, eventsRepo, store: createEvidenceStore(config.dataDir), clock, transact })

  const bulk = createBulkService({ items, supervision, eventsRepo, clock, transact })
  return {
    bulk,
    adminEvents: createAdminEventsService({ repo: adminEvents, clock }),
    units,
    accounts,
    signIn,
    plans,
    items,
    closeout,
    progress,
    extensions,
    objections,
    evidence,
    bulletins,
    supervision,
    escalation,
    checklist,
    caseLeads,
    publicData,
    notifications,
    transact,
  }
}

export type Services = ReturnType<typeof createServices>
