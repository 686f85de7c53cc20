"""Carrier webhooks (EasyPost tracking events)."""
