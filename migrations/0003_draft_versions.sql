-- Every saved draft of a session, numbered 1, 2, ... per session, for undo.

CREATE TABLE draft_versions (
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  version    INTEGER NOT NULL,
  draft      TEXT NOT NULL,
  reason     TEXT,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (session_id, version)
);
