// Wire contracts for signing in, accounts, wall tokens and the audit log.
import { Type, type Static } from 'typebox'

export const Role = Type.Union(
  [Type.Literal('admin'), Type.Literal('street'), Type.Literal('community'), Type.Literal('viewer')],
  { description: 'admin 区/市管理员 · street 街道 · community 社区 · viewer 只读' },
)
const RegionCode = Type.String({ pattern: '^[0-9]{12}$', description: '12-digit region code' })
const Username = Type.String({ pattern: '^[A-Za-z0-9_.@-]{1,64}$' })
const Password = Type.String({ minLength: 1, maxLength: 1024 })

export const LoginRequest = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Password })
export type LoginRequest = Static<typeof LoginRequest>

/** What the web offers as a button of its own: each is a route of the access table (access.ts). */
export const Action = Type.Union([Type.Literal('print-grid-map'), Type.Literal('print-community-map')])
export type Action = Static<typeof Action>

export const Me = Type.Object({
  kind: Type.Union([Type.Literal('user'), Type.Literal('wall')]),
  id: Type.Integer(),
  username: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  role: Role,
  scope: Type.Object({ regionCode: Type.Union([RegionCode, Type.Null()]) }),
  mustChangePassword: Type.Boolean(),
  csrfToken: Type.Union([Type.String(), Type.Null()], {
    description: 'send it as X-CSRF-Token with every POST, PATCH, PUT and DELETE (null for a wall token)',
  }),
  actions: Type.Array(Action, {
    description: "the actions the web offers that this caller may take, decided by the server's access table",
  }),
})
export type Me = Static<typeof Me>

export const MeQuery = Type.Object({
  wall: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'a wall token: signs this browser in read-only' }),
  ),
})

export const ChangePasswordRequest = Type.Object({ currentPassword: Password, newPassword: Password })

export const User = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.Union([Type.String(), Type.Null()]),
  role: Role,
  regionCode: Type.Union([Type.String(), Type.Null()]),
  mustChangePassword: Type.Boolean(),
  isActive: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type User = Static<typeof User>
export const UserList = Type.Object({ users: Type.Array(User) })

export const CreateUserRequest = Type.Object({
  username: Username,
  displayName: Type.Optional(Type.String({ maxLength: 100 })),
  role: Role,
  regionCode: Type.Optional(Type.Union([RegionCode, Type.Null()])),
  password: Password,
})

export const UpdateUserRequest = Type.Object(
  {
    displayName: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    role: Type.Optional(Role),
    regionCode: Type.Optional(Type.Union([RegionCode, Type.Null()])),
    isActive: Type.Optional(Type.Boolean()),
    password: Type.Optional(Password),
  },
  { minProperties: 1 },
)

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) })

export const WallToken = Type.Object({
  id: Type.Integer(),
  label: Type.String(),
  regionCode: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})
export const NewWallToken = Type.Intersect([
  WallToken,
  Type.Object({ token: Type.String({ description: 'shown once: open /?wall=TOKEN on the wall display' }) }),
])
export const WallTokenList = Type.Object({ tokens: Type.Array(WallToken) })
export const CreateWallTokenRequest = Type.Object({
  label: Type.String({ minLength: 1, maxLength: 100 }),
  regionCode: Type.Optional(Type.Union([RegionCode, Type.Null()])),
})

export const AuditQuery = Type.Object({
  entity: Type.Optional(Type.String({ maxLength: 50 })),
  entityId: Type.Optional(Type.String({ maxLength: 50 })),
  actor: Type.Optional(Type.String({ maxLength: 100 })),
  action: Type.Optional(Type.String({ maxLength: 50 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
})
export const AuditList = Type.Object({
  entries: Type.Array(
    Type.Object({
      id: Type.Integer(),
      at: Type.String({ format: 'date-time' }),
      actor: Type.String(),
      action: Type.String(),
      entity: Type.String(),
      entityId: Type.Union([Type.String(), Type.Null()]),
      details: Type.Unknown(),
    }),
  ),
  total: Type.Integer(),
})
