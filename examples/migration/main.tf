terraform {
  required_providers {
    roblox = {
      source = "terraform-roblox/roblox"
    }
  }
}

# The API key, the base URL and the default universe come from the environment:
# ROBLOX_API_KEY, ROBLOX_BASE_URL (leave it unset for the real service) and ROBLOX_UNIVERSE_ID.
provider "roblox" {}

variable "source_datastore" {
  description = "Data store holding the entries in the old schema."
  type        = string
  default     = "Inventory"
}

variable "target_datastore" {
  description = "Data store that receives the entries in the new schema."
  type        = string
  default     = "InventoryV2"
}

# Every entry of the old store with its value, attributes and user ids (one read per entry).
data "roblox_datastore_entries" "source" {
  datastore_name = var.source_datastore
  include_values = true
}

locals {
  # Old schema: {"currency": 120, "weapon": "Sword", "level": 3}
  # New schema: {"schema_version": 2, "wallet": {"coins": 120, "gems": 0}, "loadout": {"primary": "Sword"}, "level": 3}
  old = { for e in data.roblox_datastore_entries.source.entries : e.key => merge(e, { data = jsondecode(e.value) }) }

  migrated = {
    for key, e in local.old : key => {
      value = {
        schema_version = 2
        wallet         = { coins = e.data.currency, gems = 0 }
        loadout        = { primary = e.data.weapon }
        level          = e.data.level
      }
      user_ids = e.user_ids
    }
  }
}

resource "roblox_datastore_entry" "migrated" {
  for_each = local.migrated

  datastore_name = var.target_datastore
  key            = each.key
  value          = jsonencode(each.value.value)
  attributes     = jsonencode({ migrated_from = var.source_datastore })
  # Keep the user ids, so a GDPR erasure request still finds the new entry.
  user_ids = each.value.user_ids
}

output "migrated_keys" {
  description = "Keys written to the target data store."
  value       = sort(keys(roblox_datastore_entry.migrated))
}
