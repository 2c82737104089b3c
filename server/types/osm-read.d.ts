// osm-read ships no types; this is the part of its callback API the OSM reader uses.
declare module 'osm-read' {
  export interface OsmReadNode {
    id: string
    lat: number
    lon: number
    tags: Record<string, string>
  }
  export interface OsmReadWay {
    id: string
    nodeRefs: string[]
    tags: Record<string, string>
  }
  export interface OsmReadOptions {
    filePath: string
    format?: 'xml' | 'pbf'
    node?: (node: OsmReadNode) => void
    way?: (way: OsmReadWay) => void
    relation?: (relation: unknown) => void
    endDocument?: () => void
    error?: (message: unknown) => void
  }
  export function parse(options: OsmReadOptions): unknown
  const osmRead: { parse: typeof parse }
  export default osmRead
}
