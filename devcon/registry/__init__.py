"""OCI distribution access in layers: transport (HTTP, retries, schemes) under auth (credentials
and the challenge flow) under client (the OCI API); the cache, and factory to build them."""
