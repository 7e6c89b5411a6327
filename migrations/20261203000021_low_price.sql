-- Abnormally low prices (O87 art. 60, 财库〔2026〕2号): the panel asks a bidder to explain its
-- price in a lot by a time it sets, the bidder answers in writing, the panel decides with its
-- basis. A bid meeting a mandatory trigger has no row until the panel asks; the triggers are
-- recomputed from the prices, and kept here as they stood when it asked.
CREATE TABLE low_price_reviews (
    tender_id       TEXT NOT NULL REFERENCES tenders (id),
    bid_id          TEXT NOT NULL REFERENCES bids (id),
    lot_position    BIGINT NOT NULL,
    triggers_json   TEXT NOT NULL,
    grounds         TEXT NOT NULL DEFAULT '',
    requested_by    TEXT NOT NULL REFERENCES users (id),
    requested_at    BIGINT NOT NULL,
    due_at          BIGINT NOT NULL,
    explanation     TEXT,
    evidence        TEXT NOT NULL DEFAULT '',
    answered_by     TEXT REFERENCES users (id),
    answered_at     BIGINT,
    decision        TEXT,
    basis           TEXT,
    decided_by      TEXT REFERENCES users (id),
    decided_at      BIGINT,
    PRIMARY KEY (tender_id, bid_id, lot_position)
);
CREATE INDEX low_price_reviews_bid ON low_price_reviews (bid_id);
