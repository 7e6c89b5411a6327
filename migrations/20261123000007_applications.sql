-- A call for applications (Shenzhen demonstration sites) keeps each application's answers:
-- JSON of domain::shenzhen::Application (premises, residents' consent, chosen projects).
ALTER TABLE bids ADD COLUMN application_json TEXT;
