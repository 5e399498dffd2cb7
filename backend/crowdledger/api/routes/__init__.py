"""The JSON API, one router per resource; crowdledger.api.app assembles them."""
