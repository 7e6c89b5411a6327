-- Purchaser units (采购人单位): officers belong to one, a tender belongs to one, and only that
-- unit's officers act on it. Supervisors (auditors) belong to a unit too; they read what lies
-- within their unit's region. Levels and region codes follow GB/T 2260 / GB/T 10114
-- (`domain::region`).

CREATE TABLE purchasers (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    credit_code TEXT,
    level       TEXT NOT NULL,
    region_code TEXT NOT NULL,
    region_name TEXT NOT NULL,
    parent_id   TEXT REFERENCES purchasers (id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX purchasers_region ON purchasers (region_code);

ALTER TABLE users ADD COLUMN purchaser_id TEXT REFERENCES purchasers (id);
ALTER TABLE tenders ADD COLUMN purchaser_id TEXT REFERENCES purchasers (id);
CREATE INDEX tenders_purchaser ON tenders (purchaser_id);

-- Data from before units existed: every officer could act on every tender and every auditor
-- read everything. One national unit keeps it that way until an admin assigns real units.
INSERT INTO purchasers (id, name, credit_code, level, region_code, region_name, parent_id, created_at)
SELECT 'unassigned', '原有采购人（待指定单位）', NULL, 'national', '000000', '全国', NULL, 0
WHERE EXISTS (SELECT 1 FROM users WHERE role IN ('officer', 'auditor'))
   OR EXISTS (SELECT 1 FROM tenders);
UPDATE users SET purchaser_id = 'unassigned' WHERE role IN ('officer', 'auditor') AND purchaser_id IS NULL
    AND EXISTS (SELECT 1 FROM purchasers WHERE id = 'unassigned');
UPDATE tenders SET purchaser_id = 'unassigned' WHERE purchaser_id IS NULL
    AND EXISTS (SELECT 1 FROM purchasers WHERE id = 'unassigned');
