-- The departments that draw grids (2024 guidance list); more can be inserted by an administrator.
CREATE TABLE departments (
  code       text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]{1,30}$'),
  name       text NOT NULL,
  color      text NOT NULL CHECK (color ~ '^#[0-9a-f]{6}$'),
  sort_order integer NOT NULL DEFAULT 100
);
INSERT INTO departments (code, name, color, sort_order) VALUES
  ('party',       '党建',     '#d7263d', 1),
  ('governance',  '综治',     '#1b6ca8', 2),
  ('urban',       '城管',     '#2e9e44', 3),
  ('social',      '社保',     '#f08a24', 4),
  ('emergency',   '应急',     '#8e44ad', 5),
  ('market',      '市场监管', '#16a085', 6),
  ('civil',       '民政',     '#c0392b', 7),
  ('petition',    '信访',     '#7f8c8d', 8),
  ('health',      '卫健',     '#2980b9', 9),
  ('environment', '环保',     '#27ae60', 10);
