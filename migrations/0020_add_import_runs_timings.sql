-- How long each phase of an import took, in milliseconds: reading the file (parse), checking every
-- feature (check) and storing it (store); null for a phase the run did not reach (a dry run stores
-- nothing, a refused file is not stored).
ALTER TABLE import_runs ADD COLUMN timings jsonb NOT NULL DEFAULT '{"parseMs": null, "checkMs": null, "storeMs": null}';
