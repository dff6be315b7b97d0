//! The default theme's compiled templates (`src/site/compiled.rs`) write
//! the very bytes tera writes from `themes/default/templates/`: every page
//! of the test sites and of the repository's own site is rendered both
//! ways and compared, and the pages compared must between them take every
//! branch of the templates (a banner, a badge, a table), so that a branch
//! no site reaches cannot hide a difference.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cadence_site::load::{self, Site};
use cadence_site::site::build;
use cadence_site::site::catalog::Catalog;
use cadence_site::site::theme::Theme;
use chrono::NaiveDate;

#[path = "support/copy_dir.rs"]
mod copy;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load_site(dir: &Path) -> Site {
    let site = load::load(dir).unwrap_or_else(|e| panic!("loading {}: {e:?}", dir.display()));
    assert!(
        site.findings.is_empty(),
        "{} has findings: {:?}",
        dir.display(),
        site.findings
    );
    site
}

/// Every HTML page of `site` rendered by the compiled templates and by
/// tera, compared file by file; the compiled pages, by path.
fn compare(site: &Site, today: &str, label: &str) -> BTreeMap<String, String> {
    let today = NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap();
    let theme = Theme::load(&site.root, &site.config.theme).unwrap();
    for t in [
        "release.html",
        "stream.html",
        "channel.html",
        "schedule.html",
    ] {
        assert!(theme.is_compiled(t), "{t} is not compiled");
    }
    let catalog = Catalog::new(site, today);
    let fast = build::render_site(&catalog, &theme, true).unwrap();
    let slow = build::render_site(&catalog, &theme.interpreted(), true).unwrap();
    assert_eq!(fast.len(), slow.len(), "{label}: file counts");
    let mut pages = BTreeMap::new();
    for (a, b) in fast.iter().zip(&slow) {
        assert_eq!(a.path, b.path, "{label}");
        let (a_text, b_text) = (
            String::from_utf8_lossy(&a.bytes),
            String::from_utf8_lossy(&b.bytes),
        );
        if a_text != b_text {
            let at = a_text
                .char_indices()
                .zip(b_text.chars())
                .find(|((_, x), y)| x != y)
                .map_or(a_text.len().min(b_text.len()), |((i, _), _)| i);
            let from = a_text.floor_char_boundary(at.saturating_sub(200));
            panic!(
                "{label}: {} differs at byte {at}\n--- compiled\n{}\n--- tera\n{}",
                a.path,
                &a_text[from..a_text.ceil_char_boundary((at + 200).min(a_text.len()))],
                &b_text[from..b_text.ceil_char_boundary((at + 200).min(b_text.len()))],
            );
        }
        if a.path.ends_with(".html") {
            pages.insert(format!("{label}:{}", a.path), a_text.into_owned());
        }
    }
    pages
}

