-- countUsers
select count(*) as "n" from "users";

-- deleteExpiredSessions
delete from "sessions" where "expires_at" <= $1;

-- deleteSession
delete from "sessions" where "token_hash" = $1;

-- deleteSessionsOf
delete from "sessions" where "user_id" = $1 and "token_hash" <> $2;

delete from "sessions" where "user_id" = $1;

-- findLiveWallToken
select "id", "label", "region_code" as "regionCode", "created_at" as "createdAt", "revoked_at" as "revokedAt" from "wall_tokens" where "token_hash" = $1 and "revoked_at" is null;

-- findSessionUser
select "u"."id", "u"."username", "u"."display_name" as "displayName", "u"."role", "u"."region_code" as "regionCode", "u"."must_change_password" as "mustChangePassword" from "sessions" as "s" inner join "users" as "u" on "u"."id" = "s"."user_id" where "s"."token_hash" = $1 and "s"."expires_at" > $2 and "u"."is_active" = $3;

-- findUserById
select "id", "username", "display_name" as "displayName", "role", "region_code" as "regionCode", "must_change_password" as "mustChangePassword", "is_active" as "isActive", "created_at" as "createdAt", "updated_at" as "updatedAt" from "users" where "id" = $1;

-- findUserForLogin
select "id", "username", "display_name" as "displayName", "role", "region_code" as "regionCode", "must_change_password" as "mustChangePassword", "is_active" as "isActive", "created_at" as "createdAt", "updated_at" as "updatedAt", "password_hash" as "passwordHash" from "users" where "username" = $1;

-- findWallTokenById
select "id", "label", "region_code" as "regionCode", "created_at" as "createdAt", "revoked_at" as "revokedAt" from "wall_tokens" where "id" = $1;

-- insertSession
insert into "sessions" ("token_hash", "user_id", "expires_at") values ($1, $2, $3);

-- insertUser
insert into "users" ("username", "display_name", "role", "region_code", "password_hash", "must_change_password") values ($1, $2, $3, $4, $5, $6) on conflict ("username") do nothing returning "id";

-- insertWallToken
insert into "wall_tokens" ("token_hash", "label", "region_code", "created_by") values ($1, $2, $3, $4) returning "id";

-- listUsers
select "id", "username", "display_name" as "displayName", "role", "region_code" as "regionCode", "must_change_password" as "mustChangePassword", "is_active" as "isActive", "created_at" as "createdAt", "updated_at" as "updatedAt" from "users" order by "id";

-- listWallTokens
select "id", "label", "region_code" as "regionCode", "created_at" as "createdAt", "revoked_at" as "revokedAt" from "wall_tokens" order by "id";

-- revokeWallToken
update "wall_tokens" set "revoked_at" = $1 where "id" = $2 and "revoked_at" is null;

-- updateUser
update "users" set "password_hash" = $1, "must_change_password" = $2, "updated_at" = $3 where "id" = $4;

update "users" set "role" = $1, "region_code" = $2, "is_active" = $3, "updated_at" = $4 where "id" = $5;
