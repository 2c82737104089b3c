-- Read-only tokens for wall displays, carried in a URL; revocable, optionally scoped to a region.
-- Only the token's sha256 is stored: the token itself is shown once, when it is created.
CREATE TABLE wall_tokens (
  id          bigserial PRIMARY KEY,
  token_hash  text NOT NULL UNIQUE,
  label       text NOT NULL,
  region_code text CHECK (region_code ~ '^[0-9]{12}$'),
  created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
