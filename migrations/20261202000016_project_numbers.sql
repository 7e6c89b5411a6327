-- Project numbers (项目编号): a tender is quoted by its purchaser region, year and running
-- number (320508-2026-0007), not by its 32-character internal id.
ALTER TABLE tenders ADD COLUMN project_no TEXT;
CREATE UNIQUE INDEX tenders_project_no ON tenders (project_no);

-- The last number drawn in each region's year; drawing one is a single atomic upsert, so two
-- officers creating tenders at once never get the same number.
CREATE TABLE project_number_series (
    series   TEXT PRIMARY KEY,
    last_seq BIGINT NOT NULL
);

-- Tenders from before numbering existed keep a number made from their id: unique, stable, and
-- recognisably older.
UPDATE tenders SET project_no = 'T-' || upper(substr(id, 1, 12)) WHERE project_no IS NULL;
