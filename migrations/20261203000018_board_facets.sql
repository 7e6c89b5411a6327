-- The board's scheme filter lists the schemes in use with one index seek per scheme, as the
-- region filter does with tenders_region.
CREATE INDEX tenders_template ON tenders (template_id, published_at);