#[test]
fn compiled_templates_write_what_tera_writes() {
    let mut pages = BTreeMap::new();

    let fixture = load_site(&root().join("tests/fixtures/site"));
    pages.extend(compare(&fixture, "2025-05-20", "fixture"));

    let conformance = load_site(&root().join("tests/conformance/site"));
    pages.extend(compare(&conformance, "2025-06-20", "conformance"));

    let own = load_site(&root());
    pages.extend(compare(&own, "2026-11-24", "own"));

    // The other branches of base.html: a notice, no descriptions, a site
    // under a sub-path, a day when windows are open.
    let mut variant = load_site(&root().join("tests/conformance/site"));
    variant.config.notice = Some("Maintenance <tonight> & \"tomorrow\"".into());
    variant.config.description = String::new();
    variant
        .config
        .set_base_url("http://127.0.0.1:1111/sub/path/")
        .unwrap();
    for c in variant.config.channels.values_mut() {
        c.description = String::new();
    }
    pages.extend(compare(&variant, "2025-09-01", "variant"));

    let mut early = load_site(&root().join("tests/fixtures/site"));
    early.config.notice = Some("early".into());
    pages.extend(compare(&early, "2024-01-01", "early"));

    // Candidates whose final is not released yet.
    let mut pending = load_site(&root().join("tests/fixtures/site"));
    let before = pending.releases.len();
    pending.releases.retain(|r| r.version != "1.1.0");
    assert!(pending.releases.len() < before);
    pages.extend(compare(&pending, "2025-05-20", "pending"));

    // No schedule at all.
    let mut unscheduled = load_site(&root().join("tests/fixtures/site"));
    unscheduled.skips.clear();
    for c in unscheduled.config.channels.values_mut() {
        c.schedule = None;
    }
    pages.extend(compare(&unscheduled, "2025-05-20", "unscheduled"));

    // A stream longer than a channel page lists.
    let long = tempfile::tempdir().unwrap();
    copy::copy_dir(&root().join("tests/fixtures/site"), long.path());
    let first = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    for n in 0..205u64 {
        let day = first + chrono::Days::new(n);
        std::fs::write(
            long.path()
                .join(format!("releases/granite-7b-lab/stream/{day}.yaml")),
            format!(
                "version: {day}\ndate: {day}\nsummary: Build {n}.\nrevision: {:040x}\n\
                 evaluations:\n  mt_bench: 7.{n}\n",
                n + 1000
            ),
        )
        .unwrap();
    }
    pages.extend(compare(&load_site(long.path()), "2025-05-20", "long"));
    // The channel page lists each model's newest 25 and points to the rest.
    let channel = &pages["long:stream/index.html"];
    assert!(
        channel.contains("The newest 25 of 210 releases; 185 older ones are in the full history."),
        "{channel}"
    );
    // The fixture's five builds, then 2024-07-23 back to 2024-07-04.
    assert!(channel.contains("granite-7b-lab/stream/2025-01-20/"));
    assert!(channel.contains("granite-7b-lab/stream/2024-07-04/"));
    assert!(!channel.contains("granite-7b-lab/stream/2024-07-03/"));
    // The model's channel page keeps the whole history.
    let history = &pages["long:granite-7b-lab/stream/index.html"];
    assert!(history.contains("granite-7b-lab/stream/2024-01-01/"));
    // The model page charts the newest 200 builds and says so.
    let model = &pages["long:granite-7b-lab/index.html"];
    assert!(
        model.contains("Stream (builds): the newest 200 of 210 are charted; the <a href=\"/cmb/granite-7b-lab/stream/\">Stream page</a> lists them all."),
        "{model}"
    );
    assert!(model.contains("granite-7b-lab/stream/2024-01-11/"));
    assert!(!model.contains("granite-7b-lab/stream/2024-01-10/"));

    // Every branch of the compiled templates is taken by some page.
    let html: Vec<&String> = pages.values().collect();
    let missing = [
        "class=\"banner yanked\"",
        "pick another from the",
        "class=\"banner planned\"",
        "class=\"banner retired\"",
        "A release candidate of <a",
        "A release candidate for testers",
        "<div class=\"prose\">",
        "Nothing to download before the release.",
        "<p>With Ollama:</p>",
        "<dt>Size</dt>",
        "<dt>SHA-256</dt>",
        "class=\"badge pass\"",
        "class=\"badge fail\"",
        "<span class=\"muted\">missing</span>",
        "class=\"trend-up\"",
        "class=\"trend-down\"",
        "<span class=\"muted\">none</span></td></tr>",
        "the previous candidate of this release",
        "the previous final release",
        "the previous build.",
        "<h2 id=\"candidates\">Release candidates</h2>",
        "<dt>Taxonomy branch</dt>",
        "<dt>Taxonomy commit</dt>",
        "<dt>Schedule slot</dt>",
        "<dt>Previous</dt>",
        "class=\"badge candidate\"",
        "class=\"badge planned\"",
        "class=\"badge yanked\"",
        "class=\"badge retired\"",
        "class=\"here\"",
        "class=\"notice\"",
        "<meta name=\"description\"",
        "<h2 id=\"upcoming\">Next slots</h2>",
        "class=\"badge now\"",
        "skip announced",
        "(for an upcoming final)",
        "<ul class=\"candidates\"",
        "<table class=\"releases\">",
        "<h2 id=\"skips\">Skipped slots</h2>",
        "No release yet.",
        "<dt>Schedule</dt><dd>every",
        "every final is promoted from a release candidate",
        "<dt>Gates</dt>",
        "<dt>Retention</dt>",
        "Full history, with release candidates",
        " · only ",
        "<p class=\"next-slot\">",
        "<p class=\"lead\">",
        "older ones are in the full history",
        "No channel has a release schedule.",
        "<h3>Past slots</h3>",
    ]
    .into_iter()
    .filter(|m| !html.iter().any(|p| p.contains(m)))
    .collect::<Vec<_>>();
    assert!(
        missing.is_empty(),
        "no compiled page of the test sites shows {missing:?}: add a case"
    );
}

#[test]
fn an_overridden_template_is_rendered_by_tera() {
    let dir = tempfile::tempdir().unwrap();
    copy::copy_dir(&root().join("tests/fixtures/site"), dir.path());
    let templates = dir.path().join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("release.html"),
        "{% extends \"base.html\" %}{% block main %}<p>custom {{ release.version }}</p>{% endblock main %}",
    )
    .unwrap();
    let render = |dir: &Path| {
        let site = load_site(dir);
        let theme = Theme::load(dir, "default").unwrap();
        let compiled: Vec<bool> = [
            "release.html",
            "stream.html",
            "channel.html",
            "schedule.html",
        ]
        .iter()
        .map(|t| theme.is_compiled(t))
        .collect();
        let today = NaiveDate::from_ymd_opt(2025, 5, 20).unwrap();
        let files = build::render_site(&Catalog::new(&site, today), &theme, false).unwrap();
        let page = |path: &str| {
            let f = files.iter().find(|f| f.path == path).unwrap();
            String::from_utf8(f.bytes.clone()).unwrap()
        };
        (
            compiled,
            page("granite-7b-lab/versioned/1.1.0/index.html"),
            page("stream/index.html"),
        )
    };

    let (compiled, release, channel) = render(dir.path());
    assert_eq!(compiled, [false, true, true, true]);
    assert!(release.contains("<p>custom 1.1.0</p>"), "{release}");
    assert!(channel.contains("<h1>Stream</h1>"));

    // A custom base.html is used by every page, so nothing is compiled.
    std::fs::write(
        templates.join("base.html"),
        "<main>{% block main %}{% endblock main %}</main><footer>my base</footer>",
    )
    .unwrap();
    let (compiled, release, channel) = render(dir.path());
    assert_eq!(compiled, [false, false, false, false]);
    assert!(release.contains("<p>custom 1.1.0</p>"));
    assert!(channel.ends_with("<footer>my base</footer>"), "{channel}");
}
