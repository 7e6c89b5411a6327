-- What the blind scan of a technical proposal found (the roster's names in its text or
-- properties), sealed with the tender key like the prices: readable only once the bids are open.
ALTER TABLE bid_files ADD COLUMN blind_hits TEXT;
