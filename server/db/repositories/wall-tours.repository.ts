// Wall tours: the playlists wall displays step through.
import type { Kysely } from 'kysely'
import type { Tables } from '../tables.ts'
import type { TourStep } from '../../schemas/wall.schema.ts'

export interface TourRow {
  id: number
  name: string
  steps: TourStep[]
  updatedAt: Date
}

const columns = ['id', 'name', 'steps', 'updated_at as updatedAt'] as const

export async function findTours(db: Kysely<Tables>): Promise<TourRow[]> {
  return (await db.selectFrom('wall_tours').select(columns).orderBy('id').execute()) as TourRow[]
}

export async function findTour(db: Kysely<Tables>, id: number): Promise<TourRow | undefined> {
  return (await db.selectFrom('wall_tours').select(columns).where('id', '=', id).executeTakeFirst()) as
    TourRow | undefined
}

export async function insertTour(
  db: Kysely<Tables>,
  tour: { name: string; steps: TourStep[]; createdBy: number | null },
): Promise<number> {
  const row = await db
    .insertInto('wall_tours')
    .values({ name: tour.name, steps: JSON.stringify(tour.steps), created_by: tour.createdBy })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function updateTour(
  db: Kysely<Tables>,
  id: number,
  tour: { name: string; steps: TourStep[] },
): Promise<boolean> {
  const result = await db
    .updateTable('wall_tours')
    .set({ name: tour.name, steps: JSON.stringify(tour.steps), updated_at: new Date() })
    .where('id', '=', id)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export async function deleteTour(db: Kysely<Tables>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('wall_tours').where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** Which of these region codes exist. */
export async function findExistingRegions(db: Kysely<Tables>, codes: string[]): Promise<string[]> {
  if (codes.length === 0) return []
  const rows = await db.selectFrom('regions').select('code').where('code', 'in', codes).execute()
  return rows.map((r) => r.code)
}
