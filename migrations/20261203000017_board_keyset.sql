-- The public board pages through notices newest first by (published_at, id) and filters by
-- region in SQL. The region is stored with the tender instead of parsed from its spec per row;
-- tenders from before this migration get it filled from their spec at start-up
-- (`tenders::server::fill_regions`: SQLite and PostgreSQL read JSON differently).
ALTER TABLE tenders ADD COLUMN region TEXT NOT NULL DEFAULT '';
CREATE INDEX tenders_board ON tenders (published_at, id);
CREATE INDEX tenders_region ON tenders (region, published_at);
CREATE INDEX tenders_unit_created ON tenders (purchaser_id, created_at);
