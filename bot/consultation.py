"""One consultation: everything the conversation knows about a person's dispute, as one typed, versioned model.

The dialog store keeps it as JSON (``DialogRecord.data``); the engine converts at its boundary —
:meth:`Consultation.load` when a record is read, :meth:`Consultation.dump` when it is saved — so handlers and
guidance steps only ever see this model. It is frozen: a step returns a new one (:meth:`replace`).

Fields:

- ``story`` — the person's own description (clipped to ``MAX_TEXT_CHARS``), later additions appended;
- ``cause`` — the recognised and confirmed cause of action (``其他`` for none we analyse), None while unsure;
- ``candidates`` — the closest causes offered when recognition was unsure;
- ``facts`` — slot name → value, as JSON (the slot tables in ``knowledge/data/slots.yaml`` define the names;
  ``facts["unknown"]`` / ``facts["none"]`` list slots answered "不知道" / "没有");
- ``asking`` — the slot or filing-form field the last question asked for;
- ``asked`` / ``skipped`` / ``fails`` — the intake's bookkeeping: slots asked (in order), slots skipped, unclear
  answers per slot (a slot answered unclearly twice is skipped, never asked a third time);
- ``form`` — the filing form's answers by field name; sensitive fields (ID and mobile numbers) are sealed
  (``enc:`` + Fernet with ``PII_KEY``), and the form is emptied once casework holds the filing;
- ``assessment`` — the last assessment (``knowledge``'s ``Assessment`` as JSON), kept for the hand-off;
- ``pages`` — reply pages waiting for "1" (WeChat's text limit);
- ``ticket_question`` — what the person asked a human for (12368 ticket).

Records written before this model existed load too: missing keys take their defaults, ``_pages`` becomes
``pages``, a ``null`` where a list or mapping belongs becomes empty, and keys no field knows (``return_state``)
are dropped. ``version`` says which shape a record has (:data:`VERSION`; records without one are version 0).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

VERSION = 1
_LEGACY_KEYS = {"_pages": "pages"}


class Consultation(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    version: int = VERSION
    story: str = ""
    cause: str | None = None
    candidates: tuple[str, ...] = ()
    facts: dict[str, Any] = {}
    asking: str | None = None
    asked: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    fails: dict[str, int] = {}
    form: dict[str, str] = {}
    assessment: dict[str, Any] | None = None
    pages: tuple[str, ...] = ()
    ticket_question: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, raw: Any) -> Any:
        """Bring an older record's dict to the current shape (see the module docstring)."""
        if not isinstance(raw, dict):
            return raw
        out = dict(raw)
        for old, new in _LEGACY_KEYS.items():
            if old in out:
                value = out.pop(old)
                out.setdefault(new, value)
        for name, field in cls.model_fields.items():
            if out.get(name, "") is None and field.default is not None:
                out.pop(name)  # the old code read these with `.get(...) or {}`: null meant empty
        out["version"] = VERSION
        return out

    @classmethod
    def load(cls, data: dict[str, Any] | None) -> Consultation:
        """The consultation stored in a dialog record's data (empty for a new person)."""
        return cls.model_validate(data or {})

    def dump(self) -> dict[str, Any]:
        """The JSON form the dialog store keeps."""
        return self.model_dump(mode="json")

    def replace(self, **changes: Any) -> Consultation:
        """A copy with ``changes``, validated (a step never edits a consultation in place)."""
        return type(self).model_validate({**self.model_dump(), **changes})
