-- The bidder's workbench reads the tenders taking bids and the organisation's own bids, each
-- half along its own index, instead of one OR that walked every notice.
CREATE INDEX tenders_taking_bids ON tenders (status, bid_deadline);
CREATE INDEX bids_org ON bids (org_id, tender_id);
