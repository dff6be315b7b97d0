//! Property tests: random bytes, YAML-shaped token soup and randomly mutated
//! valid manifests and configs go through the loader and every rule. Nothing
//! may panic, and every manifest that does not take part in the rules must
//! have a finding that names it.

use std::path::Path;

use cadence_site::model::{config, load, manifest, rules};
use cadence_site::site::catalog::Catalog;
use chrono::NaiveDate;
use proptest::prelude::*;

use crate::prelude::*;
use crate::rules::{RULES, fault};

/// Pieces of YAML (and of things that are not YAML) to build inputs from.
const TOKENS: &[&str] = &[
    "\n",
    " ",
    "  ",
    "\t",
    ":",
    ": ",
    "- ",
    "-",
    "#",
    "# c\n",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "!!str ",
    "!!int ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "'",
    "\"",
    "|\n  ",
    ">\n  ",
    "---\n",
    "...\n",
    "~",
    "null",
    "true",
    "no",
    "1e999",
    "-1",
    "0",
    "0x1F",
    ".inf",
    ".nan",
    "2024-02-30",
    "2024-05-01",
    "2024-05-01T25:00:00Z",
    "1.0.0-rc.1",
    "1.0.0",
    "1.10",
    "version",
    "date",
    "summary",
    "revision",
    "kind",
    "skip",
    "release",
    "slot",
    "announced",
    "reason",
    "status",
    "yanked",
    "planned",
    "artifacts",
    "format",
    "gguf",
    "file",
    "size",
    "sha256",
    "evaluations",
    "mt_bench",
    "notes",
    "taxonomy",
    "taxonomy_commit",
    "cmb-run-2024-08-26",
    "../x",
    "\u{feff}",
    "\u{0}",
    "é",
    "\r\n",
    "%YAML 1.2\n",
    "? ",
    "<<: *a\n",
    "&a [*a]\n",
    "\\",
    "\u{2028}",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..48).prop_map(|t| t.concat())
}

