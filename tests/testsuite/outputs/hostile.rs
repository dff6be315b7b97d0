//! Defence in depth: text that holds every character a parser refuses
//! (C0 and C1 controls, noncharacters, markup and iCalendar specials),
//! put straight into the loaded site as if a rule had let it through, still
//! gives feeds that are well-formed XML, pages without forbidden code
//! points, calendars that are valid RFC 5545 and JSON that parses back to
//! the same text.

use std::collections::BTreeMap;

use cadence_site::model::load::Site;
use cadence_site::site::build::render_site;
use cadence_site::site::catalog::Catalog;
use cadence_site::site::theme::Theme;

use super::fixture;
use crate::support::SiteTest;

/// Every C0 control, DEL and the C1 controls, noncharacters of the BMP and
/// of other planes, an escape sequence that would retitle a terminal, the
/// five XML specials and the iCalendar ones, and text after all of it that
/// must survive (`start` ... `tail`).
fn hostile() -> String {
    let mut s = String::from("start ");
    s.extend((0u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32));
    s.push_str(" \u{fdd0}\u{fdef}\u{fffe}\u{ffff}\u{1fffe}\u{10ffff}");
    s.push_str(" \u{1b}]0;owned\u{7} & <b>bold</b> \"q\" 'a' ;, \\n \\ é\r\n\u{2028}tail");
    s
}

/// The fixture with hostile text in every text field a page, feed,
/// calendar or API file shows.
fn hostile_site() -> (SiteTest, Site) {
    let (dir, mut site) = fixture::site();
    let h = hostile();
    let c = &mut site.config;
    c.title = format!("Site {h}");
    c.description = format!("Description {h}");
    c.author.name = format!("Author {h}");
    c.notice = Some(format!("Notice {h}"));
    for m in c.models.values_mut() {
        m.title = format!("Model {h}");
        m.description = Some(format!("About {h}"));
    }
    for ch in c.channels.values_mut() {
        ch.title = format!("Channel {h}");
        ch.description = format!("Channel description {h}");
    }
    for m in c.metrics.values_mut() {
        m.title = format!("Metric {h}");
    }
    for r in &mut site.releases {
        r.summary = format!("Summary {h}");
        r.title = Some(format!("Title {h}"));
        r.notes = Some(format!("## Notes {h}\n\nParagraph {h}\n\n- item {h}\n"));
        r.taxonomy = Some(format!("taxonomy {h}"));
        if let Some(y) = r.yanked.as_mut() {
            y.reason = format!("Reason {h}");
        }
    }
    for s in &mut site.skips {
        s.reason = format!("Skipped {h}\n\nMore {h}");
    }
    for p in site.pages.iter_mut().chain(site.index.as_mut()) {
        p.title = format!("Page {h}");
        p.description = Some(format!("Page description {h}"));
        p.body = format!("Body {h}\n");
    }
    (dir, site)
}

fn rendered() -> BTreeMap<String, Vec<u8>> {
    let (dir, site) = hostile_site();
    let catalog = Catalog::new(&site, fixture::today());
    let theme = Theme::load(dir.root(), &site.config.theme).unwrap();
    render_site(&catalog, &theme, false)
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect()
}

fn text(path: &str, bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap_or_else(|e| panic!("{path} is not UTF-8: {e}"))
}

/// A code point the HTML standard calls a parse error in the input stream:
/// a control other than ASCII whitespace, or a noncharacter.
fn forbidden_in_html(c: char) -> bool {
    let n = c as u32;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\u{c}' | '\r'))
        || (0xfdd0..=0xfdef).contains(&n)
        || n & 0xfffe == 0xfffe
}

