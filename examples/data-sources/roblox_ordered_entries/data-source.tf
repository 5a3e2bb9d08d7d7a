# The read side of a leaderboard: the ten players with the most wins this week, ready to
# publish on a website. A key with only universe.ordered-data-store.scope.entry:read is enough.
data "roblox_ordered_entries" "top_10" {
  datastore_name = "WeeklyWins"
  descending     = true
  limit          = 10
}

output "leaderboard" {
  value = [
    for i, entry in data.roblox_ordered_entries.top_10.entries : {
      rank    = i + 1
      user_id = entry.key
      wins    = entry.value
    }
  ]
}

# Everyone between 1,000 and 4,999 wins, lowest first: the players one tier below the top.
data "roblox_ordered_entries" "gold_tier" {
  datastore_name = "WeeklyWins"
  min_value      = 1000
  max_value      = 4999
}
