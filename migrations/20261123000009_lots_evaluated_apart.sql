-- Each lot (包) is evaluated and awarded on its own (O87 art. 43–44 apply per lot): a lot may
-- fail while others go on, and each awarded lot has its own contract. Contracts therefore become
-- one per tender and lot instead of one per tender. The tables are rebuilt with portable
-- statements only (create, copy, drop, rename), so the same migration runs on SQLite and
-- PostgreSQL; contracts made before this change were for a whole tender and keep lot 0.

CREATE TABLE lot_failures (
    tender_id     TEXT NOT NULL REFERENCES tenders (id),
    lot_position  BIGINT NOT NULL,
    reason        TEXT NOT NULL,
    failed_at     BIGINT NOT NULL,
    PRIMARY KEY (tender_id, lot_position)
);

CREATE TABLE lot_contracts (
    id           TEXT PRIMARY KEY,
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    lot_position BIGINT NOT NULL,
    bid_id       TEXT NOT NULL REFERENCES bids (id),
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    created_at   BIGINT NOT NULL,
    UNIQUE (tender_id, lot_position)
);
INSERT INTO lot_contracts (id, tender_id, lot_position, bid_id, org_id, created_at)
    SELECT id, tender_id, 0, bid_id, org_id, created_at FROM contracts;

CREATE TABLE lot_obligation_records (
    id            TEXT PRIMARY KEY,
    contract_id   TEXT NOT NULL REFERENCES lot_contracts (id),
    metric        TEXT NOT NULL,
    contract_year BIGINT NOT NULL,
    value_centi   BIGINT NOT NULL,
    recorded_by   TEXT NOT NULL REFERENCES users (id),
    recorded_at   BIGINT NOT NULL
);
INSERT INTO lot_obligation_records (id, contract_id, metric, contract_year, value_centi, recorded_by, recorded_at)
    SELECT id, contract_id, metric, contract_year, value_centi, recorded_by, recorded_at FROM obligation_records;

DROP TABLE obligation_records;
DROP TABLE contracts;
ALTER TABLE lot_contracts RENAME TO contracts;
ALTER TABLE lot_obligation_records RENAME TO obligation_records;
CREATE INDEX obligation_records_contract_lot ON obligation_records (contract_id, metric, contract_year);
