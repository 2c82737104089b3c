-- Whether a branch has elected a branch committee (支部委员会): required from 7 members, not set up
-- below 7 (a secretary instead). Null when the register does not say.
ALTER TABLE party_orgs ADD COLUMN has_branch_committee boolean;
