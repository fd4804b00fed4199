"""The kernel: settings, database plumbing, PII detection/masking and encryption, the audit log, logging set-up
and the migrations runner. It imports nothing of the project; every other package may import it."""
