-- A tender may ask for one technical proposal per lot, each scored on its own (issue 12): a
-- bid's documents, the members' drafts and scores, and their corrections are then per lot.
-- `lot_position` is the lot a proposal answers, or -1 for the one proposal that answers every
-- lot of the bid (tenders that do not ask for proposals per lot, and everything before).
-- Rebuilt with portable statements only (create, copy, drop, rename), as in migration 9.

CREATE TABLE lot_bid_files (
    bid_id        TEXT NOT NULL REFERENCES bids (id),
    kind          TEXT NOT NULL,
    lot_position  BIGINT NOT NULL,
    file_name     TEXT NOT NULL,
    file_size     BIGINT NOT NULL,
    content_type  TEXT NOT NULL,
    plain_sha256  TEXT NOT NULL,
    stored_sha256 TEXT NOT NULL,
    entries       BIGINT NOT NULL,
    blind_hits    TEXT,
    PRIMARY KEY (bid_id, kind, lot_position)
);
INSERT INTO lot_bid_files (bid_id, kind, lot_position, file_name, file_size, content_type, plain_sha256, stored_sha256, entries, blind_hits)
    SELECT bid_id, kind, -1, file_name, file_size, content_type, plain_sha256, stored_sha256, entries, blind_hits FROM bid_files;
DROP TABLE bid_files;
ALTER TABLE lot_bid_files RENAME TO bid_files;

CREATE TABLE lot_scores (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    expert_id    TEXT NOT NULL REFERENCES users (id),
    bid_id       TEXT NOT NULL REFERENCES bids (id),
    lot_position BIGINT NOT NULL,
    position     BIGINT NOT NULL,
    points_centi BIGINT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (expert_id, bid_id, lot_position, position)
);
INSERT INTO lot_scores (tender_id, expert_id, bid_id, lot_position, position, points_centi, reason)
    SELECT tender_id, expert_id, bid_id, -1, position, points_centi, reason FROM scores;
DROP TABLE scores;
ALTER TABLE lot_scores RENAME TO scores;

CREATE TABLE lot_score_drafts (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    member_id    TEXT NOT NULL REFERENCES users (id),
    bid_id       TEXT NOT NULL REFERENCES bids (id),
    lot_position BIGINT NOT NULL,
    position     BIGINT NOT NULL,
    points       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (tender_id, member_id, bid_id, lot_position, position)
);
INSERT INTO lot_score_drafts (tender_id, member_id, bid_id, lot_position, position, points, reason, updated_at)
    SELECT tender_id, member_id, bid_id, -1, position, points, reason, updated_at FROM score_drafts;
DROP TABLE score_drafts;
ALTER TABLE lot_score_drafts RENAME TO score_drafts;

ALTER TABLE score_answers ADD COLUMN lot_position BIGINT NOT NULL DEFAULT -1;
