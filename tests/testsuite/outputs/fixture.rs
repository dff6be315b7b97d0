//! The fixture site (`tests/conformance/site/`, shared with the conformance
//! check), copied into a temporary folder so that a test can change its
//! config, then loaded and checked like `cadence build` does.

use std::collections::BTreeMap;

use cadence_site::model::load::{self, Site};
use cadence_site::site::OutputFile;
use chrono::NaiveDate;

use crate::support::{SiteTest, repo_path};

pub const BASE_URL: &str = "https://releases.example.org/lab/";
pub const HOST: &str = "releases.example.org";

pub fn today() -> NaiveDate {
    day("2025-06-20")
}

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The fixture with `config` (a TOML snippet, as [`SiteTest::config`]
/// takes; "" for none) merged into its `cadence.toml`, loaded.
pub fn site_with(config: &str) -> (SiteTest, Site) {
    let mut dir = SiteTest::from_dir(&repo_path("tests/conformance/site"));
    if !config.is_empty() {
        dir.config(config);
    }
    let site = load::load(dir.root()).unwrap_or_else(|e| panic!("{e}"));
    (dir, site)
}

/// The fixture, checked clean on `today()`.
pub fn site() -> (SiteTest, Site) {
    checked(site_with(""), today())
}

/// Assert that `rules::check` finds no error on `today`.
pub fn checked((dir, site): (SiteTest, Site), today: NaiveDate) -> (SiteTest, Site) {
    let errors: Vec<_> = cadence_site::model::rules::check(&site, today)
        .into_iter()
        .filter(|f| f.severity == cadence_site::model::diagnostics::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "the fixture has errors: {errors:#?}");
    (dir, site)
}

/// Output files by path, as UTF-8 text.
pub fn by_path(files: Vec<OutputFile>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for f in files {
        let text = String::from_utf8(f.bytes).expect("UTF-8 output");
        assert!(
            out.insert(f.path.clone(), text).is_none(),
            "{} twice",
            f.path
        );
    }
    out
}

/// `tag:releases.example.org,<year>:<rest>`.
pub fn id(year: i32, rest: &str) -> String {
    format!("tag:{HOST},{year}:{rest}")
}
