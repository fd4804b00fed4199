"""The knowledge the server builds once at start-up: tables, the classifier and the court.

``build_knowledge(settings, embedder=None)`` loads and cross-checks every data file (a broken table stops
start-up with :class:`~knowledge.errors.DataFileError`), builds the cause classifier (with the injected
embedder, or keywords + lexical examples without one) and loads the configured court. The :class:`Knowledge`
holds the loaded tables and hands each rule function (fees, limitation, small claims, jurisdiction, mediation,
routing, guarantees, risk notices, slots, the classifier) the table it reads; none loads one of its own. The story
extractor (``knowledge.extract``) and the consent reader (``knowledge.consent``) still read their cue vocabulary
through their own cached loaders. The resulting :class:`Knowledge` offers the small interface the chat
(``bot.guidance``) and the API (``app.routes.assess``) call; its :meth:`Knowledge.assess` is
:func:`knowledge.assessment.assess` (the chat's wording of the result is ``bot.render``), and
:meth:`Knowledge.read_consent` reads the reply to the mediation question ("yes" / "no" / "unclear").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.assessment import Assessment, assess
from knowledge.catalogue import Catalogue, load_catalogue
from knowledge.causes import OTHER, CauseTable, load_causes
from knowledge.classifier import CauseClassifier, Embedder, load_classifier_config, load_examples
from knowledge.consent import Consent, Stance, read_consent, read_consent_change
from knowledge.court import Court
from knowledge.errors import DataFileError, InputError
from knowledge.extract import load_cues
from knowledge.fees import FeeRules, load_fee_rules
from knowledge.generic import extend_tables
from knowledge.guarantee import GuaranteeRules, load_guarantee_rules
from knowledge.intake import (
    Slot,
    SlotTables,
    answer_form_field,
    apply_answer,
    apply_correction,
    load_slot_tables,
    next_form_field,
    next_missing_slot,
    story_facts,
)
from knowledge.interruptions import InterruptionCues, load_interruption_cues
from knowledge.jurisdiction import JurisdictionRules, load_jurisdiction_rules
from knowledge.limitation import LimitationRules, load_limitation_rules
from knowledge.mediation import MediationRules, load_mediation_rules
from knowledge.recognition import CauseRecogniser, Recognition, load_cue_table, searcher_neighbours
from knowledge.risks import RiskNotice, load_risk_notice
from knowledge.routing import RoutingRules, load_routing_rules
from knowledge.small_claims import SmallClaimsRules, load_small_claims_rules

if TYPE_CHECKING:
    from core.settings import Settings
    from retrieval.types import Searcher

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CauseReading:
    """A story's cause as the assessment uses it (:meth:`Knowledge.recognise`)."""

    name: str  # a deep cause, a cause assessed by its family, or 其他
    catalogue_name: str | None  # the catalogue cause recognised (确认劳动关系纠纷 where ``name`` is 劳动争议)
    family: str | None
    confidence: float
    unsure: bool
    alternatives: list[str]
    scope: str  # civil | criminal | administrative | maritime | foreign | ip_court | not_legal
    scope_reason: str | None


