// Wire types, borrowed from the server's TypeBox contracts: the web imports types only.
export type {
  LayerInfo,
  LayerStyle,
  LayerCatalog,
  FeatureCollection,
  Basemap,
} from '../../../../server/schemas/layers.schema.ts'
export type {
  Region,
  RegionList,
  RegionDetail,
  RegionGrid,
  RegionGridFigures,
  RegionGridList,
  RegionGridsQuery,
} from '../../../../server/schemas/regions.schema.ts'
export type {
  GridPlace,
  PlaceFigures,
  PlaceList,
  PlaceListName,
  PlaceListQuery,
} from '../../../../server/schemas/place.schema.ts'
export type { Summary } from '../../../../server/schemas/summary.schema.ts'
export type { SearchHit, SearchKind, SearchResult } from '../../../../server/schemas/search.schema.ts'
export type { LocalizedText, ErrorBody } from '../../../../server/schemas/common.schema.ts'
export type {
  MergeDefaults,
  MergeRun,
  MergeIssueList,
  MergeIssuesQuery,
  MergeRequest,
  MergeVocabulary,
} from '../../../../server/schemas/merge.schema.ts'
export type { ImportResult, ImportReportItem } from '../../../../server/schemas/imports.schema.ts'
export type {
  PartyCoverage,
  PartyFindings,
  PartyFindingsQuery,
  PartyRule,
  PartyOrgProfile,
  PartyVocabulary,
  UnitProfile,
} from '../../../../server/schemas/party.schema.ts'
