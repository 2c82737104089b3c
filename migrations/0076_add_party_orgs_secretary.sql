-- The organization's secretary (书记) and a phone number: personal data, masked as grid chiefs' are.
ALTER TABLE party_orgs ADD COLUMN secretary_name text, ADD COLUMN secretary_phone text;
