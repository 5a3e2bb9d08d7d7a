# Seed the staging leaderboard so the lobby's top-10 board has something to show.
resource "roblox_ordered_entry" "staging_wins" {
  for_each = {
    "1810263751" = 4200
    "2208417590" = 3150
    "3090562214" = 980
  }

  datastore_name = "WeeklyWins"
  scope          = "staging"
  key            = each.key
  value          = each.value
}

# A house record that tournament players try to beat.
resource "roblox_ordered_entry" "course_record" {
  datastore_name = "RaceTimesMs"
  scope          = "season-12"
  key            = "course_record"
  value          = 92750
}
