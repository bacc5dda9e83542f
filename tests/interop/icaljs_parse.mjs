// Parse many feeds with ical.js (Mozilla's parser, used by Thunderbird) in one node process.
//
// stdin: a JSON array of base64-encoded feeds. stdout: a JSON array with, per feed, either
// {"events": [...]} or {"error": "..."}. Bytes go in as base64 so that invalid UTF-8 reaches
// the strict decoder below instead of being repaired on the way.
//
// ical.js alone is lenient (it accepts a VEVENT without UID or DTSTAMP, and DTEND before
// DTSTART), so the checks a calendar client relies on are added here.
import ICAL from "ical.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

function instant(time, what) {
  if (time.isDate) {
    return { kind: "date", value: time.toString() };
  }
  if (time.zone === ICAL.Timezone.utcTimezone) {
    return { kind: "utc", value: time.toUnixTime() };
  }
  if (time.zone === ICAL.Timezone.localTimezone) {
    throw new Error(`${what} is a floating time: ${time.toString()}`);
  }
  return { kind: "utc", value: time.toUnixTime() };
}

function checkTzids(calendar, component) {
  const known = new Set(
    calendar.getAllSubcomponents("vtimezone").map((zone) => zone.getFirstPropertyValue("tzid")),
  );
  for (const property of component.getAllProperties()) {
    const tzid = property.getParameter("tzid");
    if (tzid !== undefined && !known.has(tzid)) {
      throw new Error(`${property.name.toUpperCase()} uses TZID ${tzid} without a VTIMEZONE`);
    }
  }
}

function parseFeed(text) {
  const jcal = ICAL.parse(text);
  if (!Array.isArray(jcal) || typeof jcal[0] !== "string") {
    throw new Error("expected exactly one top-level component");
  }
  const calendar = new ICAL.Component(jcal);
  if (calendar.name !== "vcalendar") {
    throw new Error(`top-level component is ${calendar.name}, not vcalendar`);
  }
  for (const name of ["version", "prodid"]) {
    if (!calendar.hasProperty(name)) {
      throw new Error(`VCALENDAR without ${name.toUpperCase()}`);
    }
  }
  const events = [];
  for (const vevent of calendar.getAllSubcomponents("vevent")) {
    for (const name of ["uid", "dtstamp", "dtstart"]) {
      if (!vevent.hasProperty(name)) {
        throw new Error(`VEVENT without ${name.toUpperCase()}`);
      }
    }
    if (vevent.hasProperty("dtend") && vevent.hasProperty("duration")) {
      throw new Error("VEVENT with both DTEND and DURATION");
    }
    checkTzids(calendar, vevent);
    const stamp = vevent.getFirstPropertyValue("dtstamp");
    if (stamp.isDate || stamp.zone !== ICAL.Timezone.utcTimezone) {
      throw new Error(`DTSTAMP is not a UTC date-time: ${stamp.toString()}`);
    }
    const event = new ICAL.Event(vevent);
    if (event.startDate.isDate !== event.endDate.isDate) {
      throw new Error("DTSTART and DTEND have different value types");
    }
    if (event.endDate.compare(event.startDate) <= 0) {
      throw new Error(`DTEND ${event.endDate} is not after DTSTART ${event.startDate}`);
    }
    events.push({
      uid: event.uid,
      start: instant(event.startDate, "DTSTART"),
      end: instant(event.endDate, "DTEND"),
      summary: event.summary ?? "",
      description: event.description ?? "",
      categories: vevent.getAllProperties("categories").flatMap((property) => property.getValues()),
    });
  }
  return events;
}

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) {
  input += chunk;
}
const results = JSON.parse(input).map((encoded) => {
  try {
    return { events: parseFeed(decoder.decode(Buffer.from(encoded, "base64"))) };
  } catch (error) {
    return { error: String(error?.message ?? error) };
  }
});
process.stdout.write(JSON.stringify(results));
