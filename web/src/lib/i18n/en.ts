// Every text the user reads, in English, composed from one file a feature (en/*.ts) in the shape of
// zh-CN.ts: a key missing here (or one too many) fails the typecheck.
import type { Messages } from './zh-CN.ts'
import { app, groups, panel, nav, kpi, print, marks, mapControls } from './en/shell.ts'
import { place, figures, placeFigures } from './en/place.ts'
import { gridPlace } from './en/grid-place.ts'
import { search } from './en/search.ts'
import { party } from './en/party.ts'
import { merge } from './en/merge.ts'
import { siting } from './en/siting.ts'
import { imports } from './en/imports.ts'
import { properties, values } from './en/properties.ts'

export const en = {
  app,
  groups,
  panel,
  nav,
  party,
  place,
  gridPlace,
  figures,
  search,
  merge,
  siting,
  imports,
  kpi,
  properties,
  values,
  print,
  placeFigures,
  marks,
  mapControls,
} satisfies Messages
