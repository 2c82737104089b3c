// Every text the user reads, in zh-CN, composed from one file a feature (zh-CN/*.ts). English
// (en.ts, en/*.ts) has the same shape: Messages is the type it must satisfy.
import { app, groups, panel, nav, kpi, print, marks, mapControls } from './zh-CN/shell.ts'
import { place, figures, placeFigures } from './zh-CN/place.ts'
import { gridPlace } from './zh-CN/grid-place.ts'
import { search } from './zh-CN/search.ts'
import { party } from './zh-CN/party.ts'
import { merge } from './zh-CN/merge.ts'
import { siting } from './zh-CN/siting.ts'
import { imports } from './zh-CN/imports.ts'
import { properties, values } from './zh-CN/properties.ts'

export const zhCN = {
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
}

export type Messages = typeof zhCN
