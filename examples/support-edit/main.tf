terraform {
  # Import blocks need Terraform 1.5 or newer.
  required_version = ">= 1.5"

  required_providers {
    roblox = {
      source = "terraform-roblox/roblox"
    }
  }
}

# ROBLOX_API_KEY is the support team's key: it may read, update and list the entries of data store
# "Inventory" and nothing else; it cannot create an entry. ROBLOX_BASE_URL (leave it unset for the
# real service) and ROBLOX_UNIVERSE_ID come from the environment as well.
provider "roblox" {}

variable "inventory" {
  description = "User_3's inventory after the edit: what the game wrote, with the fix the ticket asks for."
  type = object({
    currency = number
    weapon   = string
    level    = number
  })
}

variable "reason" {
  description = "Why support changed the entry. It is kept in the entry's attributes, for game servers and the next engineer to read."
  type        = string
}

# The game created this entry, not Terraform (and the support key could not have). The import block
# brings it under management: the plan reads the current value and shows the change against it.
# The ID is universe_id/datastore_name/scope/key; Terraform 1.5 takes only a literal string here, so
# put your experience's universe id (the one in ROBLOX_UNIVERSE_ID) in place of 4242424242.
import {
  to = roblox_datastore_entry.user_3
  id = "4242424242/Inventory/global/User_3"
}

resource "roblox_datastore_entry" "user_3" {
  datastore_name = "Inventory"
  key            = "User_3"
  value          = jsonencode(var.inventory)
  attributes     = jsonencode({ reason = var.reason })
  # The player's user id, as the game tagged the entry: a write without it would clear it, and
  # GDPR erasure requests find entries by it.
  user_ids = [3]
}

output "inventory" {
  description = "User_3's inventory as the game servers will read it."
  value       = jsondecode(roblox_datastore_entry.user_3.value)
}
