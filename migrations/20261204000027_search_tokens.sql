-- The board's search index also holds whole numbers and Latin words (`#050000`), so a search for
-- a notice's number reads its few notices instead of intersecting digit bigrams that most
-- notices have. Emptied here, the index is rebuilt from the tenders at the next start
-- (fill_search_terms), in the same form new tenders are indexed in.
DELETE FROM tender_terms;
