# Data migration: read every inventory of the old schema and write a transformed copy of each
# into a new data store. Game servers switch to "InventoryV2" once the copies are in place.
data "roblox_datastore_entries" "inventory_v1" {
  datastore_name = "Inventory"
  include_values = true
}

resource "roblox_datastore_entry" "inventory_v2" {
  for_each = {
    for entry in data.roblox_datastore_entries.inventory_v1.entries : entry.key => entry
  }

  datastore_name = "InventoryV2"
  key            = each.key

  # Version 2 keeps a list of weapons instead of a single one.
  value = jsonencode({
    schemaVersion = 2
    currency      = jsondecode(each.value.value).currency
    level         = jsondecode(each.value.value).level
    weapons       = [jsondecode(each.value.value).weapon]
  })

  # Carry the metadata over: null attributes become {}, and the user ids keep the
  # copies findable by data deletion requests.
  attributes = each.value.attributes
  user_ids   = each.value.user_ids
}

# Keys only, which costs one request per page of up to 100 keys: the event schedules of the
# staging scope.
data "roblox_datastore_entries" "staging_events" {
  datastore_name = "LiveOps"
  scope          = "staging"
  prefix         = "events/"
}

# Every key of every scope, for example to review what a store holds before migrating it.
data "roblox_datastore_entries" "liveops" {
  datastore_name = "LiveOps"
  all_scopes     = true
}

output "staging_event_keys" {
  value = data.roblox_datastore_entries.staging_events.entries[*].key
}

output "liveops_keys" {
  value = [for entry in data.roblox_datastore_entries.liveops.entries : "${entry.scope}: ${entry.key}"]
}
