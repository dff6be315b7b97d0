//! The fixture site (`tests/conformance/site/`, shared with the conformance
//! check), copied into a temporary folder so that a test can change its
//! config, then loaded and checked like `cadence build` does.

use std::collections::BTreeMap;
use std::path::Path;

use cadence_site::model::load::{self, Site};
use cadence_site::site::OutputFile;
use chrono::NaiveDate;
use tempfile::TempDir;

pub const BASE_URL: &str = "https://releases.example.org/lab/";
pub const HOST: &str = "releases.example.org";

pub fn today() -> NaiveDate {
    day("2025-06-20")
}

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[path = "../support/copy_dir.rs"]
mod copy;
use copy::copy_dir;

/// The fixture with `edit` applied to its `cadence.toml`.
pub fn site_with(edit: impl FnOnce(String) -> String) -> (TempDir, Site) {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/site");
    copy_dir(&src, dir.path());
    let config = dir.path().join("cadence.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, edit(text)).unwrap();
    let site = load::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    (dir, site)
}

/// The fixture, checked clean on `today()`.
pub fn site() -> (TempDir, Site) {
    checked(site_with(|t| t), today())
}

/// Assert that `rules::check` finds no error on `today`.
pub fn checked((dir, site): (TempDir, Site), today: NaiveDate) -> (TempDir, Site) {
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
