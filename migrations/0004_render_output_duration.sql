-- What ffprobe read of a finished render: its duration, in milliseconds (null until completed).

ALTER TABLE render_jobs ADD COLUMN output_duration_ms INTEGER;
