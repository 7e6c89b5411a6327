-- Templates derived by officers (the shipped ones are built in). Stored as validated TOML.
CREATE TABLE scheme_templates (
    id            TEXT PRIMARY KEY,
    derived_from  TEXT,
    template_toml TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL
);
