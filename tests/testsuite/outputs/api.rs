//! The JSON API and the schema file: every key of SPEC 7's "JSON shapes",
//! always present, `null` where empty, dates `YYYY-MM-DD`, URLs absolute.

use std::collections::BTreeMap;

use cadence_site::site::api;
use cadence_site::site::catalog::Catalog;
use serde_json::Value;

use super::fixture::{self, BASE_URL};

const RELEASE_KEYS: &[&str] = &[
    "kind",
    "model",
    "channel",
    "version",
    "date",
    "status",
    "candidate",
    "title",
    "summary",
    "url",
    "repo",
    "revision",
    "tag",
    "taxonomy",
    "ollama",
    "evaluations",
    "artifacts",
    "retired",
    "yanked",
];
const ARTIFACT_KEYS: &[&str] = &[
    "format",
    "file",
    "repo",
    "revision",
    "quantization",
    "size",
    "sha256",
    "url",
    "ollama_command",
];
const SKIP_KEYS: &[&str] = &["kind", "model", "channel", "slot", "announced", "url"];
const SLOT_KEYS: &[&str] = &[
    "model",
    "channel",
    "date",
    "window_start",
    "window_end",
    "state",
    "version",
];

fn render(site: &cadence_site::model::load::Site) -> BTreeMap<String, String> {
    let catalog = Catalog::new(site, fixture::today());
    fixture::by_path(api::render(&catalog))
}

fn json(files: &BTreeMap<String, String>, path: &str) -> Value {
    let text = files
        .get(path)
        .unwrap_or_else(|| panic!("no {path}: {:?}", files.keys()));
    assert!(text.ends_with("}\n") || text.ends_with("null\n"), "{path}");
    assert!(
        text.contains("\n  ") || text == "null\n",
        "{path} is pretty"
    );
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn has_keys(value: &Value, keys: &[&str], what: &str) {
    let obj = value
        .as_object()
        .unwrap_or_else(|| panic!("{what} is an object"));
    for key in keys {
        assert!(obj.contains_key(*key), "{what} lacks `{key}`: {value}");
    }
}

fn is_day(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.len() == 10 && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok())
}

#[test]
fn the_files_of_the_api() {
    let (_dir, site) = fixture::site();
    let files = render(&site);
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        [
            "api/v1/granite-7b-lab/stream/latest.json",
            "api/v1/granite-7b-lab/versioned/1.x/latest.json",
            "api/v1/granite-7b-lab/versioned/2.x/latest.json",
            "api/v1/granite-7b-lab/versioned/latest.json",
            "api/v1/granite-7b-lab/versioned/lines.json",
            "api/v1/merlinite-7b-lab/stream/latest.json",
            "api/v1/phi-lab/versioned/latest.json",
            "api/v1/phi-lab/versioned/lines.json",
            "api/v1/releases.json",
            "api/v1/schedule.json",
            "schema/manifest.schema.json",
        ]
    );
}

