-- The online evaluation: the expert pool, each tender's panel with its draw, recusal, the
-- members' sheets (drafts, reasons, corrections), ties drawn against a published commitment, and
-- the signed report. Replaces "every active expert scores every tender".

CREATE TABLE expert_profiles (
    user_id          TEXT PRIMARY KEY REFERENCES users (id),
    id_number        TEXT NOT NULL DEFAULT '',
    categories_json  TEXT NOT NULL,
    region_code      TEXT,
    employer         TEXT NOT NULL DEFAULT '',
    declaration_json TEXT NOT NULL,
    blackout_json    TEXT NOT NULL DEFAULT '[]',
    available        BIGINT NOT NULL DEFAULT 1,
    updated_at       BIGINT NOT NULL
);

CREATE TABLE panels (
    tender_id     TEXT PRIMARY KEY REFERENCES tenders (id),
    plan_json     TEXT,
    pool_json     TEXT,
    draw_json     TEXT,
    drawn_at      BIGINT,
    drawn_by      TEXT,
    leader_id     TEXT,
    configured_by TEXT,
    configured_at BIGINT NOT NULL
);

-- status: invited | accepted | declined | reserve | recused | left
-- kind: expert | purchaser_rep; source: drawn | alternate | self_selected | appointed | legacy
CREATE TABLE panel_members (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL,
    source       TEXT NOT NULL,
    seat         BIGINT NOT NULL,
    status       TEXT NOT NULL,
    reason       TEXT,
    declared_at  BIGINT,
    confirmed_at BIGINT,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (tender_id, user_id)
);
CREATE INDEX panel_members_user ON panel_members (user_id, status);

-- O87 art. 42: persons a bidder asks to be recused, matched privately against the panel.
CREATE TABLE recusal_requests (
    id         TEXT PRIMARY KEY,
    tender_id  TEXT NOT NULL REFERENCES tenders (id),
    bid_id     TEXT NOT NULL REFERENCES bids (id),
    name       TEXT NOT NULL,
    id_number  TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE score_drafts (
    tender_id  TEXT NOT NULL REFERENCES tenders (id),
    member_id  TEXT NOT NULL REFERENCES users (id),
    bid_id     TEXT NOT NULL REFERENCES bids (id),
    position   BIGINT NOT NULL,
    points     TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tender_id, member_id, bid_id, position)
);

ALTER TABLE scores ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE score_sheets ADD COLUMN voided_at BIGINT;
ALTER TABLE score_sheets ADD COLUMN void_reason TEXT;

-- Corrections (O87 art. 64 reasons only) and written confirmations of flagged scores.
CREATE TABLE score_answers (
    id          TEXT PRIMARY KEY,
    tender_id   TEXT NOT NULL REFERENCES tenders (id),
    member_id   TEXT NOT NULL REFERENCES users (id),
    bid_id      TEXT NOT NULL REFERENCES bids (id),
    position    BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    reason      TEXT,
    from_centi  BIGINT NOT NULL,
    to_centi    BIGINT NOT NULL,
    note        TEXT NOT NULL,
    answered_at BIGINT NOT NULL
);

-- The seed of a tender's drawing of lots: its SHA-256 is published with the notice, the seed
-- itself only when a tie is drawn.
CREATE TABLE tie_seeds (
    tender_id  TEXT PRIMARY KEY REFERENCES tenders (id),
    seed       TEXT NOT NULL,
    commitment TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE lot_drawings (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    lot_position BIGINT NOT NULL,
    record_json  TEXT NOT NULL,
    drawn_by     TEXT NOT NULL,
    drawn_at     BIGINT NOT NULL,
    PRIMARY KEY (tender_id, lot_position)
);

CREATE TABLE reports (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    version      BIGINT NOT NULL,
    content_json TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    reason       TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (tender_id, version)
);

CREATE TABLE report_signatures (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    version      BIGINT NOT NULL,
    member_id    TEXT NOT NULL REFERENCES users (id),
    content_hash TEXT NOT NULL,
    dissent      TEXT,
    signed_at    BIGINT NOT NULL,
    PRIMARY KEY (tender_id, version, member_id)
);

-- Panels from before: the assigned experts become accepted members who have declared, so a
-- review in progress can finish; they are marked as such.
INSERT INTO panels (tender_id, plan_json, configured_at)
SELECT DISTINCT tender_id, NULL, 0 FROM tender_experts;
INSERT INTO panel_members (tender_id, user_id, kind, source, seat, status, declared_at, updated_at)
SELECT tender_id, expert_id, 'expert', 'legacy', 0, 'accepted', 0, 0 FROM tender_experts;
