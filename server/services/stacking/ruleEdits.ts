/**
 * Editing and disabling a stacking rule (the API's PATCH and the console share it). An edit is
 * made under the issuer's stacking lock, so it lands between two awards, never in one: awards
 * after it count with the new rule, badges already issued keep the rule they were earned under
 * (stacked_awards.rule_version). Concurrent edits: optimistic, on the rule's version — the first
 * edit of a version wins, a later one gets 409 with the current version to reload.
 */
import { unixSeconds, type Clock } from "../../clock";
import type { Store } from "../../store/Store";
import type { StackingRuleRecord } from "../../store/StackingStore";
import { ConflictError, NotFoundError } from "../errors";
import { withStackingLock } from "./engine";
import { editedStackingRule, type StackingRuleEditBody } from "./rules";

export async function editStackingRule(deps: { store: Store; clock: Clock }, issuerId: string, ruleId: string, edit: StackingRuleEditBody): Promise<StackingRuleRecord> {
  const { store, clock } = deps;
  return withStackingLock(store, issuerId, async () => {
    const record = store.stacking.getRule(ruleId);
    if (!record || record.issuerId !== issuerId) throw new NotFoundError(`no stacking rule ${ruleId}`);
    const definition = editedStackingRule(store, issuerId, record, edit);
    const outcome = store.stacking.updateRule(ruleId, {
      expectedVersion: edit.version,
      ...(definition ? { name: definition.name, definitionJson: JSON.stringify(definition) } : {}),
      ...(edit.disabled !== undefined ? { disabled: edit.disabled } : {}),
      now: unixSeconds(clock),
    });
    if (!outcome) throw new NotFoundError(`no stacking rule ${ruleId}`);
    if ("conflict" in outcome) {
      throw new ConflictError(`stacking rule ${ruleId} was edited meanwhile: it is at version ${outcome.conflict}, not ${edit.version}; reload it and edit again`, { version: outcome.conflict });
    }
    return outcome.rule;
  });
}
