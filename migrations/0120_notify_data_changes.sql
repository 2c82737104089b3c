-- Every logged data change is announced on the channel data_changes with its id, at commit, so that
-- every API process on one server PostgreSQL hears of a change another process (or a command-line
-- import) made: each reads the row, drops its own caches and tells its open pages. PGlite runs in
-- one process and announces changes in memory; the NOTIFY there reaches no one and costs nothing.
CREATE FUNCTION notify_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('data_changes', NEW.id::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER data_changes_notify
  AFTER INSERT ON data_changes
  FOR EACH ROW EXECUTE FUNCTION notify_data_change();
