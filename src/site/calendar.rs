//! iCalendar files (RFC 5545, SPEC 7 and 10): `calendar.ics` over every
//! model and `<model>/calendar.ics` per model, all-day events of three
//! kinds:
//!
//! - each shipped release (finals, candidates and stream builds), once, on
//!   its date, titled with the model's title and the version; a release
//!   that fulfils a slot names the slot, which has no event of its own;
//! - each other slot of a scheduled channel (past ones and the next four:
//!   skipped, missed, planned, open), saying its state;
//! - each known end of support of a major line, "<model title> <major>.x
//!   end of support".
//!
//! A small writer of our own: TEXT values are escaped (`\\`, `\;`, `\,`,
//! `\n`), lines end in CRLF and are folded at 75 octets without splitting a
//! UTF-8 character. UIDs are derived from data (`slot-<model>-<channel>-<date>@<host>`,
//! `release-<model>-<channel>-<version>@<host>`,
//! `eol-<model>-<channel>-<major>@<host>`) and so is DTSTAMP (the site's
//! newest change, see [`stamp`]), never the clock: the same site and
//! `today` give the same bytes.
//!
//! Part of the site layer.

use chrono::NaiveDate;

use super::OutputFile;
use super::catalog::Catalog;
use crate::model::manifest::Status;
use crate::model::schedule::{Slot, SlotState};

pub const PRODID: &str = "-//cadence//cadence-site//EN";

pub fn render(catalog: &Catalog) -> Vec<OutputFile> {
    let mut out = vec![OutputFile::new(
        "calendar.ics",
        calendar(catalog, None, &catalog.config.title),
    )];
    for model in catalog.config.models.values() {
        let name = format!("{}: {}", catalog.config.title, model.title);
        out.push(OutputFile::new(
            format!("{}/calendar.ics", model.id),
            calendar(catalog, Some(&model.id), &name),
        ));
    }
    out
}

/// One VEVENT before it is written.
struct Event {
    uid: String,
    date: NaiveDate,
    summary: String,
    description: String,
    url: String,
}

