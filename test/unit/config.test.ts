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
  ])('refuses %j and names %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    try {
      loadConfig(env)
    } catch (err) {
      expect((err as ConfigError).variable).toBe(variable)
      expect((err as Error).message).toContain(variable)
    }
  })

  it('reads JOBS=off and a port', () => {
    expect(loadConfig({ JOBS: 'off', PORT: '8080' })).toMatchObject({ jobs: false, port: 8080 })
  })
})
