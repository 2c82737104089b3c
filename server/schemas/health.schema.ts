import { Type, type Static } from 'typebox'

export const Health = Type.Object({
  status: Type.Literal('ok'),
  driver: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
  postgres: Type.String({ description: 'PostgreSQL server version' }),
  postgis: Type.String({ description: 'PostGIS library version' }),
  migration: Type.Union([Type.String(), Type.Null()], { description: 'latest applied migration' }),
  tileEncoder: Type.Union([Type.Literal('postgis'), Type.Literal('node')], {
    description: 'ST_AsMVT where the database has protobuf support, else the Node encoder',
  }),
})
export type Health = Static<typeof Health>
