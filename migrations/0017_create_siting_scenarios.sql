-- Saved siting scenarios for 党群服务中心: parameters, candidates, chosen sites, coverage before/after.
CREATE TABLE siting_scenarios (
  id             bigserial PRIMARY KEY,
  name           text NOT NULL,
  region_code    text REFERENCES regions (code),
  solver         text NOT NULL CHECK (solver IN ('greedy', 'exact', 'both')),
  params         jsonb NOT NULL DEFAULT '{}',
  candidates     jsonb NOT NULL DEFAULT '[]',
  chosen         jsonb NOT NULL DEFAULT '[]',
  covered_before bigint CHECK (covered_before >= 0),
  covered_after  bigint CHECK (covered_after >= 0),
  optimality_gap double precision CHECK (optimality_gap >= 0),
  runtime_ms     double precision CHECK (runtime_ms >= 0),
  created_at     timestamptz NOT NULL DEFAULT now()
);
