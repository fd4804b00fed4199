"""The litigant-facing routes. Each module holds one router; ``server.create_app`` includes them."""