/// Valid manifests to mutate: the `_good` fixture's and the repository's
/// own (which have artifacts, notes and evaluations), as (channel, file
/// name, text).
fn seeds() -> Vec<(String, String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for base in [
        root.join("tests/fixtures/rules/_good/releases"),
        root.join("releases"),
    ] {
        for model in std::fs::read_dir(&base).unwrap() {
            for channel in std::fs::read_dir(model.unwrap().path()).unwrap() {
                let channel = channel.unwrap().path();
                for file in std::fs::read_dir(&channel).unwrap() {
                    let file = file.unwrap().path();
                    out.push((
                        channel.file_name().unwrap().to_string_lossy().into_owned(),
                        file.file_name().unwrap().to_string_lossy().into_owned(),
                        std::fs::read_to_string(&file).unwrap(),
                    ));
                }
            }
        }
    }
    out.sort();
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Insert(usize, &'static str),
    Replace(usize, usize, &'static str),
    Truncate(usize),
    Indent(usize, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    let token = prop::sample::select(TOKENS);
    prop_oneof![
        at.prop_map(Mutation::DeleteLine),
        at.prop_map(Mutation::DuplicateLine),
        (at, at).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (at, token.clone()).prop_map(|(a, t)| Mutation::Insert(a, t)),
        (at, 0usize..8, token).prop_map(|(a, n, t)| Mutation::Replace(a, n, t)),
        at.prop_map(Mutation::Truncate),
        (at, prop::sample::select(&["", " ", "  ", "\t", "    "][..]))
            .prop_map(|(a, t)| Mutation::Indent(a, t)),
    ]
}

/// The char boundary at or before `i % (len + 1)`.
fn boundary(text: &str, i: usize) -> usize {
    let mut i = i % (text.len() + 1);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len().max(1);
    match *m {
        Mutation::DeleteLine(i) if !lines.is_empty() => {
            lines.remove(i % n);
        }
        Mutation::DuplicateLine(i) if !lines.is_empty() => {
            let l = lines[i % n].clone();
            lines.insert(i % n, l);
        }
        Mutation::SwapLines(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
        Mutation::Indent(i, indent) if !lines.is_empty() => {
            let l = lines[i % n].trim_start().to_string();
            lines[i % n] = format!("{indent}{l}");
        }
        Mutation::Insert(i, t) => {
            let at = boundary(text, i);
            return format!("{}{t}{}", &text[..at], &text[at..]);
        }
        Mutation::Replace(i, len, t) => {
            let from = boundary(text, i);
            let to = boundary(text, from + len.min(text.len() - from));
            return format!("{}{t}{}", &text[..from], &text[to.max(from)..]);
        }
        Mutation::Truncate(i) => return text[..boundary(text, i)].to_string(),
        _ => {}
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
}

/// Put `bytes` at `releases/m/<channel>/<name>` of a copy of `_good`, load
/// and check it: the load succeeds, the rules run, and the file either takes
/// part as a release or skip or has a finding of its own.
fn load_and_check(channel: &str, name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let mut site_dir = SiteTest::good();
    let path = format!("releases/m/{channel}/{name}");
    site_dir.write(&path, bytes);
    let site = load::load(site_dir.root())
        .map_err(|e| TestCaseError::fail(format!("load failed: {e}")))?;
    let findings = rules::check(&site, today());
    let loaded =
        site.releases.iter().any(|r| r.file == path) || site.skips.iter().any(|s| s.file == path);
    let named = findings.iter().any(|f| f.file == path);
    prop_assert!(
        loaded || named,
        "{path} neither loaded nor reported:\n{}",
        String::from_utf8_lossy(bytes)
    );
    // Findings are deterministic.
    prop_assert_eq!(&findings, &rules::check(&site, today()));
    // `cadence serve` derives the catalog while the rules run, so from a
    // site with errors too: it must not panic.
    let catalog = Catalog::new(&site, today());
    prop_assert!(catalog.info.len() == site.releases.len());
    Ok(())
}

/// Every rule's fault is a site with the error of its rule; the catalog
/// of each is derived without a panic, as `cadence serve` does before it
/// knows what the rules found.
#[test]
fn the_catalog_of_every_broken_fixture_site_derives() {
    let mut derived = 0;
    let sites = std::iter::once(SiteTest::good()).chain(RULES.iter().map(|r| fault(r)));
    for test in sites {
        let Ok(site) = load::load(test.root()) else {
            continue;
        };
        for day in [today(), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()] {
            let catalog = Catalog::new(&site, day);
            assert_eq!(
                catalog.info.len(),
                site.releases.len(),
                "{}",
                test.root().display()
            );
        }
        derived += 1;
    }
    assert!(derived > 20, "only {derived} fixture sites");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_as_a_manifest(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        load_and_check("stream", "2024-05-02.yaml", &bytes)?;
    }

    #[test]
    fn token_soup_as_a_manifest(text in token_soup(), versioned in any::<bool>()) {
        let channel = if versioned { "versioned" } else { "stream" };
        let (parsed, findings) = manifest::parse("releases/m/x/1.0.0.yaml", &text, "m", channel);
        prop_assert!(parsed.is_some() || !findings.is_empty(), "nothing said about:\n{text}");
        load_and_check(channel, "1.1.0.yaml", text.as_bytes())?;
    }

    #[test]
    fn mutated_valid_manifests(
        pick in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let seeds = seeds();
        let (channel, name, text) = &seeds[pick.index(seeds.len())];
        let mutated = mutations.iter().fold(text.clone(), |t, m| apply(&t, m));
        let (parsed, findings) = manifest::parse("releases/m/x/y.yaml", &mutated, "m", channel);
        prop_assert!(parsed.is_some() || !findings.is_empty(), "nothing said about:\n{mutated}");
        load_and_check(channel, name, mutated.as_bytes())?;
    }

    #[test]
    fn mutated_configs(mutations in prop::collection::vec(mutation(), 1..6)) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join("tests/fixtures/rules/_good/cadence.toml")).unwrap();
        let mutated = mutations.iter().fold(text, |t, m| apply(&t, m));
        match config::parse(&mutated) {
            Ok(_) => {}
            Err(findings) => {
                prop_assert!(!findings.is_empty());
                prop_assert!(findings.iter().all(|f| f.code == "config" && f.file == "cadence.toml"));
            }
        }
        // A config that loads is then used for a whole check.
        let mut site_dir = SiteTest::good();
        site_dir.write("cadence.toml", &mutated);
        match load::load(site_dir.root()) {
            Ok(site) => {
                rules::check(&site, today());
            }
            Err(load::LoadError::Config(f)) => prop_assert!(!f.is_empty()),
            Err(load::LoadError::Io(e)) => prop_assert!(false, "I/O error: {e:#}"),
        }
    }
}
