-- The date of an organization's last recorded activity (三会一课, 主题党日): null when the register
-- does not say. A branch with members but no activity for a year is a hollow-branch suspect.
ALTER TABLE party_orgs ADD COLUMN last_activity_on date;
