-- The panel's compliance review (符合性审查, O87 art. 63 and art. 61): each member's judgement
-- of every qualified bid on every item, then the panel's findings, fixed when the last member
-- submits; a bid failing an item leaves the scoring.
CREATE TABLE compliance_sheets (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    member_id    TEXT NOT NULL REFERENCES users (id),
    -- [{bid, item, pass, reason}], by bid id
    votes_json   TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    PRIMARY KEY (tender_id, member_id)
);

CREATE TABLE compliance_findings (
    tender_id     TEXT PRIMARY KEY REFERENCES tenders (id),
    items_json    TEXT NOT NULL,
    findings_json TEXT NOT NULL,
    concluded_at  BIGINT NOT NULL
);