class Knowledge:
    """Loaded tables + classifier + court. Cheap to call, expensive to build: build once (:func:`build_knowledge`)."""

    def __init__(
        self,
        *,
        causes: CauseTable,
        slots: SlotTables,
        fees: FeeRules,
        limitation: LimitationRules,
        interruptions: InterruptionCues,
        small_claims: SmallClaimsRules,
        jurisdiction: JurisdictionRules,
        mediation: MediationRules,
        routing: RoutingRules,
        guarantee: GuaranteeRules,
        risks: RiskNotice,
        classifier: CauseClassifier,
        court: Court,
        catalogue: Catalogue,
        recogniser: CauseRecogniser,
    ) -> None:
        self.causes = causes
        self.slots = slots
        self.fees = fees
        self.limitation = limitation
        self.interruptions = interruptions
        self.small_claims = small_claims
        self.jurisdiction = jurisdiction
        self.mediation = mediation
        self.routing = routing
        self.guarantee = guarantee
        self.risks = risks
        self.classifier = classifier
        self.court = court
        self.catalogue = catalogue
        self.recogniser = recogniser

    # -- small facts ---------------------------------------------------------------------------------
    @property
    def court_name(self) -> str:
        return self.court.name

    def gloss(self, cause: str) -> str:
        """A plain-Chinese one-liner for ``cause`` ("借钱给别人（个人之间），到期不还")."""
        return self.causes.get(cause).summary

    def assessed_name(self, cause: str | None) -> str:
        """The name the assessment works under for a catalogue cause: its deep table (确认劳动关系纠纷 → 劳动争议),
        itself when it is assessed by its family, else 其他 (not a suit this assistant can assess: staff help)."""
        if cause is None:
            return OTHER
        deep = self.catalogue.deep_table(cause) if cause in self.catalogue else None
        if deep is not None:
            return deep
        resolved = self.catalogue.resolve(cause) or cause
        return resolved if resolved in self.causes.causes else OTHER

    def recognise(self, text: str, searcher: Searcher | None = None) -> CauseReading:
        """The cause of a lay story over the whole catalogue, as the assessment uses it.

        Two readers: the 18-cause classifier (knowledge.classifier; the better judge among its own causes) and the
        catalogue recogniser (knowledge.recognition; the only one that knows the causes beyond them and the matters
        that are no civil suit here). Thresholds in catalogue_cues.yaml ``params.served``; in this order:

        1. the recogniser confidently puts the story out of scope as criminal, administrative, maritime, foreign or
           special IP (confidence ≥ ``out_of_scope_from``): that stands, whatever the classifier says (fraud is for
           the police, a fine for administrative review: no civil cause to assess);
        2. the recogniser confidently names a cause beyond the 18 (≥ ``specific_from``; one whose deep table is not
           one of the 18) and the classifier is not very sure (< ``classifier_below``): the specific cause wins (a
           kindergarten injury is 教育机构责任纠纷 though the classifier's nearest is 生命权、身体权、健康权纠纷);
        3. the classifier is sure of one of its causes: it decides;
        4. the recogniser is sure (not ``unsure``): its cause, or its out-of-scope kind — except "not legal" while the
           classifier still sees one of its causes (lay stories without a dispute word read as not legal);
        5. neither is sure: the classifier's guess stands (or 其他), to be confirmed from the alternatives.

        Chosen by cross-validation on the dev stories (see catalogue_cues.yaml). With ``searcher``, the nearest
        judgments' causes vote in the recogniser."""
        deep = self.classifier.classify(text)
        neighbours = searcher_neighbours(searcher) if searcher else None
        r = self.recogniser.recognise(text, neighbours=neighbours, classified=deep)  # one classification, not two
        served = self.recogniser.params.served
        if not r.scope.civil and r.scope.kind != "not_legal" and r.confidence >= served.out_of_scope_from:
            return self._recognised(r)
        if self._beyond_deep(r) and r.confidence >= served.specific_from and deep.confidence < served.classifier_below:
            return self._recognised(r)
        if deep.name != OTHER and not deep.unsure:
            return self._deep_reading(deep.name, deep.confidence, deep.top_names(4), unsure=False)
        if not r.unsure and not (r.scope.kind == "not_legal" and deep.name != OTHER):
            return self._recognised(r)
        if deep.name != OTHER:
            return self._deep_reading(deep.name, deep.confidence, deep.top_names(4), unsure=True)
        return CauseReading(OTHER, None, None, r.confidence, True, self._alternatives(r)[:3], "civil", None)

    def _beyond_deep(self, r: Recognition) -> bool:
        """Whether the recogniser names a civil cause whose assessment is not one of the 18 deep tables."""
        if not r.scope.civil or r.cause is None:
            return False
        name = self.assessed_name(r.cause)
        return name == OTHER or name not in self.classifier.causes

    def _alternatives(self, r: Recognition) -> list[str]:
        alternatives: list[str] = []
        for alt in (r.cause, *(a.cause for a in r.alternatives)):
            other = self.assessed_name(alt)
            if other != OTHER and other not in alternatives:
                alternatives.append(other)
        return alternatives

    def _recognised(self, r: Recognition) -> CauseReading:
        """The recogniser's sure answer as a reading."""
        name = self.assessed_name(r.cause) if r.scope.civil else OTHER
        return CauseReading(
            name=name,
            catalogue_name=r.cause,
            family=self.catalogue.family(r.cause).label if r.cause and r.cause in self.catalogue else None,
            confidence=r.confidence,
            unsure=False,
            alternatives=[a for a in self._alternatives(r) if a != name][:3],
            scope=r.scope.kind,
            scope_reason=None if r.scope.civil else f"{r.scope.reason}（{r.scope.source}）",
        )

    def _deep_reading(self, name: str, confidence: float, top: list[str], *, unsure: bool) -> CauseReading:
        return CauseReading(
            name=name,
            catalogue_name=name,
            family=self.catalogue.family(name).label if name in self.catalogue else None,
            confidence=confidence,
            unsure=unsure,
            alternatives=[n for n in top if n not in (name, OTHER)][:3],
            scope="civil",
            scope_reason=None,
        )

    def similar_names(self, cause: str) -> frozenset[str]:
        """The cause names whose judgments are "of this cause" for similar cases and their counts: the cause, its
        sub-causes in the catalogue, and the older names judgments were filed under (生命权、健康权、身体权纠纷 for
        today's 生命权、身体权、健康权纠纷). A name outside the catalogue stands for itself."""
        return self.catalogue.search_names(cause)

    def find_area(self, text: str) -> str | None:
        """The street/township of this court's area named in ``text`` (or the district), else None."""
        match = self.court.locate(text)
        if match.kind != "local":
            return None
        for unit in self.court.area:
            if match.matched in unit.aliases:
                return unit.name
        return self.court.district

    # -- intake --------------------------------------------------------------------------------------
    def extract(self, story: str, cause: str | None, today: date) -> dict[str, Any]:
        """Facts the story states; the cause is recognised first when not given."""
        name = cause if cause in self.causes.causes else self.recognise(story).name
        return story_facts(name or OTHER, story, today, self.court, causes=self.causes, tables=self.slots)

    def slot(self, cause: str, name: str) -> Slot:
        for slot in self.slots.for_cause(cause):
            if slot.name == name:
                return slot
        raise DataFileError(f"{cause}: no slot {name!r}")

    def next_missing_slot(
        self, cause: str, facts: dict[str, Any], exclude: set[str] | frozenset[str] = frozenset()
    ) -> Slot | None:
        return next_missing_slot(cause, facts, self.court, self.slots, exclude=exclude)

    def slot_label(self, name: str) -> str | None:
        """How the workbench names fact ``name`` (a slot, a filing-form field or another extracted fact)."""
        return self.slots.label(name)

    # -- the filing form -----------------------------------------------------------------------------
    @property
    def sensitive_form_fields(self) -> frozenset[str]:
        """Form fields kept encrypted while the dialog holds them (ID and mobile numbers)."""
        return self.slots.sensitive_form_fields

    def next_form_field(self, form: dict[str, Any], facts: dict[str, Any]) -> Slot | None:
        """The next filing-form field to ask (None when the form is complete)."""
        return next_form_field(form, facts, self.slots)

    def answer_form_field(self, name: str, text: str) -> str:
        """The normalised answer to form field ``name``. Raises :class:`InputError` (polite) when it is unusable."""
        for slot in self.slots.form:
            if slot.name == name:
                return answer_form_field(slot, text)
        raise DataFileError(f"filing form: no field {name!r}")

    def accepts_no(self, cause: str, slot_name: str) -> bool:
        """Whether "没有/无" is a real answer to this slot (no evidence, no agreed date, a no) — not a skip."""
        slot = self.slot(cause, slot_name)
        return slot.type in ("evidence", "bool") or slot.name == "due_date"

    def answer_slot(self, cause: str, slot_name: str, text: str, facts: dict[str, Any], today: date) -> dict[str, Any]:
        """The facts to add for this reply. Raises :class:`InputError` (polite) when it cannot be read."""
        slot = self.slot(cause, slot_name)
        new, ok = apply_answer(cause, slot, text, facts, today, court=self.court, causes=self.causes, tables=self.slots)
        if not ok:
            raise InputError(
                f"unclear answer to {slot_name}", _UNCLEAR.get(slot.type, "没太看明白，请换个说法再说一次。")
            )
        return {k: v for k, v in new.items() if facts.get(k) != v}

    def correct(
        self, cause: str, text: str, facts: dict[str, Any], today: date, last_slot: Slot | None = None
    ) -> dict[str, Any]:
        """The facts after a correction ("不对，是三万"); ``last_slot`` is the question just asked."""
        return apply_correction(
            cause, text, facts, today, last_slot=last_slot, court=self.court, causes=self.causes, tables=self.slots
        )

    # -- consent to mediation ------------------------------------------------------------------------
    def read_consent(self, text: str) -> Consent:
        """The answer to "愿意先通过人民调解解决吗？" by meaning: "yes", "no" or "unclear" (knowledge.consent)."""
        return read_consent(text)

    def read_consent_change(self, text: str) -> Stance | None:
        """A later message that changes the answer ("我改主意了，还是调解吧" → "yes"), else None."""
        return read_consent_change(text)

    # -- assessment ----------------------------------------------------------------------------------
    def assess(
        self, text: str, facts: dict[str, Any] | None, today: date | None, searcher: Searcher | None = None
    ) -> Assessment:
        return assess(self, text, facts, today, searcher=searcher)

    def assess_dialog(self, data: dict[str, Any], today: date, searcher: Searcher | None = None) -> Assessment:
        """Assess from the chat's dialog data (``story``, ``cause``, ``facts``)."""
        facts = dict(data.get("facts") or {})
        if data.get("cause"):
            facts["cause"] = data["cause"]
        return self.assess(str(data.get("story") or ""), facts, today, searcher)


