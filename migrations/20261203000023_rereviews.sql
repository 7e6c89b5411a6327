-- Re-reviews after signing (O87 art. 64 ¶2): the purchaser convenes the original panel for one of
-- the four reasons; it closes when every member has signed the report formed again.
CREATE TABLE rereviews (
    tender_id  TEXT NOT NULL REFERENCES tenders (id),
    round      BIGINT NOT NULL,
    reason     TEXT NOT NULL,
    finding    TEXT NOT NULL,
    -- The signed report version the re-review reopens; it closes on a later one signed by all.
    from_version BIGINT NOT NULL,
    started_by TEXT NOT NULL REFERENCES users (id),
    started_at BIGINT NOT NULL,
    closed_at  BIGINT,
    PRIMARY KEY (tender_id, round)
);
