-- Sign-in throttling by client as well as by username (accounts::server::sign_in): a third
-- party guessing from its own address locks out only itself, not the officer.
ALTER TABLE login_attempts ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX login_attempts_client_at ON login_attempts (client, at);
