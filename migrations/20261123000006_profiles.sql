-- Organisation profiles and staff rosters, and the declaration each bid keeps of them.
-- Citizen ID numbers are kept (de-duplication compares them); screens and the audit log show
-- them masked.

-- JSON of domain::roster::Profile (legal form, registration, board, region).
ALTER TABLE organisations ADD COLUMN profile_json TEXT;

CREATE TABLE staff_members (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES organisations (id),
    id_number          TEXT NOT NULL,
    certificate_number TEXT NOT NULL,
    -- JSON of domain::roster::Member
    member_json        TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    removed_at         BIGINT
);
CREATE INDEX staff_members_org ON staff_members (org_id);
CREATE INDEX staff_members_id_number ON staff_members (id_number);

-- JSON of domain::roster::Declaration as submitted (profile, roster, chosen team).
ALTER TABLE bids ADD COLUMN declaration_json TEXT;
