"""CrowdLedger backend: reads the chain, stores events, serves them."""
