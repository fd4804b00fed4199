"""Evaluations of the product on held-out data: cause recognition, retrieval, the legal regression table. Kept out of the runtime packages; each prints its figures (`make eval-…`)."""
