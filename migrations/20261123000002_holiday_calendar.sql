-- Holiday calendar years added by an admin after release (the shipped years are built in).
-- One row per official notice; `calendar_toml` is the [[year]] table, validated before storing.
CREATE TABLE holiday_years (
    year          BIGINT PRIMARY KEY,
    source        TEXT NOT NULL,
    calendar_toml TEXT NOT NULL,
    added_by      TEXT NOT NULL REFERENCES users (id),
    added_at      BIGINT NOT NULL
);
