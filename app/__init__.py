"""The application: the litigant-facing HTTP routes (``/wechat``, ``/chat`` and ``/api/chat``, ``/api/assess``,
``/api/similar``), the runtime that builds every heavy part once, and the one typed dependency module
(:mod:`app.deps`) through which routes — the workbench's included — reach them.

A package of its own because wiring is a responsibility of its own: ``bot/`` is the conversation and knows
nothing of HTTP or of how the parts are built; ``app/`` puts the conversation, the knowledge, retrieval and
casework together and serves them. Layering (a test keeps it): core → retrieval → knowledge → casework → bot →
app → web → server.py.
"""
