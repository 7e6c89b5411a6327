-- A tender may have a panel per lot (issue 12: "per lot where lots are reviewed apart"): the
-- panel, its members, their compliance and score sheets, the report with its signatures and the
-- re-reviews are then one per lot. `review_lot` is the lot's position, or -1 for the panel that
-- reviews every lot (every tender before this change). Drafts, scores and their answers carry
-- the lot of what they score already (migration 26). Rebuilt with portable statements only
-- (create, copy, drop, rename), as in migrations 9 and 26.

CREATE TABLE lot_panels (
    tender_id     TEXT NOT NULL REFERENCES tenders (id),
    review_lot    BIGINT NOT NULL,
    plan_json     TEXT,
    pool_json     TEXT,
    draw_json     TEXT,
    drawn_at      BIGINT,
    drawn_by      TEXT,
    leader_id     TEXT,
    configured_by TEXT,
    configured_at BIGINT NOT NULL,
    PRIMARY KEY (tender_id, review_lot)
);
INSERT INTO lot_panels (tender_id, review_lot, plan_json, pool_json, draw_json, drawn_at, drawn_by, leader_id, configured_by, configured_at)
    SELECT tender_id, -1, plan_json, pool_json, draw_json, drawn_at, drawn_by, leader_id, configured_by, configured_at FROM panels;
DROP TABLE panels;
ALTER TABLE lot_panels RENAME TO panels;

CREATE TABLE lot_panel_members (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    review_lot   BIGINT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL,
    source       TEXT NOT NULL,
    seat         BIGINT NOT NULL,
    status       TEXT NOT NULL,
    reason       TEXT,
    declared_at  BIGINT,
    confirmed_at BIGINT,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (tender_id, review_lot, user_id)
);
INSERT INTO lot_panel_members (tender_id, review_lot, user_id, kind, source, seat, status, reason, declared_at, confirmed_at, updated_at)
    SELECT tender_id, -1, user_id, kind, source, seat, status, reason, declared_at, confirmed_at, updated_at FROM panel_members;
DROP TABLE panel_members;
ALTER TABLE lot_panel_members RENAME TO panel_members;
CREATE INDEX panel_members_user ON panel_members (user_id, status);

CREATE TABLE lot_score_sheets (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    review_lot   BIGINT NOT NULL,
    expert_id    TEXT NOT NULL REFERENCES users (id),
    submitted_at BIGINT NOT NULL,
    voided_at    BIGINT,
    void_reason  TEXT,
    PRIMARY KEY (tender_id, review_lot, expert_id)
);
INSERT INTO lot_score_sheets (tender_id, review_lot, expert_id, submitted_at, voided_at, void_reason)
    SELECT tender_id, -1, expert_id, submitted_at, voided_at, void_reason FROM score_sheets;
DROP TABLE score_sheets;
ALTER TABLE lot_score_sheets RENAME TO score_sheets;

CREATE TABLE lot_compliance_sheets (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    review_lot   BIGINT NOT NULL,
    member_id    TEXT NOT NULL REFERENCES users (id),
    votes_json   TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    PRIMARY KEY (tender_id, review_lot, member_id)
);
INSERT INTO lot_compliance_sheets (tender_id, review_lot, member_id, votes_json, submitted_at)
    SELECT tender_id, -1, member_id, votes_json, submitted_at FROM compliance_sheets;
DROP TABLE compliance_sheets;
ALTER TABLE lot_compliance_sheets RENAME TO compliance_sheets;

CREATE TABLE lot_compliance_findings (
    tender_id     TEXT NOT NULL REFERENCES tenders (id),
    review_lot    BIGINT NOT NULL,
    items_json    TEXT NOT NULL,
    findings_json TEXT NOT NULL,
    concluded_at  BIGINT NOT NULL,
    PRIMARY KEY (tender_id, review_lot)
);
INSERT INTO lot_compliance_findings (tender_id, review_lot, items_json, findings_json, concluded_at)
    SELECT tender_id, -1, items_json, findings_json, concluded_at FROM compliance_findings;
DROP TABLE compliance_findings;
ALTER TABLE lot_compliance_findings RENAME TO compliance_findings;

CREATE TABLE lot_reports (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    review_lot   BIGINT NOT NULL,
    version      BIGINT NOT NULL,
    content_json TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    reason       TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (tender_id, review_lot, version)
);
INSERT INTO lot_reports (tender_id, review_lot, version, content_json, content_hash, reason, created_at)
    SELECT tender_id, -1, version, content_json, content_hash, reason, created_at FROM reports;
DROP TABLE reports;
ALTER TABLE lot_reports RENAME TO reports;

CREATE TABLE lot_report_signatures (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    review_lot   BIGINT NOT NULL,
    version      BIGINT NOT NULL,
    member_id    TEXT NOT NULL REFERENCES users (id),
    content_hash TEXT NOT NULL,
    dissent      TEXT,
    signed_at    BIGINT NOT NULL,
    PRIMARY KEY (tender_id, review_lot, version, member_id)
);
INSERT INTO lot_report_signatures (tender_id, review_lot, version, member_id, content_hash, dissent, signed_at)
    SELECT tender_id, -1, version, member_id, content_hash, dissent, signed_at FROM report_signatures;
DROP TABLE report_signatures;
ALTER TABLE lot_report_signatures RENAME TO report_signatures;

CREATE TABLE lot_rereviews (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    review_lot   BIGINT NOT NULL,
    round        BIGINT NOT NULL,
    reason       TEXT NOT NULL,
    finding      TEXT NOT NULL,
    from_version BIGINT NOT NULL,
    started_by   TEXT NOT NULL REFERENCES users (id),
    started_at   BIGINT NOT NULL,
    closed_at    BIGINT,
    PRIMARY KEY (tender_id, review_lot, round)
);
INSERT INTO lot_rereviews (tender_id, review_lot, round, reason, finding, from_version, started_by, started_at, closed_at)
    SELECT tender_id, -1, round, reason, finding, from_version, started_by, started_at, closed_at FROM rereviews;
DROP TABLE rereviews;
ALTER TABLE lot_rereviews RENAME TO rereviews;
