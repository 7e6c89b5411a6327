-- The walking skeleton's tender flow: tender → sealed bids → opening → expert scores → award →
-- contract with obligations. Points are stored as centi-points (× 100), money as fen.

CREATE TABLE tenders (
    id               TEXT PRIMARY KEY,
    title            TEXT NOT NULL,
    buyer            TEXT NOT NULL,
    template_id      TEXT NOT NULL,
    method           TEXT NOT NULL,
    budget_fen       BIGINT NOT NULL,
    price_weight_centi BIGINT NOT NULL,
    bid_deadline     BIGINT NOT NULL,
    opening_at       BIGINT NOT NULL,
    status           TEXT NOT NULL,
    created_by       TEXT NOT NULL REFERENCES users (id),
    created_at       BIGINT NOT NULL,
    published_at     BIGINT,
    opened_at        BIGINT,
    awarded_bid_id   TEXT,
    awarded_at       BIGINT
);
CREATE INDEX tenders_status ON tenders (status);

CREATE TABLE tender_criteria (
    tender_id        TEXT NOT NULL REFERENCES tenders (id),
    position         BIGINT NOT NULL,
    name             TEXT NOT NULL,
    max_points_centi BIGINT NOT NULL,
    PRIMARY KEY (tender_id, position)
);

CREATE TABLE tender_experts (
    tender_id TEXT NOT NULL REFERENCES tenders (id),
    expert_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (tender_id, expert_id)
);

CREATE TABLE bids (
    id           TEXT PRIMARY KEY,
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    price_fen    BIGINT NOT NULL,
    file_sha256  TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    file_size    BIGINT NOT NULL,
    submitted_by TEXT NOT NULL REFERENCES users (id),
    submitted_at BIGINT NOT NULL,
    alias        TEXT,
    UNIQUE (tender_id, org_id)
);

CREATE TABLE scores (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    expert_id    TEXT NOT NULL REFERENCES users (id),
    bid_id       TEXT NOT NULL REFERENCES bids (id),
    position     BIGINT NOT NULL,
    points_centi BIGINT NOT NULL,
    PRIMARY KEY (expert_id, bid_id, position)
);

CREATE TABLE score_sheets (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    expert_id    TEXT NOT NULL REFERENCES users (id),
    submitted_at BIGINT NOT NULL,
    PRIMARY KEY (tender_id, expert_id)
);

CREATE TABLE contracts (
    id         TEXT PRIMARY KEY,
    tender_id  TEXT NOT NULL UNIQUE REFERENCES tenders (id),
    bid_id     TEXT NOT NULL REFERENCES bids (id),
    org_id     TEXT NOT NULL REFERENCES organisations (id),
    created_at BIGINT NOT NULL
);

-- Append-only: each record is a new row; the latest per metric and year is the current value.
CREATE TABLE obligation_records (
    id            TEXT PRIMARY KEY,
    contract_id   TEXT NOT NULL REFERENCES contracts (id),
    metric        TEXT NOT NULL,
    contract_year BIGINT NOT NULL,
    value_centi   BIGINT NOT NULL,
    recorded_by   TEXT NOT NULL REFERENCES users (id),
    recorded_at   BIGINT NOT NULL
);
CREATE INDEX obligation_records_contract ON obligation_records (contract_id, metric, contract_year);
