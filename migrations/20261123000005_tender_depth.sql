-- Tenders in depth: the full tender as a versioned snapshot, lots, amendments, sealed bid
-- packages (prices and files encrypted until opening), clarifications, qualification review.

-- The current version of the tender as parsed by the domain (JSON of ValidTender); the other
-- columns of `tenders` stay as the fields queries filter on.
ALTER TABLE tenders ADD COLUMN spec_json TEXT;
ALTER TABLE tenders ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE tenders ADD COLUMN clarify_until BIGINT;
-- The per-tender bid key, itself encrypted with the server's master key.
ALTER TABLE tenders ADD COLUMN sealing_key TEXT;
ALTER TABLE tenders ADD COLUMN review_done_at BIGINT;
ALTER TABLE tenders ADD COLUMN failed_reason TEXT;
ALTER TABLE tenders ADD COLUMN failed_at BIGINT;

ALTER TABLE tender_criteria ADD COLUMN guidance TEXT NOT NULL DEFAULT '';
ALTER TABLE tender_criteria ADD COLUMN objective BIGINT NOT NULL DEFAULT 0;

CREATE TABLE tender_lots (
    tender_id  TEXT NOT NULL REFERENCES tenders (id),
    position   BIGINT NOT NULL,
    name       TEXT NOT NULL,
    budget_fen BIGINT NOT NULL,
    PRIMARY KEY (tender_id, position)
);

-- Version 1 is the tender as published; each amendment adds the next version with its diff.
CREATE TABLE tender_versions (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    version      BIGINT NOT NULL,
    spec_json    TEXT NOT NULL,
    changes_json TEXT NOT NULL,
    reason       TEXT NOT NULL,
    material     BIGINT NOT NULL,
    pushed_from  BIGINT,
    created_by   TEXT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (tender_id, version)
);

-- Until the opening, `bids.price_fen` is 0 and the prices live only in `sealed_prices`
-- (encrypted with the tender's key); the opening decrypts them into `price_fen` and `bid_lots`.
ALTER TABLE bids ADD COLUMN sealed_prices TEXT;
ALTER TABLE bids ADD COLUMN confirmed_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE bids ADD COLUMN lots_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE bids ADD COLUMN review_outcome TEXT;
ALTER TABLE bids ADD COLUMN review_reason TEXT;
ALTER TABLE bids ADD COLUMN reviewed_by TEXT REFERENCES users (id);
ALTER TABLE bids ADD COLUMN reviewed_at BIGINT;

CREATE TABLE bid_lots (
    bid_id       TEXT NOT NULL REFERENCES bids (id),
    lot_position BIGINT NOT NULL,
    price_fen    BIGINT NOT NULL,
    PRIMARY KEY (bid_id, lot_position)
);

-- One row per document of a bid: `technical` (anonymous proposal) and `qualification`.
-- `plain_sha256` is what the receipt shows; `stored_sha256` names the encrypted file in storage.
CREATE TABLE bid_files (
    bid_id        TEXT NOT NULL REFERENCES bids (id),
    kind          TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    file_size     BIGINT NOT NULL,
    content_type  TEXT NOT NULL,
    plain_sha256  TEXT NOT NULL,
    stored_sha256 TEXT NOT NULL,
    entries       BIGINT NOT NULL,
    PRIMARY KEY (bid_id, kind)
);

CREATE TABLE clarifications (
    id          TEXT PRIMARY KEY,
    tender_id   TEXT NOT NULL REFERENCES tenders (id),
    asked_by    TEXT NOT NULL REFERENCES users (id),
    question    TEXT NOT NULL,
    asked_at    BIGINT NOT NULL,
    answer      TEXT,
    answered_by TEXT REFERENCES users (id),
    answered_at BIGINT
);
CREATE INDEX clarifications_tender ON clarifications (tender_id, asked_at);
