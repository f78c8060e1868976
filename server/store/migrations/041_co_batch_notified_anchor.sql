-- Co-issuance after a reorg (issue 14): which confirmation of a co-issued batch (its transaction
-- hash and block, stored transaction, submission and confirmation time) the partners in
-- co_batches.notified were told of. When a reorganisation rolls the anchor back and the lead
-- anchors the batch again, the confirmation differs and every partner is told again, so each
-- endorses again (its endorsement may have gone with the reorg).
ALTER TABLE co_batches ADD COLUMN notified_anchor TEXT;
