// Loads the generated demo district into an empty database, atomically: one transaction, so a
// failure leaves the database as it was. The server calls it at first start; tests and the
// benchmark call it to build their databases.
import type { Kysely } from 'kysely'
import { type DemoRealism, generateDistrict } from '../../../data/district/index.ts'
import { generateRoadNetwork } from '../../../data/district/roads.ts'
import * as demo from '../../db/repositories/demo.repository.ts'
import { insertRoadNetwork } from '../../db/repositories/siting.repository.ts'
import type { Tables } from '../../db/tables.ts'
import { refreshStatistics } from '../../db/statistics.ts'

export interface DemoLoadReport {
  counts: Record<string, number>
  ms: number
}

export const hasAnyRegion = (db: Kysely<Tables>) => demo.hasAnyRegion(db)

export async function loadDemoDistrict(
  db: Kysely<Tables>,
  options: { seed: number; scale: number; realism?: DemoRealism },
): Promise<DemoLoadReport> {
  const started = performance.now()
  const district = generateDistrict(options)
  const roads = generateRoadNetwork(options)
  const counts: Record<string, number> = {
    regions: district.regions.length,
    grids: district.gridLayers.reduce((sum, l) => sum + l.grids.length, 0),
    ...Object.fromEntries(district.gridLayers.map((l) => [`grids.${l.department}`, l.grids.length])),
    gridStaff: district.gridLayers.reduce((sum, l) => sum + l.grids.reduce((s, g) => s + g.staff.length, 0), 0),
    populationPoints: district.population.length,
    partyOrgs: district.partyOrgs.length,
    units: district.units.length,
    serviceCenters: district.serviceCenters.length,
    roadEdges: roads.length,
  }
  await db.transaction().execute(async (trx) => {
    const runId = await demo.startImportRun(trx)
    await demo.insertRegions(trx, district.regions)
    await demo.insertPopulation(trx, district.population)
    const withHouseholds: number[] = []
    for (const layer of district.gridLayers) {
      const layerId = await demo.insertGridLayer(trx, layer, runId)
      if (layer.hasHouseholds) withHouseholds.push(layerId)
    }
    await demo.countGridPopulation(trx, withHouseholds)
    await demo.insertPartyOrgs(trx, district.partyOrgs)
    await demo.insertUnits(trx, district.units)
    await demo.insertServiceCenters(trx, district.serviceCenters)
    await insertRoadNetwork(trx, { name: '演示路网', source: 'demo' }, roads)
    await demo.finishImportRun(trx, runId, counts)
  })
  await refreshStatistics(db, demo.districtTables)
  return { counts, ms: Math.round(performance.now() - started) }
}
