import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config.ts'

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', logLevel: 'info', jobs: true, evidenceMaxBytes: 20 * 1024 * 1024 })
    expect(config.dataDir.endsWith('/data')).toBe(true)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ JOBS: 'maybe' }, 'JOBS'],
    [{ DEFAULT_TIMEZONE: 'Mars/Olympus' }, 'DEFAULT_TIMEZONE'],
    [{ EVIDENCE_MAX_BYTES: '20MB' }, 'EVIDENCE_MAX_BYTES'],
    [{ NOTIFY_DIGEST_MINUTES: 'ten' }, 'NOTIFY_DIGEST_MINUTES'],
    [{ NOTIFY_DIGEST_MINUTES: '2000' }, 'NOTIFY_DIGEST_MINUTES'],
    [{ SMTP_URL: 'http://mail.example.cn' }, 'SMTP_URL'],
    [{ PUBLIC_BASE_URL: 'zhenggai.example.cn' }, 'PUBLIC_BASE_URL'],
  ])('refuses %j and names %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    try {
      loadConfig(env)
    } catch (err) {
      expect((err as ConfigError).variable).toBe(variable)
      expect((err as Error).message).toContain(variable)
    }
  })

  it('reads the notification settings; a bad SMTP_URL is refused without echoing it (it may hold a password)', () => {
    expect(loadConfig({}).notify).toEqual({
      smtpUrl: null,
      mailFrom: '整改销号系统 <noreply@localhost>',
      digestMinutes: 10,
      publicBaseUrl: null,
    })
    expect(
      loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.cn:465', NOTIFY_DIGEST_MINUTES: '0', PUBLIC_BASE_URL: 'https://zg.example.cn/' })
        .notify,
    ).toMatchObject({
      smtpUrl: 'smtps://u:p@mail.example.cn:465',
      digestMinutes: 0,
      publicBaseUrl: 'https://zg.example.cn',
    })
    expect(() => loadConfig({ SMTP_URL: 'ftp://user:hunter2@x' })).toThrow(/^SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL$/)
  })

  it('reads JOBS=off and a port', () => {
    expect(loadConfig({ JOBS: 'off', PORT: '8080' })).toMatchObject({ jobs: false, port: 8080 })
  })
})
