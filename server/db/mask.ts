// The one rule for hiding personal data (phone numbers, names): keep at most 3 characters at the
// front and 4 at the end, and always hide at least 3 in the middle (everything when 4 or fewer):
// 123456 → 1****6, 13812345678 → 138****5678, 张三 → **. maskSql is the same rule in SQL for tiles;
// a test holds the two to the same answers for lengths 1–20.
import { type RawBuilder, sql } from 'kysely'

export const maskKeepFront = 3
export const maskKeepBack = 4
export const maskHideAtLeast = 3

function kept(length: number): { front: number; back: number } {
  const each = Math.max(0, Math.floor((length - maskHideAtLeast) / 2))
  return { front: Math.min(maskKeepFront, each), back: Math.min(maskKeepBack, each) }
}

export function maskPersonal(value: string): string
export function maskPersonal(value: string | null): string | null
export function maskPersonal(value: string | null): string | null {
  if (value === null) return null
  const chars = Array.from(value)
  const { front, back } = kept(chars.length)
  return (
    chars.slice(0, front).join('') + '*'.repeat(chars.length - front - back) + chars.slice(chars.length - back).join('')
  )
}

/** maskPersonal in SQL, for a text expression (NULL stays NULL). */
export function maskSql(value: RawBuilder<unknown>): RawBuilder<string | null> {
  const each = sql`greatest(0, (char_length(${value}) - ${maskHideAtLeast}::int) / 2)`
  const front = sql`least(${maskKeepFront}::int, ${each})`
  const back = sql`least(${maskKeepBack}::int, ${each})`
  return sql<
    string | null
  >`(left(${value}, ${front}) || repeat('*', char_length(${value}) - ${front} - ${back}) || right(${value}, ${back}))`
}
