# LiveOps feature flags, read by game servers at startup. A pull request that edits this
# block shows the change as a JSON diff in terraform plan.
resource "roblox_datastore_entry" "feature_flags" {
  datastore_name = "LiveOps"
  key            = "FeatureFlags"

  value = jsonencode({
    newShopUi    = true
    tradingHouse = false
    maxPartySize = 6
    matchmaking = {
      region         = "auto"
      rolloutPercent = 25
    }
  })

  attributes = jsonencode({
    owner = "liveops"
  })
}

# An event schedule in the staging scope. Keys may hold "/"; the import ID encodes it as %2F.
resource "roblox_datastore_entry" "winter_event" {
  datastore_name = "LiveOps"
  scope          = "staging"
  key            = "events/winter-festival"

  value = jsonencode({
    enabled  = true
    startsAt = "2025-12-19T17:00:00Z"
    endsAt   = "2026-01-05T17:00:00Z"
    rewards  = ["snow_sled", "candy_cane_sword"]
  })
}

# A test account's inventory, tagged with the player's user id so that a data deletion request
# for that player finds the entry.
resource "roblox_datastore_entry" "qa_inventory" {
  datastore_name = "Inventory"
  key            = "1810263751"

  value = jsonencode({
    currency = 5000
    weapon   = "laser_blaster"
    level    = 30
  })

  user_ids = [1810263751]
}
