-- Settings, sessions, their media and the persisted event log.

CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
);

CREATE TABLE sessions (
  id                  TEXT PRIMARY KEY,
  backend             TEXT NOT NULL,
  title               TEXT,
  language            TEXT,
  upstream_session_id TEXT,
  upstream_task_id    TEXT,
  draft               TEXT,
  meta                TEXT NOT NULL DEFAULT '{}',
  created_ms          INTEGER NOT NULL,
  updated_ms          INTEGER NOT NULL
);

CREATE INDEX sessions_created ON sessions (created_ms);

CREATE TABLE media (
  id           TEXT PRIMARY KEY,
  session_id   TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL,
  mime         TEXT,
  size         INTEGER NOT NULL,
  sha256       TEXT,
  path         TEXT,
  upstream_ref TEXT,
  meta         TEXT NOT NULL DEFAULT '{}',
  created_ms   INTEGER NOT NULL
);

-- Also serves the foreign key: deleting a session finds its media without a scan.
CREATE INDEX media_session ON media (session_id, created_ms);

CREATE TABLE events (
  topic TEXT NOT NULL,
  seq   INTEGER NOT NULL,
  name  TEXT NOT NULL,
  data  TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  PRIMARY KEY (topic, seq)
) WITHOUT ROWID;
