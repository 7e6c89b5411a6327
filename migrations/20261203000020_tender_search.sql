-- The board's search: every two-character sequence (bigram) of a tender's title, buyer, project
-- number and region, so a search reads the tenders sharing its rarest bigrams instead of
-- matching LIKE against every notice. Bigrams suit Chinese, which has no spaces between words,
-- and need nothing backend-specific (SQLite FTS5 and PostgreSQL pg_trgm differ, and pg_trgm
-- ignores CJK characters outside a UTF-8 locale).
CREATE TABLE tender_terms (
    term      TEXT NOT NULL,
    tender_id TEXT NOT NULL REFERENCES tenders (id),
    PRIMARY KEY (term, tender_id)
);
CREATE INDEX tender_terms_tender ON tender_terms (tender_id);
