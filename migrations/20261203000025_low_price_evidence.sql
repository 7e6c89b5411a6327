-- The evidence a bidder gives with its price explanation (O87 art. 60): PDFs sealed with the
-- tender key like the bid's documents, read by the panel by alias. Saved in the explanation's
-- transaction, so an explanation and its files land together.
CREATE TABLE low_price_evidence (
    tender_id     TEXT NOT NULL REFERENCES tenders (id),
    bid_id        TEXT NOT NULL REFERENCES bids (id),
    lot_position  BIGINT NOT NULL,
    seq           BIGINT NOT NULL,
    file_name     TEXT NOT NULL,
    file_size     BIGINT NOT NULL,
    plain_sha256  TEXT NOT NULL,
    stored_sha256 TEXT NOT NULL,
    uploaded_at   BIGINT NOT NULL,
    PRIMARY KEY (tender_id, bid_id, lot_position, seq)
);
