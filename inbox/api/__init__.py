"""The inbox's part of the JSON API: routers, schemas, auth and error handlers; webcare/api.py assembles them."""
