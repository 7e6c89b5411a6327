-- The audit log as a hash chain: each entry stores its position (seq), the hash of the entry
-- before it and its own hash over both and its content, so editing, inserting or removing a row
-- breaks the chain at that row (`caiping audit verify`). audit_head holds the chain's end: its
-- row is locked by each appending transaction, which orders concurrent writers (several
-- instances on PostgreSQL) and lets verification notice a removed tail.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);

CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL,
    -- 1 once the entries from before this migration are chained (done once: a row inserted
    -- later outside the application stays off the chain and verification reports it).
    legacy_chained BIGINT NOT NULL
);
-- Genesis: entry 1 commits to 64 zeros. Entries written before this migration are chained,
-- in their recorded order, by the first start after it (audit::chain_legacy).
INSERT INTO audit_head (id, seq, hash, legacy_chained)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);
