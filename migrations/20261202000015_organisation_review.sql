-- Self-registered organisations wait for the platform's review before they may bid
-- (domain::registration). Organisations that exist already were created by the console or the
-- demo seed and count as approved.
ALTER TABLE organisations ADD COLUMN standing TEXT NOT NULL DEFAULT 'approved';
ALTER TABLE organisations ADD COLUMN review_reason TEXT;
ALTER TABLE organisations ADD COLUMN reviewed_at BIGINT;
CREATE INDEX organisations_standing ON organisations (standing, created_at);
