# Read configuration that game servers own and use it elsewhere.
data "roblox_datastore_entry" "economy" {
  datastore_name = "LiveOps"
  key            = "Economy"
}

output "daily_reward" {
  value = jsondecode(data.roblox_datastore_entry.economy.value).dailyReward
}

# Copy the production entry into the staging scope, so staging runs with live numbers.
resource "roblox_datastore_entry" "economy_staging" {
  datastore_name = "LiveOps"
  scope          = "staging"
  key            = "Economy"
  value          = data.roblox_datastore_entry.economy.value
}

# Read an entry as it was at an earlier version, for example to see what a bad release
# overwrote. Version ids come from roblox_datastore_entry's version attribute or the
# entry's version history.
data "roblox_datastore_entry" "economy_before_sale" {
  datastore_name = "LiveOps"
  key            = "Economy"
  version        = "08DC1F5A3B7E9D21.0000000042.08DC1F5A3B7E9D21.01"
}
