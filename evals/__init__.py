"""Evaluations on held-out data — cause recognition, retrieval, the legal regression table — kept out of the
runtime packages; each prints its figures (``make eval-…``)."""
