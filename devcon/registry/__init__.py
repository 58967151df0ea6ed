"""OCI distribution access: client, credentials, cache."""
