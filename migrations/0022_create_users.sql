-- Local accounts. role: admin (区/市, everything), street (街道, its street), community (社区, its
-- community), viewer (read-only, optionally scoped). region_code is the 12-digit scope; NULL = all.
-- password_hash holds the algorithm, its parameters and the salt with the hash (scrypt$N$r$p$salt$hash).
CREATE TABLE users (
  id                   bigserial PRIMARY KEY,
  username             text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.@-]{1,64}$'),
  display_name         text,
  role                 text NOT NULL CHECK (role IN ('admin', 'street', 'community', 'viewer')),
  region_code          text CHECK (region_code ~ '^[0-9]{12}$'),
  password_hash        text NOT NULL,
  must_change_password boolean NOT NULL DEFAULT false,
  is_active            boolean NOT NULL DEFAULT true,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CHECK (role NOT IN ('street', 'community') OR region_code IS NOT NULL)
);
