"""Signed webhooks to sellers: subscriptions, the delivery outbox and its deliverer."""
