-- Public sign-up is limited per client (accounts::register_organisation): each attempt is
-- recorded before it is checked, so a script cannot mint organisations or probe credit codes
-- at will.
CREATE TABLE registration_attempts (
    id     TEXT PRIMARY KEY,
    client TEXT NOT NULL,
    at     BIGINT NOT NULL
);
CREATE INDEX registration_attempts_client_at ON registration_attempts (client, at);
