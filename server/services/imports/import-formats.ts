// Reading uploaded files into features: GeoJSON, CSV with a WKT column, zipped Shapefiles
// (attributes in UTF-8 or GBK, detected when no .cpg says) and GeoPackage, one reader a format
// (import-formats-<format>.ts) and what they share in import-formats-common.ts. Errors name the file,
// the feature index and the field at fault. Pure: no database.
import { say } from './messages.ts'
import { type ParseLimits, parseLimitsOf } from './parse-limits.ts'
import { type ImportFile, type ParsedLayer, fail } from './import-formats-common.ts'
import { readGeoJson } from './geojson-reader.ts'
import { parseCsv } from './import-formats-csv.ts'
import { parseShapefileZip } from './import-formats-shapefile.ts'
import { parseGeoPackage } from './import-formats-geopackage.ts'

export type { ImportFile, ImportFormat, ParsedFeature, ParsedLayer } from './import-formats-common.ts'
export { decodeText } from './import-formats-common.ts'
export { parseCsvRows, parseWkt } from './import-formats-csv.ts'
export { zipLimits } from './import-formats-shapefile.ts'

/** Reads an upload into features, refusing it (413) once it passes a cap of `limits`. */
export async function parseUpload(
  file: ImportFile,
  limits: ParseLimits = parseLimitsOf(),
  options: { crsGiven?: boolean } = {},
): Promise<ParsedLayer> {
  const name = file.name.toLowerCase()
  if (name.endsWith('.geojson') || name.endsWith('.json')) return readGeoJson(file, limits)
  if (name.endsWith('.csv')) return parseCsv(file, limits)
  if (name.endsWith('.zip')) return parseShapefileZip(file, limits, options.crsGiven ?? false)
  if (name.endsWith('.gpkg')) return parseGeoPackage(file, limits)
  return fail(
    file.name,
    say(
      '不支持的文件类型：请上传 .geojson、.json、.csv（含 WKT 列）、压缩的 Shapefile（.zip）或 GeoPackage（.gpkg）',
      'unsupported file type: upload .geojson, .json, .csv (with a WKT column), a zipped Shapefile (.zip) or a GeoPackage (.gpkg)',
    ),
  )
}
