import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config.ts'

describe('loadConfig', () => {
  it('uses the embedded database on port 3000 when nothing is set', () => {
    const config = loadConfig({})
    expect(config.port).toBe(3000)
    expect(config.databaseUrl).toBeUndefined()
    expect(config.dataDir).toMatch(/\.data[/\\]pglite$/)
    expect(config.loadDemo).toBe(true)
  })

  it('switches to server PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/wangge' }).databaseUrl).toBe(
      'postgres://u:p@db:5432/wangge',
    )
  })

  it('keeps a memory:// data directory as it is', () => {
    expect(loadConfig({ DATA_DIR: 'memory://' }).dataDir).toBe('memory://')
  })

  it('lists every bad variable in one error', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOAD_DEMO: 'maybe', LOG_LEVEL: 'loud' })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      const problems = (error as ConfigError).problems.join('\n')
      for (const variable of ['PORT', 'DATABASE_URL', 'LOAD_DEMO', 'LOG_LEVEL']) expect(problems).toContain(variable)
    }
  })

  it('rejects a port outside 0–65535', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/)
  })
})