#[test]
fn feeds_and_sitemap_are_well_formed_xml() {
    let files = rendered();
    let mut feeds = 0;
    for (path, bytes) in &files {
        if !path.ends_with(".xml") {
            continue;
        }
        let xml = text(path, bytes);
        if let Err(e) = roxmltree::Document::parse(&xml) {
            panic!("{path} is not well-formed XML: {e}");
        }
        if path.ends_with("atom.xml") {
            let feed = atom_syndication::Feed::read_from(bytes.as_slice())
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            for e in &feed.entries {
                let summary = &e.summary.as_ref().expect("a summary").value;
                assert!(summary.contains("start"), "{path}: {summary:?}");
                assert_eq!(
                    summary.matches("start").count(),
                    summary.matches("tail").count(),
                    "{path}: text was cut: {summary:?}"
                );
                assert!(
                    !summary.chars().any(forbidden_in_html),
                    "{path}: {summary:?}"
                );
            }
            feeds += 1;
        }
        if path.ends_with("rss.xml") {
            rss::Channel::read_from(bytes.as_slice()).unwrap_or_else(|e| panic!("{path}: {e}"));
        }
    }
    assert!(feeds > 5, "{feeds} Atom feeds");
}

#[test]
fn pages_carry_no_forbidden_code_point() {
    let files = rendered();
    let mut pages = 0;
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = text(path, bytes);
        if let Some((at, c)) = html.char_indices().find(|&(_, c)| forbidden_in_html(c)) {
            let from = html.floor_char_boundary(at.saturating_sub(60));
            panic!("{path}: {c:?} in {:?}", &html[from..at]);
        }
        pages += 1;
    }
    assert!(pages > 10, "{pages} pages");
    // Text after the bad characters survives, on a release page's notes too.
    let release = text("", &files["granite-7b-lab/versioned/1.1.0/index.html"]);
    assert!(release.contains("Paragraph start"), "{release}");
    assert!(release.contains("tail</p>"), "{release}");
}

/// Undo RFC 5545 TEXT escaping, asserting that every backslash escapes one
/// of `\ ; , n N` and that no `;` or `,` is left bare.
fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(e @ ('\\' | ';' | ',')) => out.push(e),
                other => panic!("bad escape \\{other:?} in {value:?}"),
            },
            ';' | ',' => panic!("bare {c:?} in {value:?}"),
            c => out.push(c),
        }
    }
    out
}

#[test]
fn calendars_escape_fold_and_drop_controls() {
    let files = rendered();
    let mut calendars = 0;
    for (path, bytes) in &files {
        if !path.ends_with(".ics") {
            continue;
        }
        let ics = text(path, bytes);
        assert!(ics.ends_with("\r\n"), "{path}");
        for line in ics.trim_end_matches("\r\n").split("\r\n") {
            assert!(line.len() <= 75, "{path}: {} octets: {line:?}", line.len());
            // CONTROL of RFC 5545 3.1 (any but HTAB) is never in a value;
            // noncharacters are dropped as from every other output.
            assert!(
                !line
                    .chars()
                    .any(|c| (c.is_control() && c != '\t') || forbidden_in_html(c)),
                "{path}: a control character or noncharacter in {line:?}"
            );
        }
        let unfolded = ics.replace("\r\n ", "");
        let mut texts = 0;
        for line in unfolded.trim_end_matches("\r\n").split("\r\n") {
            let (name, value) = line.split_once(':').expect("NAME:value");
            if matches!(
                name,
                "SUMMARY" | "DESCRIPTION" | "X-WR-CALNAME" | "X-WR-CALDESC"
            ) {
                let plain = unescape(value);
                if plain.contains("start") {
                    assert_eq!(
                        plain.matches("start").count(),
                        plain.matches("tail").count(),
                        "{path}: text was cut: {plain:?}"
                    );
                    texts += 1;
                }
            }
        }
        assert!(texts > 0, "{path}: no hostile text shown");
        calendars += 1;
    }
    assert!(calendars >= 2, "{calendars} calendars");
}

#[test]
fn json_parses_back_to_the_same_text() {
    let files = rendered();
    let h = hostile();
    for (path, bytes) in &files {
        if path.ends_with(".json") {
            serde_json::from_slice::<serde_json::Value>(bytes)
                .unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
        }
    }
    let releases: serde_json::Value =
        serde_json::from_slice(&files["api/v1/releases.json"]).unwrap();
    let first = &releases["releases"][0];
    assert_eq!(first["summary"], format!("Summary {h}"), "{first}");
    assert_eq!(releases["title"], format!("Site {h}"));
}