_UNCLEAR = {
    "amount": "没看明白金额，请写个数字，比如“5万”或“50000”；不清楚可以回复“不知道”。",
    "date": "没看明白时间，请说个日期或大概的年月，比如“2023年5月”或“去年三月”；不清楚可以回复“不知道”。",
    "evidence": "没看明白有哪些证据，请说一下手里有的，比如“借条、转账记录”；都没有可以回复“都没有”。",
    "place": "没看明白地点，请说到区县、乡镇或街道，比如“山阳区百间房街道”；不清楚可以回复“不知道”。",
    "bool": "请回复“是”或“否”；不清楚可以回复“不知道”。",
}


def build_knowledge(settings: Settings, embedder: Embedder | None = None) -> Knowledge:
    """Load every table (cross-checked), the court from ``settings.court_config`` and build the classifier.

    ``embedder`` is retrieval's model (``retrieval.embedder.make_embedder``); a fake one (``name`` starting
    with "fake") is ignored for cause recognition, which then uses keywords + lexical examples.
    """
    causes = load_causes()
    slots = load_slot_tables()
    jurisdiction, limitation, mediation = load_jurisdiction_rules(), load_limitation_rules(), load_mediation_rules()
    catalogue = load_catalogue()
    # every civil cause of the catalogue without a deep table is assessed by its family (knowledge.generic)
    causes, slots, limitation = extend_tables(
        catalogue, causes, slots=slots, limitation=limitation, jurisdiction=jurisdiction, mediation=mediation
    )
    no_slots = set(causes.names) - set(slots.causes)
    if no_slots:
        raise DataFileError(f"slots.yaml: no slot table for {sorted(no_slots)}")
    for name, spec in causes.causes.items():
        if spec.jurisdiction not in jurisdiction.rules:
            raise DataFileError(f"{name}: unknown jurisdiction rule {spec.jurisdiction!r}")
        if spec.limitation not in limitation.rules:
            raise DataFileError(f"{name}: unknown limitation rule {spec.limitation!r}")
        if spec.mediation not in mediation.classes:
            raise DataFileError(f"{name}: unknown mediation class {spec.mediation!r}")
    interruptions = load_interruption_cues()
    unread = sorted(
        {i.kind for i in limitation.interruptions + limitation.labour_interruptions} - set(interruptions.kinds)
    )
    if unread:
        raise DataFileError(f"limitation.yaml: interruptions of kinds interruptions.yaml does not know: {unread}")
    cues = load_cues()
    unlabelled = sorted({*cues.date_roles, *cues.place_roles, *cues.flags} - set(slots.labels))
    if unlabelled:
        raise DataFileError(f"slots.yaml: facts the extractor writes have no label: {unlabelled}")
    court = Court.load(Path(settings.court_config))
    if embedder is not None and str(getattr(embedder, "name", "")).startswith("fake"):
        # a hashing stand-in (tests, trial runs) carries no meaning; weighting it like a real model hurts
        log.info("cause recognition ignores the fake embedder; keywords + lexical examples only")
        embedder = None
    classifier = CauseClassifier(
        causes.names, config=load_classifier_config(), examples=load_examples(), embedder=embedder
    )
    log.info(
        "knowledge loaded: %d causes, %d examples, embedder=%s",
        len(causes.causes),
        classifier.example_count,
        type(embedder).__name__ if embedder else "none",
    )
    return Knowledge(
        causes=causes,
        slots=slots,
        fees=load_fee_rules(),
        limitation=limitation,
        interruptions=interruptions,
        small_claims=load_small_claims_rules(),
        jurisdiction=jurisdiction,
        mediation=mediation,
        routing=load_routing_rules(),
        guarantee=load_guarantee_rules(),
        risks=load_risk_notice(),
        classifier=classifier,
        court=court,
        catalogue=catalogue,
        recogniser=CauseRecogniser(catalogue, load_cue_table(), classifier),
    )
