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
  events: Type.Optional(
    Type.Union(
      [
        Type.Literal('in-process'),
        Type.Literal('listening'),
        Type.Literal('connecting'),
        Type.Literal('reconnecting'),
        Type.Literal('closed'),
      ],
      {
        description:
          'how changes made by other API processes reach this one: in-process (PGlite, one process), or the state of the LISTEN connection on server PostgreSQL (reconnecting: it lost its connection and is coming back by itself)',
      },
    ),
  ),
  wasmMemoryBytes: Type.Optional(
    Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description:
        'the embedded database’s (PGlite) WebAssembly memory in bytes: its high-water mark, since that memory grows and never shrinks; null on server PostgreSQL',
    }),
  ),
})
export type Health = Static<typeof Health>

export const HealthDegraded = Type.Object(
  {
    status: Type.Literal('degraded'),
    driver: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
    message: Type.String({ description: 'what is wrong, for a person (zh-CN, or English by Accept-Language)' }),
    parts: Type.Array(
      Type.Object({
        part: Type.Literal('database'),
        status: Type.Literal('unavailable'),
        reason: Type.String({ description: 'why the part is unavailable, e.g. ECONNREFUSED' }),
      }),
    ),
  },
  {
    description:
      'answered with status 503 while a part the API needs cannot be reached; the API recovers by itself when it is back',
  },
)
export type HealthDegraded = Static<typeof HealthDegraded>
