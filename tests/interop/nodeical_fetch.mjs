// Subscribe the way a Node.js app does with node-ical: fetch the feed from its URL, then print
// what node-ical understood, one object per VEVENT, as JSON on stdout.
//
// argv[2]: the feed's URL. Run with TZ=UTC, so an all-day date comes back as UTC midnight.
import ical from "node-ical";

const data = await ical.async.fromURL(process.argv[2]);
const events = [];
for (const value of Object.values(data)) {
  if (value.type !== "VEVENT") continue;
  events.push({
    uid: value.uid,
    start: value.start.getTime(),
    end: value.end.getTime(),
    date: value.datetype === "date",
    sequence: Number(value.sequence ?? 0),
    summary: value.summary ?? "",
  });
}
process.stdout.write(JSON.stringify(events));
