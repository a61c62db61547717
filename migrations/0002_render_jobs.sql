-- Render jobs. No foreign key to sessions: a job (and its output) outlives its session.

CREATE TABLE render_jobs (
  id            TEXT PRIMARY KEY,
  session_id    TEXT NOT NULL,
  backend       TEXT NOT NULL,
  state         TEXT NOT NULL,
  progress      REAL NOT NULL DEFAULT 0,
  draft         TEXT NOT NULL,
  options       TEXT NOT NULL DEFAULT '{}',
  dest          TEXT,
  output_url    TEXT,
  output_path   TEXT,
  output_size   INTEGER,
  output_sha256 TEXT,
  error         TEXT,
  attempts      INTEGER NOT NULL DEFAULT 0,
  created_ms    INTEGER NOT NULL,
  updated_ms    INTEGER NOT NULL,
  submitted_ms  INTEGER,
  finished_ms   INTEGER
);

CREATE INDEX render_jobs_state ON render_jobs (state);
CREATE INDEX render_jobs_created ON render_jobs (created_ms);