/// DTSTAMP of every event: the newest date the site's data carries (a
/// shipped release's date or yank date, a skip's announcement), which
/// changes exactly when the published data does; 1970-01-01 for a site with
/// none. Slot states also move with `today` (open to missed); clients
/// re-read a subscribed calendar anyway.
fn stamp(catalog: &Catalog) -> String {
    let site = catalog.site;
    let newest = site
        .releases
        .iter()
        .filter(|r| r.status.shipped())
        .flat_map(|r| std::iter::once(r.date).chain(r.yanked.as_ref().map(|y| y.date)))
        .chain(site.skips.iter().map(|s| s.announced))
        .max()
        .unwrap_or(NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date"));
    format!("{}T000000Z", newest.format("%Y%m%d"))
}

fn calendar(catalog: &Catalog, model: Option<&str>, name: &str) -> Vec<u8> {
    let host = catalog.config.host();
    let mut events: Vec<Event> = Vec::new();
    for timeline in &catalog.timelines {
        if model.is_some_and(|m| m != timeline.model) {
            continue;
        }
        // A released slot is the event of the release that fulfils it.
        for slot in timeline
            .slots
            .iter()
            .filter(|s| s.state != SlotState::Released)
        {
            events.push(slot_event(catalog, slot, host));
        }
    }
    for (i, r) in catalog.site.releases.iter().enumerate() {
        if r.status.shipped() && model.is_none_or(|m| m == r.model) {
            events.push(release_event(catalog, i, host));
        }
    }
    for (n, line) in catalog.lines.iter().enumerate() {
        if line.eol.is_some() && model.is_none_or(|m| m == line.model) {
            events.push(eol_event(catalog, n, host));
        }
    }
    events.sort_by(|a, b| (a.date, &a.uid).cmp(&(b.date, &b.uid)));

    let mut ics = Writer::default();
    ics.line("BEGIN", "VCALENDAR");
    ics.line("VERSION", "2.0");
    ics.line("PRODID", PRODID);
    ics.line("CALSCALE", "GREGORIAN");
    ics.line("METHOD", "PUBLISH");
    ics.line("X-WR-CALNAME", &text(name));
    if !catalog.config.description.trim().is_empty() {
        ics.line("X-WR-CALDESC", &text(&catalog.config.description));
    }
    let dtstamp = stamp(catalog);
    for e in &events {
        ics.line("BEGIN", "VEVENT");
        ics.line("UID", &text(&e.uid));
        ics.line("DTSTAMP", &dtstamp);
        ics.line("DTSTART;VALUE=DATE", &e.date.format("%Y%m%d").to_string());
        let end = e.date.succ_opt().unwrap_or(e.date);
        ics.line("DTEND;VALUE=DATE", &end.format("%Y%m%d").to_string());
        ics.line("SUMMARY", &text(&e.summary));
        ics.line("DESCRIPTION", &text(&e.description));
        ics.line("URL", &e.url);
        ics.line("TRANSP", "TRANSPARENT");
        ics.line("END", "VEVENT");
    }
    ics.line("END", "VCALENDAR");
    ics.out.into_bytes()
}

/// A shipped release, on its date, naming the slot it fulfils.
fn release_event(catalog: &Catalog, i: usize, host: &str) -> Event {
    let r = catalog.release(i);
    let config = catalog.config;
    let model = config.models.get(&r.model).map_or(&r.model, |m| &m.title);
    let channel = config
        .channels
        .get(&r.channel)
        .map_or(&r.channel, |c| &c.title);
    let kind = if catalog.info[i].candidate {
        "release candidate"
    } else {
        "release"
    };
    let mut description = format!(
        "{}: {kind} on the {channel} channel.\n{}",
        catalog.title(r),
        r.summary.trim()
    );
    let mut summary = format!("{model} {}", r.version);
    if let Some(slot) = catalog
        .slot_of_release(i)
        .filter(|s| s.state == SlotState::Released)
    {
        summary.push_str(&format!(" (slot {})", slot.date));
        description.push_str(&format!(
            "\nFulfils the {channel} slot of {} (window {} to {}).",
            slot.date, slot.window_start, slot.window_end
        ));
    }
    if let (Status::Yanked, Some(y)) = (r.status, &r.yanked) {
        summary.push_str(" (yanked)");
        description.push_str(&format!("\nYanked on {}: {}", y.date, y.reason.trim()));
    }
    Event {
        uid: format!("release-{}-{}-{}@{host}", r.model, r.channel, r.version),
        date: r.date,
        summary,
        description,
        url: catalog.url(&catalog.info[i].path),
    }
}

/// A line's known end of support (SPEC 10).
fn eol_event(catalog: &Catalog, n: usize, host: &str) -> Event {
    let line = &catalog.lines[n];
    let title = catalog.line_title(n);
    let eol = catalog.eol_date(n);
    let latest = catalog.release(line.latest);
    let channel = catalog
        .config
        .channels
        .get(&line.channel)
        .map_or(&line.channel, |c| &c.title);
    let mut description = format!(
        "{title} on the {channel} channel is supported until {eol}; after that it gets no fixes. Its latest release is {} ({}).",
        latest.version, latest.date
    );
    if line.lts {
        description.push_str(" It is a long-term support line.");
    }
    if let Some(note) = &line.note {
        description.push('\n');
        description.push_str(&super::markdown::plain_text(note));
    }
    Event {
        uid: format!("eol-{}-{}-{}@{host}", line.model, line.channel, line.major),
        date: eol,
        summary: format!("{title} end of support"),
        description,
        url: catalog.url(&line.path),
    }
}

/// A slot that no shipped release fulfils, with its state.
fn slot_event(catalog: &Catalog, slot: &Slot, host: &str) -> Event {
    let release = slot.release.map(|i| (i, catalog.release(i)));
    let state = match (slot.state, release) {
        (SlotState::Released, Some((_, r))) if r.status == Status::Yanked => {
            format!("released {} (yanked)", r.version)
        }
        (SlotState::Released | SlotState::Planned, Some((_, r))) => {
            format!("{} {}", slot.state.as_str(), r.version)
        }
        (state, _) => state.as_str().to_string(),
    };
    let mut description = format!(
        "Release window {} to {}.\n",
        slot.window_start, slot.window_end
    );
    let mut path = "schedule/".to_string();
    match slot.state {
        SlotState::Released | SlotState::Planned => {
            if let Some((i, r)) = release {
                let verb = if slot.state == SlotState::Planned {
                    "Planned"
                } else {
                    "Released"
                };
                description.push_str(&format!(
                    "{verb}: {} on {}. {}",
                    catalog.title(r),
                    r.date,
                    r.summary.trim()
                ));
                path = catalog.info[i].path.clone();
            }
        }
        SlotState::Skipped => {
            if let Some(k) = slot.skip {
                let s = catalog.skip(k);
                description.push_str(&format!(
                    "Skipped (announced {}). {}",
                    s.announced,
                    super::markdown::plain_text(&s.reason)
                ));
                path = catalog.skip_path(s);
            }
        }
        SlotState::Missed => {
            description.push_str("Missed: the window closed without a release or a skip.")
        }
        SlotState::Open => description.push_str("Open: no release is planned for this slot yet."),
    }
    let config = catalog.config;
    let model = config
        .models
        .get(&slot.model)
        .map_or(&slot.model, |m| &m.title);
    let channel = config
        .channels
        .get(&slot.channel)
        .map_or(&slot.channel, |c| &c.title);
    Event {
        uid: format!("slot-{}-{}-{}@{host}", slot.model, slot.channel, slot.date),
        date: slot.date,
        summary: format!("{model} ({channel}) slot: {state}"),
        description: description.trim_end().to_string(),
        url: catalog.url(&path),
    }
}

/// Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma
/// get a backslash, a line break becomes `\n`; other control characters
/// (not allowed in TEXT) and noncharacters are dropped
/// ([`super::refused`]), a tab kept.
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if super::refused::refused(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Fold a content line (RFC 5545 3.1): at most 75 octets a line, CRLF and
/// a space before each continuation, never inside a UTF-8 character.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 60 * 3 + 2);
    fold_into(&mut out, [line]);
    out
}

/// [`fold`] the concatenation of `parts` onto the end of `out`.
fn fold_into<'a>(out: &mut String, parts: impl IntoIterator<Item = &'a str>) {
    const LIMIT: usize = 75;
    let mut used = 0;
    for part in parts {
        let mut rest = part;
        while !rest.is_empty() {
            // The longest prefix that still fits, cut at a character
            // boundary; a continuation line starts with a space.
            let room = LIMIT - used;
            if rest.len() <= room {
                out.push_str(rest);
                used += rest.len();
                break;
            }
            let mut cut = room;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push_str(&rest[..cut]);
            out.push_str("\r\n ");
            used = 1;
            rest = &rest[cut..];
        }
    }
    out.push_str("\r\n");
}

