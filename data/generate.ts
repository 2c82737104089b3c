// npm run generate -- --scale N --seed S --out DIR: writes the demo district as GeoJSON files, one
// per layer, to look at in a GIS or to feed the importer. With --raw the grid layers are written as
// departments send them: their own running number (OBJECTID), no grid code, no community code.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import { generateDistrict } from './district/index.ts'
import { rawGridProperties } from './district/raw-files.ts'

function usage(message: string): never {
  console.error(
    `${message}\nusage: npm run generate -- [--scale 1-100] [--seed N] [--realism clean|real] [--raw] --out DIR`,
  )
  process.exit(2)
}

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '20241' },
    realism: { type: 'string', default: 'clean' },
    raw: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
})
const scale = Number(values.scale)
const seed = Number(values.seed)
if (!Number.isInteger(scale) || scale < 1 || scale > 100)
  usage(`--scale must be a whole number from 1 to 100, got "${values.scale}"`)
if (!Number.isInteger(seed) || seed < 0) usage(`--seed must be a whole number, got "${values.seed}"`)
if (values.realism !== 'clean' && values.realism !== 'real')
  usage(`--realism must be clean or real, got "${values.realism}"`)
if (!values.out) usage('--out is required')
const out = path.resolve(values.out)

const started = performance.now()
const district = generateDistrict({ seed, scale, realism: values.realism })
const point = (lon: number, lat: number): Geometry => ({ type: 'Point', coordinates: [lon, lat] })
const collection = (features: Feature[]): FeatureCollection => ({ type: 'FeatureCollection', features })
const files: Record<string, FeatureCollection> = {
  'regions-community.geojson': collection(
    district.regions
      .filter((r) => r.boundary)
      .map(({ boundary, ...properties }) => ({ type: 'Feature', geometry: boundary!, properties })),
  ),
  ...Object.fromEntries(
    district.gridLayers.map((layer) => [
      `grids-${layer.department}.geojson`,
      collection(
        layer.grids.map((grid, index) => ({
          type: 'Feature',
          geometry: grid.boundary,
          properties: values.raw
            ? rawGridProperties(grid, index)
            : (({ boundary: _boundary, staff, attributes, ...properties }) => ({
                ...properties,
                ...attributes,
                chiefPhone: staff[0]?.phone,
              }))(grid),
        })),
      ),
    ]),
  ),
  'population.geojson': collection(
    district.population.map(({ lon, lat, ...properties }) => ({
      type: 'Feature',
      geometry: point(lon, lat),
      properties,
    })),
  ),
  'party-orgs.geojson': collection(
    district.partyOrgs.map(({ lon, lat, ...properties }) => ({
      type: 'Feature',
      geometry: point(lon, lat),
      properties,
    })),
  ),
  'units.geojson': collection(
    district.units.map(({ lon, lat, coverage, ...properties }) => ({
      type: 'Feature',
      geometry: point(lon, lat),
      properties: { ...properties, coverage: coverage?.mode ?? 'none', coveringOrg: coverage?.orgCode ?? null },
    })),
  ),
  'service-centers.geojson': collection(
    district.serviceCenters.map(({ lon, lat, ...properties }) => ({
      type: 'Feature',
      geometry: point(lon, lat),
      properties,
    })),
  ),
}
mkdirSync(out, { recursive: true })
for (const [name, content] of Object.entries(files)) writeFileSync(path.join(out, name), JSON.stringify(content))
console.log(`district of seed ${seed} at scale ${scale} in ${Math.round(performance.now() - started)} ms → ${out}`)
for (const [name, content] of Object.entries(files))
  console.log(`  ${name.padEnd(28)} ${content.features.length} features`)
