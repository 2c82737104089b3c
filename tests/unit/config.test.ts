import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, projectRoot } from '../../server/config.ts'

/** The one problem loadConfig reports for this DATABASE_URL. */
function databaseUrlProblem(url: string): string {
  try {
    loadConfig({ DATABASE_URL: url })
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).problems.join('\n')
  }
  throw new Error(`DATABASE_URL=${url} was accepted`)
}

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

  it.each([
    ['no user name', 'postgres://db:5432/wangge', 'names no user'],
    ['no user name, a socket', 'postgresql:///wangge?host=/var/run/postgresql', 'names no user'],
    ['no database', 'postgres://u:p@db:5432', 'names no database'],
    ['no host', 'postgres://u:p@/wangge', 'not a readable URL'],
    ['an unreadable port', 'postgres://u:p@db:port/wangge', 'not a readable URL'],
  ])('refuses a DATABASE_URL with %s, naming the variable and the expected form', (_case, url, reason) => {
    const problem = databaseUrlProblem(url)
    expect(problem).toMatch(/^DATABASE_URL=/)
    expect(problem).toContain(`${reason}: expected postgres://user:password@host:port/database`)
  })

  it('hides the password of a refused DATABASE_URL', () => {
    const problem = databaseUrlProblem('postgres://u:s3cret@db:5432')
    expect(problem).not.toContain('s3cret')
    expect(problem).toContain('postgres://u:***@db:5432')
  })

  it('accepts a socket URL that names its user and host', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@/wangge?host=/var/run/postgresql' }).databaseUrl).toBe(
      'postgresql://u@/wangge?host=/var/run/postgresql',
    )
  })

  it.each([
    ['without a user name', 'postgres://127.0.0.1:1/wangge', /names no user/],
    ['that nothing answers at', 'postgres://u:s3cret@127.0.0.1:1/wangge', /cannot use the database: .*ECONNREFUSED/],
  ])(
    'stops the server started with a DATABASE_URL %s with the configuration message, no stack trace',
    (_case, url, reason) => {
      const started = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: url, PORT: '0', LOAD_DEMO: 'false' },
        encoding: 'utf8',
        timeout: 60_000,
      })
      expect(started.status).toBe(1)
      expect(started.stderr).toMatch(/^Invalid configuration:\n {2}- DATABASE_URL=/)
      expect(started.stderr).toMatch(reason)
      expect(started.stderr).not.toMatch(/\n\s+at /)
      expect(started.stderr).not.toContain('s3cret')
    },
    90_000,
  )
})
