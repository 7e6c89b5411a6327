-- Portable across SQLite and PostgreSQL (one set of migrations serves both):
-- text ids made by the application, BIGINT epoch milliseconds (UTC), BIGINT fen for money,
-- BIGINT 0/1 for flags. No REAL, NUMERIC, BOOLEAN or TIMESTAMP columns.

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    credit_code TEXT,
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    org_id        TEXT REFERENCES organisations (id),
    password_hash TEXT NOT NULL,
    active        BIGINT NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_attempts (
    id        TEXT PRIMARY KEY,
    username  TEXT NOT NULL,
    at        BIGINT NOT NULL,
    succeeded BIGINT NOT NULL
);
CREATE INDEX login_attempts_username_at ON login_attempts (username, at);

-- Append-only: the application has no UPDATE or DELETE statement for this table.
CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor_id    TEXT,
    actor_label TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
