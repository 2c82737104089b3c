// GeoPackage: the first feature table, read in memory with sql.js.
import initSqlJs, { type SqlJsStatic } from 'sql.js'
import { say } from './messages.ts'
import { acceptedFrames, parseCrs } from './crs.ts'
import { readGeoPackageBlob } from '../../db/wkb.ts'
import { type ParseLimits, ParseBudget } from './parse-limits.ts'
import { Pace } from './pace.ts'
import { type ImportFile, type ParsedFeature, type ParsedLayer, fail } from './import-formats-common.ts'

let sqlite: Promise<SqlJsStatic> | undefined

/** The first feature table of a GeoPackage (SQLite, read in memory with sql.js). */
export async function parseGeoPackage(file: ImportFile, limits: ParseLimits): Promise<ParsedLayer> {
  const SQL = await (sqlite ??= initSqlJs())
  let database
  try {
    database = new SQL.Database(file.data)
  } catch (error) {
    return fail(
      file.name,
      say(
        `无法读取的 GeoPackage：${(error as Error).message}`,
        `not a readable GeoPackage: ${(error as Error).message}`,
      ),
    )
  }
  try {
    let tables
    try {
      tables = database.exec(`SELECT c.table_name, g.column_name, g.srs_id, s.organization, s.organization_coordsys_id
        FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
        LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
        WHERE c.data_type = 'features' ORDER BY c.table_name`)
    } catch (error) {
      return fail(
        file.name,
        say(
          `不是 GeoPackage（没有 gpkg_contents / gpkg_geometry_columns）：${(error as Error).message}`,
          `not a GeoPackage (no gpkg_contents / gpkg_geometry_columns): ${(error as Error).message}`,
        ),
      )
    }
    const first = tables[0]?.values[0]
    if (!first) return fail(file.name, say('GeoPackage 中没有要素表', 'the GeoPackage holds no feature table'))
    const [table, geometryColumn, , organization, coordsysId] = first as [
      string,
      string,
      number,
      string | null,
      number | null,
    ]
    const crs =
      organization?.toUpperCase() === 'EPSG' && coordsysId !== null ? parseCrs(`EPSG:${coordsysId}`) : undefined
    if (!crs)
      fail(
        `${file.name}/${table}`,
        say(
          `不认识的坐标系 ${organization ?? '?'}:${coordsysId ?? '?'}，可用：${acceptedFrames}`,
          `unknown coordinate reference system ${organization ?? '?'}:${coordsysId ?? '?'}: use ${acceptedFrames}`,
        ),
        'srs_id',
      )
    // identifiers come from the file's own catalogue, quoted as SQLite wants
    const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`
    const budget = new ParseBudget(`${file.name}/${table}`, limits)
    budget.refuseFeatureCount(Number(database.exec(`SELECT count(*) FROM ${quote(table)}`)[0]?.values[0]?.[0] ?? 0))
    const statement = database.prepare(`SELECT * FROM ${quote(table)}`)
    const features: ParsedFeature[] = []
    try {
      const pace = new Pace()
      for (let index = 0; statement.step(); index++) {
        await pace.step()
        const row = statement.getAsObject()
        const blob = row[geometryColumn]
        let geometry: ParsedFeature['geometry'] = null
        if (blob instanceof Uint8Array) {
          try {
            geometry = readGeoPackageBlob(blob).geometry
          } catch (error) {
            fail(`${file.name}/${table}`, (error as Error).message, geometryColumn, index)
          }
        }
        const { [geometryColumn]: _geometry, ...properties } = row
        budget.addFeature(index, geometry)
        features.push({ index, geometry, properties })
      }
    } finally {
      statement.free()
    }
    return { file: `${file.name}/${table}`, format: 'geopackage', features, crs }
  } finally {
    database.close()
  }
}
