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

variable "scores" {
  description = "Race results to seed: player key => best score."
  type        = map(number)
  default = {
    Player_Ava   = 4820
    Player_Ben   = 3175
    Player_Chloe = 5960
    Player_Dev   = 2410
    Player_Eli   = 5105
    Player_Fay   = 1290
  }
}

variable "top_n" {
  description = "How many places the leaderboard shows."
  type        = number
  default     = 3
}

# Seed one ordered entry per player. In a live game the servers write these; seeding them
# from Terraform gives a test environment a known leaderboard.
resource "roblox_ordered_entry" "score" {
  for_each = var.scores

  datastore_name = "RaceLeaderboard"
  key            = each.key
  value          = each.value
}

# The read side, as an external website would use it: the top N, highest first.
data "roblox_ordered_entries" "top" {
  datastore_name = "RaceLeaderboard"
  descending     = true
  limit          = var.top_n

  # A data source is read while planning, before the entries above exist. Depending on them
  # makes Terraform read it after they are written, so the first apply already shows the real top N.
  depends_on = [roblox_ordered_entry.score]
}

output "top" {
  description = "The leaderboard, highest score first."
  value = [
    for i, e in data.roblox_ordered_entries.top.entries : {
      place  = i + 1
      player = e.key
      score  = e.value
    }
  ]
}

output "seeded" {
  description = "Every seeded score, to check the leaderboard against."
  value       = var.scores
}
