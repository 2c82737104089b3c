-- People on a grid. Phone numbers are personal data: the API masks them for roles that don't need them.
CREATE TABLE grid_staff (
  id      bigserial PRIMARY KEY,
  grid_id bigint NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
  role    text NOT NULL CHECK (role IN ('chief', 'full_time', 'part_time', 'instructor')),
  name    text NOT NULL,
  phone   text CHECK (phone ~ '^[0-9+ -]{5,20}$')
);
CREATE INDEX grid_staff_grid_idx ON grid_staff (grid_id);
