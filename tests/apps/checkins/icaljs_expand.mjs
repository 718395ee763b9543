// Expands an iCalendar file with Mozilla's ical.js (the library behind Thunderbird's
// calendar), as a second client independent of the Python stack. Reads the .ics on stdin,
// takes the window as two ISO 8601 UTC instants (start inclusive, end exclusive) and prints
// {"<UID>": [["<start UTC>", "<end UTC>"], ...]} with every instance starting in the window.
// Only the calendar's own VTIMEZONE components define the zones (ical.js has no tz database),
// so a VTIMEZONE that stops too early shows up here as an hour's difference.
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const [from, to] = process.argv.slice(2).map((text) => Date.parse(text));
if (Number.isNaN(from) || Number.isNaN(to)) {
  console.error("usage: node icaljs_expand.mjs <from> <to> < calendar.ics");
  process.exit(2);
}
const calendar = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
}

const masters = new Map();
const exceptions = [];
for (const vevent of calendar.getAllSubcomponents("vevent")) {
  // An empty list: left alone, ical.js relates every RECURRENCE-ID of the whole calendar to
  // each master, whatever its UID (two series with a meeting at the same local time would
  // share one's move). Calendar apps group by UID first; so do we, below.
  const event = new ICAL.Event(vevent, { exceptions: [] });
  if (event.isRecurrenceException()) exceptions.push(event);
  else if (masters.has(event.uid)) throw new Error(`two masters for ${event.uid}`);
  else masters.set(event.uid, event);
}
for (const exception of exceptions) {
  const master = masters.get(exception.uid);
  if (!master) throw new Error(`an override without its master: ${exception.uid}`);
  master.relateException(exception);
}

const iso = (time) => time.toJSDate().toISOString();
const found = {};
for (const [uid, event] of masters) {
  const instances = [];
  const add = (start, end) => {
    const at = start.toJSDate().getTime();
    if (from <= at && at < to) instances.push([iso(start), iso(end)]);
  };
  if (!event.isRecurring()) {
    add(event.startDate, event.endDate);
  } else {
    const iterator = event.iterator();
    // A moved occurrence may lie up to a few days from its computed slot.
    const stop = to + 8 * 24 * 3600 * 1000;
    for (let next = iterator.next(); next; next = iterator.next()) {
      if (next.toJSDate().getTime() >= stop) break;
      const details = event.getOccurrenceDetails(next);
      add(details.startDate, details.endDate);
    }
  }
  instances.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  found[uid] = instances;
}
process.stdout.write(JSON.stringify(found));
