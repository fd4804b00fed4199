"""Domain knowledge as data (knowledge/data/*.yaml) and the code that reads it.

Start-up builds one :class:`Knowledge` with :func:`build_knowledge`; modules: ``fees``, ``limitation``,
``small_claims``, ``jurisdiction``, ``court``, ``mediation``, ``evidence``, ``risks``, ``causes``,
``classifier``, ``intake``, ``extract``, ``validate``, ``assessment`` (all of them applied to one story).
Errors are in ``knowledge.errors``.
"""

from knowledge.service import Knowledge, build_knowledge

__all__ = ["Knowledge", "build_knowledge"]