#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    /// `NAME[;PARAMS]:value`, folded; `value` already escaped.
    fn line(&mut self, name: &str, value: &str) {
        fold_into(&mut self.out, [name, ":", value]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_the_four_specials() {
        assert_eq!(text(r"a\b"), r"a\\b");
        assert_eq!(text("a;b,c"), r"a\;b\,c");
        assert_eq!(text("one\ntwo\r\nthree\rfour"), r"one\ntwo\nthree\nfour");
        assert_eq!(text("tab\there\u{7}"), "tab\there");
        assert_eq!(text("a\u{85}b\u{fffe}c\u{1b}d"), "abcd");
        assert_eq!(text("plain: text"), "plain: text");
    }

    #[test]
    fn short_lines_are_not_folded() {
        assert_eq!(fold("SUMMARY:short"), "SUMMARY:short\r\n");
        let exactly = format!("X:{}", "a".repeat(73));
        assert_eq!(exactly.len(), 75);
        assert_eq!(fold(&exactly), format!("{exactly}\r\n"));
    }

    #[test]
    fn long_lines_fold_at_75_octets() {
        let line = format!("DESCRIPTION:{}", "x".repeat(200));
        let folded = fold(&line);
        let parts: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(parts.len() > 2);
        assert_eq!(parts[0].len(), 75);
        for p in &parts[1..] {
            assert!(p.starts_with(' '));
            assert!(p.len() <= 75);
        }
        // Unfolding gives the line back.
        assert_eq!(folded.trim_end_matches("\r\n").replace("\r\n ", ""), line);
    }

    #[test]
    fn folding_never_splits_a_multibyte_character() {
        // 'é' is 2 octets, '€' 3, '🚀' 4: with 0 to 3 fillers every
        // boundary position gets tried.
        for filler in 0..4 {
            let line = format!("SUMMARY:{}{}", "a".repeat(filler), "é€🚀".repeat(40));
            let folded = fold(&line);
            let bytes = folded.as_bytes();
            let parts: Vec<&[u8]> = bytes[..bytes.len() - 2].split(|&b| b == b'\n').collect();
            for (n, part) in parts.iter().enumerate() {
                let part = part.strip_suffix(b"\r").unwrap_or(part);
                assert!(part.len() <= 75, "{} octets", part.len());
                // Each physical line is whole UTF-8 on its own.
                let part = std::str::from_utf8(part).expect("a line splits a character");
                if let Some(next) = parts.get(n + 1) {
                    // Folded only because the next character did not fit.
                    let next = std::str::from_utf8(&next[1..]).unwrap();
                    let c = next.chars().next().unwrap();
                    assert!(part.len() + c.len_utf8() > 75, "folded early: {part:?}");
                }
            }
            assert_eq!(folded.trim_end_matches("\r\n").replace("\r\n ", ""), line);
        }
    }
}
