# The import ID is universe_id/datastore_name/scope/key, each segment percent-encoded.
terraform import roblox_datastore_entry.feature_flags 1234567890/LiveOps/global/FeatureFlags

# A "/" inside a key is written %2F: this imports key "events/winter-festival" of scope "staging".
terraform import roblox_datastore_entry.winter_event 1234567890/LiveOps/staging/events%2Fwinter-festival
