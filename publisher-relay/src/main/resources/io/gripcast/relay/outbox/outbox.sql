-- gripcast PostgreSQL outbox for table ${table} (PostgreSQL 12 or later).
-- Idempotent: running it again changes nothing. Print it with `gripcast relay --source outbox
-- --print-migration`, or apply it from Java with Outbox.migrate(connection).
--
-- Application code inserts one row per item, in the same transaction as its business change:
--   INSERT INTO ${table} (item) VALUES ('{"channel":"news","formats":{"ws-message":{"content":"hi"}}}');
-- `item` is one wire item object, the same as one line of `gripcast publish --ndjson`; Java code
-- writes it with io.gripcast.relay.outbox.Outbox. The relay publishes rows in id order, per channel,
-- and deletes each row in the transaction that follows a successful publish.

CREATE TABLE IF NOT EXISTS ${table} (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- computed from the item, so the item and the channel the relay locks and orders by never
  -- disagree; the one place in gripcast's SQL that reads a wire field
  channel    text GENERATED ALWAYS AS (item ->> 'channel') STORED NOT NULL,
  item       jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- rows the relay could not read as an item (not a valid wire item object): moved here, with the
-- reason, so that one bad row does not hold back its channel forever
CREATE TABLE IF NOT EXISTS ${table}_dead (
  id         bigint PRIMARY KEY,
  channel    text,
  item       jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  failed_at  timestamptz NOT NULL DEFAULT now(),
  error      text NOT NULL
);

-- wakes waiting relays (LISTEN ${notify}); once per inserting statement, not per row: the payload
-- carries nothing, a relay reads the table anyway
CREATE OR REPLACE FUNCTION ${table}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${notify}', '');
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS ${trigger} ON ${table};
CREATE TRIGGER ${trigger} AFTER INSERT ON ${table}
  FOR EACH STATEMENT EXECUTE FUNCTION ${table}_notify();
