# The import ID is universe_id/datastore_name/scope/key, each segment percent-encoded.
terraform import roblox_ordered_entry.course_record 1234567890/RaceTimesMs/season-12/course_record

# Quote addresses with for_each keys for the shell.
terraform import 'roblox_ordered_entry.staging_wins["1810263751"]' 1234567890/WeeklyWins/staging/1810263751
