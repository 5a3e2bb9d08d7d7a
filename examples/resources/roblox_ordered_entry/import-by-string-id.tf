# Adopt an entry that already exists instead of failing to create it.
import {
  to = roblox_ordered_entry.course_record
  id = "1234567890/RaceTimesMs/season-12/course_record"
}
