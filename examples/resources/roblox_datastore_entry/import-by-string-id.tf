# Adopt an entry that already exists (game servers or another tool created it); the next
# terraform plan shows any difference between it and the configuration.
import {
  to = roblox_datastore_entry.winter_event
  id = "1234567890/LiveOps/staging/events%2Fwinter-festival"
}
