// The only reader of process.env. Every setting has its default in one table, assembled here from the
// areas' tables in config/ (server, database, limits, basemap, auth, siting), and is validated once;
// a bad environment fails at start with one message that lists every bad variable.
import { type AuthConfig, authProblems, authSettings } from './config/auth.ts'
import { type BasemapConfig, basemapProblems, basemapSettings } from './config/basemap.ts'
import { type DatabaseConfig, databaseSettings } from './config/database.ts'
import { type LimitsConfig, limitsSettings } from './config/limits.ts'
import { type Setting, type Settings, projectRoot } from './config/parsers.ts'
import { type ServerConfig, serverSettings } from './config/server.ts'
import { type SitingConfig, sitingDefaults, sitingSettings } from './config/siting.ts'

export interface Config extends ServerConfig, DatabaseConfig, LimitsConfig, BasemapConfig, AuthConfig, SitingConfig {}

export type { ServiceRadii } from './config/siting.ts'
export { projectRoot, sitingDefaults }

/** Every setting, its variable and its default: the README's configuration table is this table. */
export const settings: Settings<Config> = {
  ...serverSettings,
  ...databaseSettings,
  ...limitsSettings,
  ...basemapSettings,
  ...authSettings,
  ...sitingSettings,
}

/** A value as a message may show it: the password of a URL (user:password@) hidden. */
export function hidePassword(raw: string): string {
  return raw.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@')
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
): Config {
  const problems: string[] = []
  const config: Partial<Record<keyof Config, unknown>> = {}
  for (const [key, setting] of Object.entries(settings) as [keyof Config, Setting<unknown>][]) {
    const raw = env[setting.env] ?? setting.default
    try {
      config[key] = setting.parse(raw)
    } catch (error) {
      problems.push(`${setting.env}=${JSON.stringify(hidePassword(raw))}: ${(error as Error).message}`)
    }
  }
  problems.push(...basemapProblems(config), ...authProblems(config))
  if (problems.length > 0) throw new ConfigError(problems)
  return { ...(config as Config), ...overrides }
}
