import { describe, expect, it } from 'vitest'
import { describeConnectionError, isConnectionError } from '../../server/db/connection-health.ts'
import { preferredLanguage } from '../../server/plugins/language.ts'

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code })

describe('isConnectionError', () => {
  it('knows the errors of a lost or refused connection', () => {
    expect(isConnectionError(withCode('57P01', 'terminating connection due to administrator command'))).toBe(true)
    expect(isConnectionError(withCode('08006'))).toBe(true)
    expect(isConnectionError(withCode('57P03', 'the database system is starting up'))).toBe(true)
    expect(isConnectionError(withCode('ECONNREFUSED'))).toBe(true)
    expect(isConnectionError(withCode('EPIPE'))).toBe(true)
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true)
    expect(isConnectionError(new AggregateError([withCode('ECONNREFUSED')]))).toBe(true)
    expect(isConnectionError(new Error('step failed', { cause: withCode('ECONNRESET') }))).toBe(true)
  })

  it('leaves statement errors alone', () => {
    expect(isConnectionError(withCode('23505', 'duplicate key value violates unique constraint'))).toBe(false)
    expect(isConnectionError(withCode('XX000', 'GEOSIntersects: TopologyException'))).toBe(false)
    expect(isConnectionError(new TypeError('x is not a function'))).toBe(false)
    expect(isConnectionError(undefined)).toBe(false)
  })

  it('describes a failure by its code and first line', () => {
    expect(describeConnectionError(withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'))).toBe(
      'connect ECONNREFUSED 127.0.0.1:5432',
    )
    expect(describeConnectionError(withCode('57P01', 'terminating connection\nmore'))).toBe(
      '57P01: terminating connection',
    )
  })
})

describe('preferredLanguage', () => {
  it('answers in zh-CN unless English is preferred', () => {
    expect(preferredLanguage(undefined)).toBe('zh-CN')
    expect(preferredLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN')
    expect(preferredLanguage('en-US,en;q=0.9,zh;q=0.5')).toBe('en')
    expect(preferredLanguage('en')).toBe('en')
    expect(preferredLanguage('fr')).toBe('zh-CN')
    expect(preferredLanguage('zh;q=0.2, en;q=0')).toBe('zh-CN')
  })
})
