"""Errors raised by the ``knowledge`` package.

Hierarchy (catch the narrowest one you can handle)::

    KnowledgeError                  base of everything below
    ├── DataFileError               a data file under knowledge/data is missing, unparsable or invalid
    │   └── DuplicateKeyError       a YAML mapping repeats a key (YAML would silently keep the last one)
    ├── UnknownCauseError           a cause name that no table knows
    └── InputError                  input from a person that cannot be used; ``user_message`` is polite Chinese
        ├── IdNumberError           an identity number that fails format, date or checksum rules
        ├── PhoneNumberError        not a mainland mobile number
        └── AmountError             an amount that is negative, not a number or absurdly large

Data errors are programming/configuration faults and should stop start-up; ``InputError`` subclasses are
expected and their ``user_message`` can be shown to the litigant as is.
"""

from __future__ import annotations


class KnowledgeError(Exception):
    """Base class of every error raised by ``knowledge``."""


class DataFileError(KnowledgeError):
    """A data file is missing, cannot be parsed, or does not match its schema."""


class DuplicateKeyError(DataFileError):
    """A YAML mapping contains the same key twice."""


class UnknownCauseError(KnowledgeError, KeyError):
    """A cause name that is not in the cause table."""


class InputError(KnowledgeError, ValueError):
    """Input from a person that cannot be used. ``user_message`` is safe to show (Chinese, polite)."""

    def __init__(self, message: str, user_message: str) -> None:
        super().__init__(message)
        self.user_message = user_message


class IdNumberError(InputError):
    """An identity number that fails the GB 11643 rules."""


class PhoneNumberError(InputError):
    """A number that is not a mainland mobile number."""


class AmountError(InputError):
    """An amount that cannot be used for a fee or threshold computation."""
