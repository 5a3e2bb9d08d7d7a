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

variable "double_xp" {
  description = "Turns on the double XP weekend. Game servers read the flag and start the event."
  type        = bool
  default     = false
}

# One entry holds the whole live configuration, so a pull request that changes it shows every
# flag and event in one reviewable JSON diff.
resource "roblox_datastore_entry" "config" {
  datastore_name = "LiveOps"
  key            = "config"

  value = jsonencode({
    flags = {
      double_xp       = var.double_xp
      new_shop_ui     = true
      trading_enabled = false
    }
    events = [
      {
        name   = "summer_splash"
        starts = "2025-07-04T16:00:00Z"
        ends   = "2025-07-11T16:00:00Z"
      },
      {
        name   = "halloween_hunt"
        starts = "2025-10-24T16:00:00Z"
        ends   = "2025-11-01T16:00:00Z"
      },
    ]
  })

  # Attributes travel with the entry and are readable without parsing the value.
  attributes = jsonencode({
    owner  = "liveops-team"
    schema = "1"
  })
}

output "flags" {
  description = "The flags as game servers will read them."
  value       = jsondecode(roblox_datastore_entry.config.value).flags
}
