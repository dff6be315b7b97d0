//! The comparison, the counts and the lines of `cadence verify`.

use super::*;

const SHA_A: &str = "6adeaad8c048b35ea54562c55e454cc32c63118a32c7b8152cf706b290611487";
const SHA_B: &str = "1111111111111111111111111111111111111111111111111111111111111111";

fn values(size: Option<u64>, sha256: Option<&str>) -> Values {
    Values {
        size,
        sha256: sha256.map(str::to_string),
    }
}

#[test]
fn only_the_values_the_manifest_gives_are_compared() {
    let hub = values(Some(10), Some(SHA_A));
    assert_eq!(judge(&values(None, None), &hub), State::Ok);
    assert_eq!(judge(&values(Some(10), None), &hub), State::Ok);
    assert_eq!(judge(&values(None, Some(SHA_A)), &hub), State::Ok);
    assert_eq!(judge(&values(Some(10), Some(SHA_A)), &hub), State::Ok);
}

#[test]
fn a_size_difference_wins_over_a_sha256_difference() {
    let hub = values(Some(10), Some(SHA_A));
    assert_eq!(judge(&values(Some(11), None), &hub), State::SizeMismatch);
    assert_eq!(
        judge(&values(None, Some(SHA_B)), &hub),
        State::Sha256Mismatch
    );
    assert_eq!(
        judge(&values(Some(11), Some(SHA_B)), &hub),
        State::SizeMismatch
    );
}

#[test]
fn sha256_compares_without_case() {
    let hub = values(Some(10), Some(SHA_A));
    let upper = SHA_A.to_uppercase();
    assert_eq!(judge(&values(None, Some(&upper)), &hub), State::Ok);
}

#[test]
fn an_unknown_sha256_is_unverifiable_unless_the_size_already_differs() {
    let hub = values(Some(10), None);
    assert_eq!(judge(&values(None, None), &hub), State::Unverifiable);
    assert_eq!(
        judge(&values(Some(10), Some(SHA_A)), &hub),
        State::Unverifiable
    );
    assert_eq!(
        judge(&values(Some(9), Some(SHA_A)), &hub),
        State::SizeMismatch
    );
}

fn item(state: State, unpinned: bool) -> Item {
    Item {
        model: "m".into(),
        channel: "versioned".into(),
        version: "1.0.0".into(),
        repo: "org/m".into(),
        revision: if unpinned {
            "main".into()
        } else {
            "a".repeat(40)
        },
        commit: Some("c".repeat(40)),
        file: Some("m.gguf".into()),
        state,
        unpinned,
        expected: values(Some(10), Some(SHA_A)),
        actual: values(Some(12), Some(SHA_B)),
        manifest: "releases/m/versioned/1.0.0.yaml".into(),
        artifact: Some(0),
        why: Why::Nothing,
    }
}

#[test]
fn the_four_states_partition_and_unpinned_counts_across_them() {
    let items = [
        item(State::Ok, false),
        item(State::Ok, true),
        item(State::Missing, true),
        item(State::SizeMismatch, false),
        item(State::Sha256Mismatch, false),
        item(State::Unverifiable, true),
    ];
    let s = Summary::of(&items);
    assert_eq!(
        (s.ok, s.missing, s.mismatched, s.unverifiable, s.unpinned),
        (2, 1, 2, 1, 3)
    );
    assert_eq!(
        s.to_string(),
        "ok 2, missing 1, mismatched 2, unverifiable 1, unpinned 3"
    );
}

#[test]
fn a_report_is_clean_without_missing_mismatched_or_failures() {
    let mut report = Report {
        items: vec![item(State::Ok, true), item(State::Unverifiable, false)],
        failures: 0,
    };
    assert!(report.clean());
    report.failures = 1;
    assert!(!report.clean());
    report.failures = 0;
    report.items.push(item(State::Missing, false));
    assert!(!report.clean());
}

#[test]
fn lines_say_what_differs_with_the_manifest_path() {
    assert_eq!(line(&item(State::Ok, false)), None);
    let l = line(&item(State::SizeMismatch, false)).unwrap();
    assert!(
        l.starts_with("size-mismatch: releases/m/versioned/1.0.0.yaml: m.gguf in org/m"),
        "{l}"
    );
    assert!(l.contains("size 10 in the manifest, 12 on the Hub"), "{l}");
    let l = line(&item(State::Sha256Mismatch, false)).unwrap();
    assert!(
        l.contains(&format!(
            "sha256 {SHA_A} in the manifest, {SHA_B} on the Hub"
        )),
        "{l}"
    );
    let l = line(&item(State::Ok, true)).unwrap();
    assert!(l.starts_with("ok: releases/m/versioned/1.0.0.yaml: m.gguf in org/m at main: unpinned: main is commit cccc"), "{l}");
    assert!(l.contains("--fill"), "{l}");
    let mut too_large = item(State::Unverifiable, false);
    too_large.why = Why::TooLarge(60_000_000);
    let l = line(&too_large).unwrap();
    assert!(l.contains("60000000 bytes, over the 50000000"), "{l}");
    let mut gone = item(State::Missing, false);
    gone.file = None;
    gone.why = Why::RevisionMissing;
    let l = line(&gone).unwrap();
    assert_eq!(
        l,
        format!(
            "missing: releases/m/versioned/1.0.0.yaml: revision {} of org/m: not found",
            "a".repeat(40)
        )
    );
    // An artifact at a revision the repo lacks says which.
    let mut gone = item(State::Missing, false);
    gone.why = Why::RevisionMissing;
    let l = line(&gone).unwrap();
    assert!(
        l.ends_with(&format!("revision {} not found in org/m", "a".repeat(40))),
        "{l}"
    );
}

#[test]
fn json_items_have_every_key_in_order() {
    let report = Report {
        items: vec![item(State::SizeMismatch, true)],
        failures: 0,
    };
    let json = report.to_json();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["artifacts", "summary"]);
    let one = json["artifacts"][0].as_object().unwrap();
    let keys: Vec<&str> = one.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "model", "channel", "version", "repo", "revision", "commit", "file", "state",
            "unpinned", "expected", "actual"
        ]
    );
    assert_eq!(one["state"], "size-mismatch");
    assert_eq!(one["expected"]["size"], 10);
    let summary: Vec<&str> = json["summary"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        summary,
        ["ok", "missing", "mismatched", "unverifiable", "unpinned"]
    );
}
