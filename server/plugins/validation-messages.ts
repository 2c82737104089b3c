// A request the schema refuses, said to a person: which part of the request, which field, and what it
// must be, in zh-CN (the default) or English. Ajv's own words ("body/k must be >= 1") stay in the logs.
import type { LocalizedText } from '../errors.ts'

/** One Ajv error as Fastify hands it over (error.validation). */
export interface SchemaFault {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  message?: string
}

const parts: Record<string, LocalizedText> = {
  body: { 'zh-CN': '请求体', en: 'body' },
  querystring: { 'zh-CN': '查询参数', en: 'query' },
  params: { 'zh-CN': '路径参数', en: 'path' },
  headers: { 'zh-CN': '请求头', en: 'headers' },
}

const typeNames: Record<string, LocalizedText> = {
  integer: { 'zh-CN': '整数', en: 'an integer' },
  number: { 'zh-CN': '数字', en: 'a number' },
  string: { 'zh-CN': '文本', en: 'text' },
  boolean: { 'zh-CN': 'true 或 false', en: 'true or false' },
  array: { 'zh-CN': '列表', en: 'a list' },
  object: { 'zh-CN': '对象', en: 'an object' },
  null: { 'zh-CN': '空值', en: 'null' },
}

const quoted = (value: unknown) => JSON.stringify(value)

/** What the value must be, by the rule it broke. */
function rule(fault: SchemaFault, language: keyof LocalizedText): string {
  const p = fault.params
  const zh = language === 'zh-CN'
  const n = (value: unknown) =>
    typeof value === 'number' ? value.toLocaleString(zh ? 'zh-CN' : 'en-US') : String(value)
  switch (fault.keyword) {
    case 'required':
      return zh ? '不能缺少' : 'is required'
    case 'additionalProperties':
      return zh ? '不是可接受的字段' : 'is not an accepted field'
    case 'type': {
      const names = String(p.type)
        .split(',')
        .map((t) => typeNames[t]?.[language] ?? t)
      return zh ? `须为${names.join('或')}` : `must be ${names.join(' or ')}`
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const words: Record<string, [string, string]> = {
        '>=': ['不小于', 'at least'],
        '>': ['大于', 'more than'],
        '<=': ['不大于', 'at most'],
        '<': ['小于', 'less than'],
      }
      const [zhWord, enWord] = words[String(p.comparison)] ?? [String(p.comparison), String(p.comparison)]
      return zh ? `须${zhWord} ${n(p.limit)}` : `must be ${enWord} ${n(p.limit)}`
    }
    case 'minLength':
      return zh ? `至少 ${n(p.limit)} 个字符` : `must have at least ${n(p.limit)} characters`
    case 'maxLength':
      return zh ? `至多 ${n(p.limit)} 个字符` : `must have at most ${n(p.limit)} characters`
    case 'minItems':
      return zh ? `至少 ${n(p.limit)} 项` : `must have at least ${n(p.limit)} items`
    case 'maxItems':
      return zh ? `至多 ${n(p.limit)} 项` : `must have at most ${n(p.limit)} items`
    case 'pattern':
      return zh ? `格式不符（须匹配 ${String(p.pattern)}）` : `must match ${String(p.pattern)}`
    case 'format':
      return zh ? `须为 ${String(p.format)} 格式` : `must be in the ${String(p.format)} format`
    case 'enum':
      return zh
        ? `须为 ${(p.allowedValues as unknown[]).map(quoted).join('、')} 之一`
        : `must be one of ${(p.allowedValues as unknown[]).map(quoted).join(', ')}`
    case 'const':
      return zh ? `须为 ${quoted(p.allowedValue)}` : `must be ${quoted(p.allowedValue)}`
    case 'anyOf':
    case 'oneOf':
      return zh ? '不符合任何一种可接受的形式' : 'matches none of the accepted forms'
    default:
      return zh ? `不符合要求（${fault.keyword}）` : `is not valid (${fault.keyword})`
  }
}

/** The field a fault names, as a dotted path ("k", "steps.0.dwell"); '' for the part as a whole. */
export function faultField(fault: SchemaFault): string {
  const path = fault.instancePath.replace(/^\//, '').replace(/\//g, '.')
  const named =
    fault.keyword === 'required'
      ? fault.params.missingProperty
      : fault.keyword === 'additionalProperties'
        ? fault.params.additionalProperty
        : undefined
  return [path, named].filter((s) => typeof s === 'string' && s !== '').join('.')
}

/**
 * One sentence per field, in the language asked for: a field offered several literal values (a
 * TypeBox union) says them all once rather than one "must be" per value and an "anyOf".
 */
export function describeSchemaFaults(
  faults: SchemaFault[],
  context: string | undefined,
  language: keyof LocalizedText,
): string {
  const zh = language === 'zh-CN'
  const part = parts[context ?? '']?.[language] ?? context ?? (zh ? '请求' : 'request')
  const byField = new Map<string, SchemaFault[]>()
  for (const fault of faults) byField.set(faultField(fault), [...(byField.get(faultField(fault)) ?? []), fault])
  const sentences = [...byField].map(([field, own]) => {
    const consts = own.filter((f) => f.keyword === 'const').map((f) => f.params.allowedValue)
    const rules =
      consts.length > 1
        ? [zh ? `须为 ${consts.map(quoted).join('、')} 之一` : `must be one of ${consts.map(quoted).join(', ')}`]
        : [
            ...new Set(
              // an anyOf said beside the errors of its branches adds nothing to them
              own
                .filter((f) => own.length === 1 || (f.keyword !== 'anyOf' && f.keyword !== 'oneOf'))
                .map((f) => rule(f, language)),
            ),
          ]
    const text = rules.join(zh ? '，' : ', ')
    if (zh) return field ? `${part}字段“${field}”${text}` : `${part}${text}`
    return field ? `field "${field}" ${text}` : text
  })
  return zh ? `请求有误：${sentences.join('；')}` : `Invalid ${part}: ${sentences.join('; ')}`
}