#[test]
fn releases_json_holds_every_release_and_skip_with_every_key() {
    let (_dir, site) = fixture::site();
    let files = render(&site);
    let doc = json(&files, "api/v1/releases.json");
    has_keys(&doc, &["title", "base_url", "releases"], "releases.json");
    assert_eq!(doc["title"], "Lab Releases & <Friends>");
    assert_eq!(doc["base_url"], BASE_URL);
    let items = doc["releases"].as_array().unwrap();
    // All of them: planned and candidates too, no feed_limit.
    assert_eq!(items.len(), site.releases.len() + site.skips.len());
    assert_eq!(items.len(), 15);
    for item in items {
        let url = item["url"].as_str().unwrap();
        assert!(url.starts_with(BASE_URL), "{url}");
        match item["kind"].as_str() {
            Some("release") => {
                has_keys(item, RELEASE_KEYS, "a release");
                assert!(is_day(&item["date"]), "{item}");
                assert!(item["candidate"].is_boolean());
                assert!(item["retired"].is_boolean());
                for a in item["artifacts"].as_array().unwrap() {
                    has_keys(a, ARTIFACT_KEYS, "an artifact");
                    assert!(a["url"].as_str().unwrap().starts_with("https://"));
                }
                match item["status"].as_str().unwrap() {
                    "yanked" => {
                        has_keys(&item["yanked"], &["date", "reason"], "yanked");
                        assert!(is_day(&item["yanked"]["date"]));
                    }
                    "released" | "planned" => assert!(item["yanked"].is_null()),
                    other => panic!("status {other}"),
                }
            }
            Some("skip") => {
                has_keys(item, SKIP_KEYS, "a skip");
                assert!(is_day(&item["slot"]) && is_day(&item["announced"]));
            }
            other => panic!("kind {other:?}"),
        }
    }
    // Newest first by date (a skip's slot), then model, channel, version.
    let order: Vec<String> = items
        .iter()
        .map(|i| {
            format!(
                "{} {}",
                i["model"].as_str().unwrap(),
                i["version"]
                    .as_str()
                    .or(i["slot"].as_str().map(|_| "skip"))
                    .unwrap()
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            "granite-7b-lab 2.1.0",
            "granite-7b-lab 2.0.0",
            "granite-7b-lab 2.0.0-rc.1",
            "granite-7b-lab skip",
            "merlinite-7b-lab 2025-02-01",
            "granite-7b-lab 2025-01-15",
            "granite-7b-lab 1.1.0",
            "granite-7b-lab 1.1.0-rc.2",
            "granite-7b-lab 1.1.0-rc.1",
            "granite-7b-lab 1.0.1",
            "granite-7b-lab 1.0.1-rc.1",
            "granite-7b-lab 2024-09-12.2",
            "granite-7b-lab 2024-09-12",
            "granite-7b-lab 1.0.0",
            "granite-7b-lab 1.0.0-rc.1",
        ]
        .map(String::from)
    );
}

#[test]
fn a_release_item_in_full() {
    let (_dir, site) = fixture::site();
    let files = render(&site);
    let doc = json(&files, "api/v1/releases.json");
    let find = |version: &str| {
        doc["releases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["version"] == version)
            .unwrap()
            .clone()
    };
    let r = find("1.1.0");
    assert_eq!(r["kind"], "release");
    assert_eq!(r["model"], "granite-7b-lab");
    assert_eq!(r["channel"], "versioned");
    assert_eq!(r["date"], "2024-12-05");
    assert_eq!(r["status"], "released");
    assert_eq!(r["candidate"], false);
    assert_eq!(r["title"], r#"Granite 7B Lab 1.1.0 "Autumn" <R&D>"#);
    assert_eq!(
        r["url"],
        format!("{BASE_URL}granite-7b-lab/versioned/1.1.0/")
    );
    assert_eq!(r["repo"], "instructlab/granite-7b-lab");
    assert_eq!(r["tag"], "v1.1.0");
    assert_eq!(r["taxonomy"], "cmb-run-2024-11-01");
    assert_eq!(r["ollama"], "instructlab/granite-7b-lab:1.1.0");
    assert_eq!(r["evaluations"]["mt_bench"], 7.23);
    assert_eq!(r["retired"], false);
    assert!(r["yanked"].is_null());
    let gguf = &r["artifacts"][1];
    assert_eq!(gguf["repo"], "instructlab/granite-7b-lab-GGUF");
    assert_eq!(gguf["revision"], "main");
    assert_eq!(
        gguf["ollama_command"],
        "ollama run hf.co/instructlab/granite-7b-lab-GGUF:Q4_K_M"
    );
    let safetensors = &r["artifacts"][0];
    // In the channel repo: the release's own revision.
    assert_eq!(safetensors["revision"], r["revision"]);
    assert_eq!(safetensors["repo"], "instructlab/granite-7b-lab");
    assert!(safetensors["quantization"].is_null());
    assert!(safetensors["sha256"].is_null());
    assert!(safetensors["ollama_command"].is_null());

    // Empty where a manifest says nothing: null, never missing.
    let planned = find("2.1.0");
    assert_eq!(planned["status"], "planned");
    for key in ["revision", "taxonomy", "ollama", "evaluations", "yanked"] {
        assert!(planned[key].is_null(), "{key}: {planned}");
    }
    assert_eq!(planned["artifacts"], serde_json::json!([]));

    let yanked = find("1.0.1");
    assert_eq!(yanked["yanked"]["date"], "2024-10-05");
    assert_eq!(
        yanked["yanked"]["reason"],
        "Tokenizer config was wrong & <broken>; use 1.1.0."
    );
    assert_eq!(find("1.1.0-rc.2")["candidate"], true);

    let skip = doc["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "skip")
        .unwrap();
    assert_eq!(skip["slot"], "2025-03-02");
    assert_eq!(skip["announced"], "2025-02-20");
    assert_eq!(
        skip["url"],
        format!("{BASE_URL}granite-7b-lab/versioned/skip-2025-03-02/")
    );
}

#[test]
fn latest_json_is_the_newest_released_final_or_null() {
    let (_dir, site) = fixture::site();
    let files = render(&site);
    let latest = |m: &str, c: &str| json(&files, &format!("api/v1/{m}/{c}/latest.json"));
    let versioned = latest("granite-7b-lab", "versioned");
    has_keys(&versioned, RELEASE_KEYS, "latest.json");
    // Not the planned 2.1.0, not a candidate.
    assert_eq!(versioned["version"], "2.0.0");
    assert_eq!(latest("granite-7b-lab", "stream")["version"], "2025-01-15");
    assert_eq!(
        latest("merlinite-7b-lab", "stream")["version"],
        "2025-02-01"
    );
    // A channel with nothing released yet: the file exists and says null.
    assert!(latest("phi-lab", "versioned").is_null());
}

#[test]
fn schedule_json_has_every_slot_with_its_state() {
    let (_dir, site) = fixture::site();
    let files = render(&site);
    let doc = json(&files, "api/v1/schedule.json");
    let slots = doc["slots"].as_array().unwrap();
    for s in slots {
        has_keys(s, SLOT_KEYS, "a slot");
        assert!(is_day(&s["date"]) && is_day(&s["window_start"]) && is_day(&s["window_end"]));
    }
    let granite: Vec<(String, String, Value)> = slots
        .iter()
        .filter(|s| s["model"] == "granite-7b-lab")
        .map(|s| {
            (
                s["date"].as_str().unwrap().to_string(),
                s["state"].as_str().unwrap().to_string(),
                s["version"].clone(),
            )
        })
        .collect();
    let want: Vec<(String, String, Value)> = [
        ("2024-09-02", "released", Value::from("1.0.0")),
        ("2024-12-02", "released", Value::from("1.1.0")),
        ("2025-03-02", "skipped", Value::Null),
        ("2025-06-02", "released", Value::from("2.0.0")),
        ("2025-09-02", "planned", Value::from("2.1.0")),
        ("2025-12-02", "open", Value::Null),
        ("2026-03-02", "open", Value::Null),
        ("2026-06-02", "open", Value::Null),
    ]
    .into_iter()
    .map(|(d, s, v)| (d.to_string(), s.to_string(), v))
    .collect();
    assert_eq!(granite, want);
}

#[test]
fn the_schema_is_served_under_the_base_url() {
    let (_dir, site) = fixture::site();
    let files = render(&site);
    let schema = json(&files, "schema/manifest.schema.json");
    assert_eq!(
        schema,
        cadence_site::model::schema::manifest_schema(Some(BASE_URL))
    );
}

#[test]
fn feed_limit_does_not_limit_the_api() {
    let (_dir, site) = fixture::checked(fixture::site_with("feed_limit = 2"), fixture::today());
    let files = render(&site);
    let doc = json(&files, "api/v1/releases.json");
    assert_eq!(doc["releases"].as_array().unwrap().len(), 15);
}
