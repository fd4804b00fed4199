"""Every civil cause of the catalogue gets an intake and an assessment: the 18 deep causes keep their own tables,
every other civil cause is assessed by its family's rules (knowledge/data/families.yaml through the catalogue).

:func:`extend_tables` returns the cause table, the slot tables and the limitation rules with one entry per such
cause, so that every part of the assessment and the chat (which look a cause up by name) works for it unchanged:

- its :class:`~knowledge.causes.CauseSpec` comes from the catalogue's rules — the fee kind (a money claim is a
  property case, 诉讼费用交纳办法第十三条第（一）项; else the family's non-property kind), the jurisdiction rule of the
  assessment's own table where the family names one (else the general rule of 民事诉讼法第二十二条, and the
  assessment says which special rule may also apply: :func:`special_jurisdiction`), the limitation rule (or, where
  the assessment has none of that kind, a rule that says the period in words and does not compute a deadline),
  the mediation class, and the family's evidence checklist;
- its slots are the generic intake of slots.yaml ``generic`` for its jurisdiction rule (``default`` otherwise):
  amount, key date, the other party and where they live, the place of the events or the property, evidence, and
  whether the person would try mediation.

Causes that are not suits (非讼程序 and special-procedure applications: no acceptance fee, 办法第八条) are not
extended: the recogniser's answer for them is read as 其他 (a person asks staff) — see :func:`assessable`.
"""

from __future__ import annotations

from knowledge.catalogue import Catalogue
from knowledge.causes import CauseSpec, CauseTable, EvidenceItem
from knowledge.intake import SlotTables
from knowledge.jurisdiction import JurisdictionRules
from knowledge.limitation import LimitationRules, PeriodRule
from knowledge.mediation import MediationRules
from prompts import load as say

GENERAL = "general"
REFER_PREFIX = "catalogue:"
# Catalogue jurisdiction rules (families.yaml) whose every connecting point includes the defendant's domicile
# (民事诉讼法第二十四条至第二十八条): where the general rule finds this court competent, so does the special one.
DOMICILE_INCLUDED = frozenset({"transport", "insurance", "bills", "company"})


def assessable(catalogue: Catalogue, name: str) -> bool:
    """A civil suit this court can assess by family: in the catalogue, civil in scope, with an acceptance fee."""
    if name not in catalogue:
        return False
    rules = catalogue.rules(name)
    return rules.scope == "civil" and rules.fee_without_money.fee_kind is not None


def _spec(catalogue: Catalogue, name: str, limitation_key: str, mediation: MediationRules) -> CauseSpec:
    rules = catalogue.rules(name)
    fee = rules.fee_with_money if rules.money_claim else rules.fee_without_money
    mediation_class = rules.mediation.assessment_class
    if mediation_class is None or mediation_class not in mediation.classes:
        mediation_class = "other"
    return CauseSpec(
        summary=say("cause_generic_summary", family=catalogue.family(name).label),
        fee_kind=fee.fee_kind or "other_non_property",
        money_claim=rules.money_claim,
        jurisdiction=rules.jurisdiction.assessment_rule or GENERAL,
        limitation=limitation_key,
        mediation=mediation_class,
        route="arbitration" if rules.jurisdiction.assessment_rule == "labour" else "filing",
        evidence=[
            EvidenceItem(label=item.label, any_of=[], key=False, source=item.source, tag=item.tag)
            for item in rules.evidence
        ],
    )


def extend_tables(
    catalogue: Catalogue,
    causes: CauseTable,
    *,
    slots: SlotTables,
    limitation: LimitationRules,
    jurisdiction: JurisdictionRules,
    mediation: MediationRules,
) -> tuple[CauseTable, SlotTables, LimitationRules]:
    """The three tables with an entry for every assessable catalogue cause that has no deep table of its own."""
    specs: dict[str, CauseSpec] = {}
    refer: dict[str, PeriodRule] = {}
    slot_keys: dict[str, str] = {}
    for name in catalogue:
        if name in causes.causes or catalogue.deep_table(name) is not None or not assessable(catalogue, name):
            continue
        rules = catalogue.rules(name)
        limitation_key = rules.limitation.assessment_rule
        if limitation_key is None or limitation_key not in limitation.rules:
            key = catalogue.rule_keys(name).limitation
            limitation_key = REFER_PREFIX + key
            refer[limitation_key] = PeriodRule(
                kind="refer",
                source=rules.limitation.source,
                tag=rules.limitation.tag,
                rule_tag="general_3y",
                note=rules.limitation.label,
            )
        spec = _spec(catalogue, name, limitation_key, mediation)
        if spec.jurisdiction not in jurisdiction.rules:
            spec = spec.model_copy(update={"jurisdiction": GENERAL})
        specs[name] = spec
        slot_keys[name] = spec.jurisdiction
    return causes.with_causes(specs), slots.with_generic(slot_keys), limitation.with_rules(refer)



def _family_assessed(catalogue: Catalogue, name: str) -> bool:
    """A catalogue cause with no deep table (18 causes) of its own or of an ancestor: assessed by its family."""
    return name in catalogue and catalogue.deep_table(name) is None


def special_jurisdiction(catalogue: Catalogue, name: str) -> tuple[str, str, bool] | None:
    """For a family-assessed cause whose own jurisdiction rule the assessment's table does not compute: the rule in
    words, its source, and whether a finding of competence under the general rule still stands (the special rule
    includes the defendant's domicile). None for a deep cause or a rule the table computes."""
    if not _family_assessed(catalogue, name):
        return None
    rule = catalogue.rules(name).jurisdiction
    if rule.assessment_rule is not None:
        return None
    return rule.label, rule.source, catalogue.rule_keys(name).jurisdiction in DOMICILE_INCLUDED


def family_small_claims_exclusion(catalogue: Catalogue, name: str) -> str | None:
    """For a family-assessed cause the small-claims procedure never applies to (its rule's ``eligible`` is "no":
    人身关系、财产确权、知识产权… 民事诉讼法第一百六十六条): the rule in words with its source; None otherwise."""
    if not _family_assessed(catalogue, name):
        return None
    rule = catalogue.rules(name).small_claims
    return f"{rule.label}（{rule.source}）" if rule.eligible == "no" else None
