-- The officer's own documents published with a tender (maps, service catalogues, forms).
-- Public once the tender is published; stored in the clear (they are public documents).
CREATE TABLE tender_attachments (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    sha256       TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    file_size    BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL REFERENCES users (id),
    uploaded_at  BIGINT NOT NULL,
    PRIMARY KEY (tender_id, sha256)
);
