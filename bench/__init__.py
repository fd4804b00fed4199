"""Benchmarks of the whole product: ``python -m bench.load`` (``make bench``).

Modules:

* ``bench.wxclient`` — builds WeChat callback requests (plaintext and safe/AES mode) the way the WeChat server
  does, with ``bot.wechat.crypto``, and reads the passive replies back;
* ``bench.user`` — a simulated litigant that reads each reply and decides what to send next (greet → story →
  confirm → answers → assessment → route → the route's own questions);
* ``bench.corpus`` — indexes of 1k/10k/100k judgments (the shipped CAIL corpus replicated by
  ``bench.retrieval``), cached under ``var/bench``;
* ``bench.server`` — the product's uvicorn in a subprocess (and a Chroma server), with memory readings;
* ``bench.floor`` — the bare cost of one query embedding + one ANN query + one BM25 query on the same index;
* ``bench.growth`` — ingestion throughput, peak memory, index size on disk, the projection to 1M and the plot;
* ``bench.retrieval`` — the retrieval bench on its own (``make bench-retrieval``): ingestion throughput and the
  similar-case query latency at 1.5k and 100k judgments;
* ``bench.load`` — the driver: load over real HTTP on loopback at each size, the floor, the 4-worker run
  (PostgreSQL + Chroma server), growth; prints every table.

Nothing here is imported by the product. Figures are printed, never asserted: a noisy machine must not fail CI.
"""
