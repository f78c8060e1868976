-- Stacking rules that change (issue 14): edits and disabling, with a version for concurrent
-- edits (a stale version is refused with 409), and every replaced definition kept, so a stacked
-- badge is always judged by the rule it was earned under (stacked_awards.rule_version; NULL: 1).
ALTER TABLE stacking_rules ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stacking_rules ADD COLUMN disabled_at INTEGER;
ALTER TABLE stacking_rules ADD COLUMN updated_at INTEGER;
ALTER TABLE stacked_awards ADD COLUMN rule_version INTEGER;

CREATE TABLE stacking_rule_versions (
  rule_id         TEXT NOT NULL REFERENCES stacking_rules(id),
  version         INTEGER NOT NULL,
  name            TEXT NOT NULL,
  definition_json TEXT NOT NULL,
  replaced_at     INTEGER NOT NULL,
  PRIMARY KEY (rule_id, version)
);
