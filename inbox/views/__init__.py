"""The inbox's screens, one module per concern; inbox/urls.py routes to them."""
