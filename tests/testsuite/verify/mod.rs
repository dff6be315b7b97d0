//! `cadence verify` against a fake Hub on 127.0.0.1: the real binary on
//! the Hub fixture site (`tests/fixtures/hub`), asserting on its lines, JSON, exit status, the
//! requests the Hub saw and, with `--fill`, the manifests it wrote.
//! Nothing here reaches the internet.

mod fill;
mod hostile;

use serde_json::Value;

use crate::prelude::*;
use crate::support::fake_hub::{self, FakeFile, FakeHub, Fault, Repo};

const TOKEN: &str = "hf_TestTokenThatMustNeverBePrinted42";

// Commits of org/m (versioned), org/m-GGUF (artifacts) and org/m-stream.
const C1: &str = "1111111111111111111111111111111111111111";
const C2: &str = "2222222222222222222222222222222222222222";
const G1: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const G2: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const S1: &str = "5555555555555555555555555555555555555555";
const MISSING: &str = "9999999999999999999999999999999999999999";

fn weights() -> FakeFile {
    FakeFile::lfs("safetensors weights of 1.0.0")
}
fn config_json() -> FakeFile {
    FakeFile::git("{\"architectures\": [\"GraniteForCausalLM\"]}\n")
}
fn gguf_new() -> FakeFile {
    FakeFile::lfs("gguf bytes, second upload")
}

/// org/m holds C1 and C2; at C1 an LFS `model.safetensors`, a git
/// `config.json`, and a git `big.bin` of 60,000,000 bytes (by its
/// paths-info). org/m-GGUF's `main` is G2, where `m-Q4_K_M.gguf` is.
fn hub() -> FakeHub {
    let big = FakeFile {
        size: Some(60_000_000),
        ..FakeFile::git("too big to download")
    };
    FakeHub::start(TOKEN)
        .with_repo(
            "org/m",
            Repo::new(&[C1, C2])
                .file(C1, "model.safetensors", weights())
                .file(C1, "config.json", config_json())
                .file(C1, "big.bin", big),
        )
        .with_repo(
            "org/m-GGUF",
            Repo::new(&[G1, G2])
                .file(
                    G1,
                    "m-Q4_K_M.gguf",
                    FakeFile::lfs("gguf bytes, first upload"),
                )
                .file(G2, "m-Q4_K_M.gguf", gguf_new()),
        )
        .with_repo("org/m-stream", Repo::new(&[S1]))
}

const V100: &str = "releases/m/versioned/1.0.0.yaml";

/// A site whose versioned 1.0.0 is at `revision` with `artifacts` (YAML
/// list items, or empty), plus a planned 1.2.0 that is never checked.
fn site(revision: &str, artifacts: &str) -> SiteTest {
    let mut snippet = format!("revision: {revision}");
    if !artifacts.is_empty() {
        snippet.push_str(&format!("\nartifacts:\n{artifacts}"));
    }
    let mut site = site_with(&[]);
    site.manifest("m/versioned/1.0.0", &snippet);
    site
}

/// `tests/fixtures/hub` without its stream builds and its released 1.1.0
/// (1.0.0 at C1, a planned 1.2.0), with `files` written, run on 2026-01-01
/// in an environment of its own.
fn site_with(files: &[(&str, &str)]) -> SiteTest {
    let mut site = SiteTest::from("hub");
    site.today("2026-01-01")
        .remove("releases/m/stream")
        .remove("releases/m/versioned/1.1.0.yaml");
    for (rel, text) in files {
        site.write(rel, text);
    }
    fake_hub::isolate(&mut site)
        .env("CADENCE_HF_RETRY_BASE_MS", "10")
        .env("CADENCE_HF_RETRIES", "2")
        .env("CADENCE_HF_TIMEOUT_MS", "5000");
    site
}

/// The JSON items.
fn items(run: &Run) -> Vec<Value> {
    run.json()["artifacts"].as_array().unwrap().clone()
}

/// Run `cadence ARGS` with `env` besides the site's; the token is in no
/// output.
fn cadence(site: &SiteTest, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = site.command(args);
    cmd.envs(env.iter().copied());
    let run = Run::of(cmd);
    assert!(
        !run.stdout.contains("TestTokenThat") && !run.stderr.contains("TestTokenThat"),
        "the token was printed:\n{}",
        run.show()
    );
    run
}

/// `cadence verify --endpoint <hub> ARGS`, without a token.
fn verify(site: &SiteTest, hub: &FakeHub, args: &[&str]) -> Run {
    let mut all = vec!["verify", "--endpoint", &hub.url];
    all.extend_from_slice(args);
    cadence(site, &all, &[])
}

fn json(site: &SiteTest, hub: &FakeHub) -> Run {
    verify(site, hub, &["--format", "json"])
}

fn check(site: &SiteTest) -> Run {
    cadence(site, &["check"], &[])
}

fn weights_artifact(size: u64, sha256: &str) -> String {
    format!(
        "  - format: safetensors\n    file: model.safetensors\n    size: {size}\n    sha256: {sha256}\n"
    )
}

#[test]
fn the_fixture_passes_check() {
    let s = site(C1, &weights_artifact(weights().size(), &weights().sha256()));
    let r = check(&s);
    assert_eq!(r.status, 0, "{}", r.show());
}

#[test]
fn ok_when_the_hub_has_the_file_with_that_size_and_sha256() {
    let (hub, s) = (
        hub(),
        site(C1, &weights_artifact(weights().size(), &weights().sha256())),
    );
    let r = verify(&s, &hub, &[]);
    assert_eq!(r.status, 0, "{}", r.show());
    // Nothing is not plainly ok, so the counts are the only line.
    assert_eq!(
        r.stdout,
        "ok 1, missing 0, mismatched 0, unverifiable 0, unpinned 0\n"
    );
    let log = hub.log();
    assert!(
        log.contains(&format!("GET /api/models/org/m/revision/{C1}")),
        "{log:?}"
    );
    assert!(
        log.contains(&format!("POST /api/models/org/m/paths-info/{C1}")),
        "{log:?}"
    );
    // The planned release is not checked.
    assert_eq!(log.len(), 2, "{log:?}");
}

#[test]
fn paths_info_is_one_form_request_per_repo_and_revision() {
    let artifacts = format!(
        "{}  - format: other\n    file: config.json\n",
        weights_artifact(weights().size(), &weights().sha256())
    );
    let (hub, s) = (hub(), site(C1, &artifacts));
    let r = verify(&s, &hub, &[]);
    assert_eq!(r.status, 0, "{}", r.show());
    let posts: Vec<_> = hub
        .seen()
        .into_iter()
        .filter(|x| x.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1, "{:?}", hub.log());
    let form: Vec<(String, String)> = url::form_urlencoded::parse(posts[0].body.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(
        form,
        [
            ("paths".to_string(), "config.json".to_string()),
            ("paths".to_string(), "model.safetensors".to_string()),
            ("expand".to_string(), "false".to_string()),
        ]
    );
    let content_type = posts[0]
        .headers
        .iter()
        .find(|(k, _)| k == "content-type")
        .map(|(_, v)| v.clone());
    assert_eq!(
        content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    // A public repo needs no token, and none was sent.
    assert!(hub.seen().iter().all(|x| x.authorization.is_none()));
}

#[test]
fn a_missing_revision_is_one_missing_item_whatever_its_artifacts() {
    let artifacts = format!(
        "{}  - format: other\n    file: config.json\n",
        weights_artifact(weights().size(), &weights().sha256())
    );
    let (hub, s) = (hub(), site(MISSING, &artifacts));
    let r = json(&s, &hub);
    assert_eq!(r.status, 1, "{}", r.show());
    let items = items(&r);
    assert_eq!(items.len(), 1, "{}", r.stdout);
    let item = &items[0];
    assert_eq!(item["state"], "missing");
    assert_eq!(item["file"], Value::Null);
    assert_eq!(item["commit"], Value::Null);
    assert_eq!(item["revision"], MISSING);
    assert_eq!(item["repo"], "org/m");
    assert_eq!(r.json()["summary"]["missing"], 1);
    // No paths-info for a revision that is not there.
    assert!(
        hub.seen().iter().all(|x| x.method == "GET"),
        "{:?}",
        hub.log()
    );

    let r = verify(&s, &hub, &[]);
    assert_eq!(r.status, 1);
    let line = r.stdout.lines().next().unwrap();
    assert!(
        line.starts_with(&format!("missing: {V100}: revision {MISSING}")),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.last_line(),
        "ok 0, missing 1, mismatched 0, unverifiable 0, unpinned 0"
    );
}

#[test]
fn a_release_without_artifacts_whose_revision_is_missing_is_one_item() {
    let (hub, s) = (hub(), site(MISSING, ""));
    let r = json(&s, &hub);
    assert_eq!(r.status, 1, "{}", r.show());
    assert_eq!(items(&r).len(), 1);
    // And one whose revision is there has nothing to list.
    let s = site(C1, "");
    let r = json(&s, &hub);
    assert_eq!(r.status, 0, "{}", r.show());
    assert!(items(&r).is_empty());
}

#[test]
fn a_file_the_hub_does_not_have_is_missing() {
    let artifacts = "  - format: other\n    file: nope.bin\n    size: 12\n";
    let (hub, s) = (hub(), site(C1, artifacts));
    let r = json(&s, &hub);
    assert_eq!(r.status, 1, "{}", r.show());
    let item = &items(&r)[0];
    assert_eq!(item["state"], "missing");
    assert_eq!(item["file"], "nope.bin");
    assert_eq!(item["commit"], C1);
    assert_eq!(item["expected"]["size"], 12);
    assert_eq!(item["actual"]["size"], Value::Null);
    let r = verify(&s, &hub, &[]);
    assert!(
        r.stdout
            .contains(&format!("missing: {V100}: nope.bin in org/m at {C1}")),
        "{}",
        r.stdout
    );
}

#[test]
fn a_different_size_is_a_size_mismatch_even_when_the_sha256_differs_too() {
    let wrong_sha = "0".repeat(64);
    let (hub, s) = (hub(), site(C1, &weights_artifact(999, &wrong_sha)));
    let r = json(&s, &hub);
    assert_eq!(r.status, 1, "{}", r.show());
    let item = &items(&r)[0];
    assert_eq!(item["state"], "size-mismatch");
    assert_eq!(item["expected"]["size"], 999);
    assert_eq!(item["actual"]["size"], weights().size());
    assert_eq!(item["actual"]["sha256"], weights().sha256());
    assert_eq!(r.json()["summary"]["mismatched"], 1);
    let r = verify(&s, &hub, &[]);
    assert!(
        r.stdout.contains(&format!(
            "size-mismatch: {V100}: model.safetensors in org/m at {C1}: size 999 in the manifest, {} on the Hub",
            weights().size()
        )),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.last_line(),
        "ok 0, missing 0, mismatched 1, unverifiable 0, unpinned 0"
    );
}

#[test]
fn a_different_sha256_is_a_sha256_mismatch() {
    let wrong_sha = "0".repeat(64);
    let (hub, s) = (
        hub(),
        site(C1, &weights_artifact(weights().size(), &wrong_sha)),
    );
    let r = json(&s, &hub);
    assert_eq!(r.status, 1, "{}", r.show());
    assert_eq!(items(&r)[0]["state"], "sha256-mismatch");
    let r = verify(&s, &hub, &[]);
    assert!(
        r.stdout.contains(&format!(
            "sha256-mismatch: {V100}: model.safetensors in org/m at {C1}: sha256 {wrong_sha} in the manifest, {} on the Hub",
            weights().sha256()
        )),
        "{}",
        r.stdout
    );
}

#[test]
fn a_file_without_lfs_is_downloaded_and_hashed() {
    let artifacts = format!(
        "  - format: other\n    file: config.json\n    sha256: {}\n",
        config_json().sha256()
    );
    let (hub, s) = (hub(), site(C1, &artifacts));
    let r = json(&s, &hub);
    assert_eq!(r.status, 0, "{}", r.show());
    let item = &items(&r)[0];
    assert_eq!(item["state"], "ok");
    assert_eq!(item["actual"]["sha256"], config_json().sha256());
    assert!(
        hub.log()
            .contains(&format!("GET /org/m/resolve/{C1}/config.json")),
        "{:?}",
        hub.log()
    );
    // And a wrong one is found out.
    let s = site(
        C1,
        &format!(
            "  - format: other\n    file: config.json\n    sha256: {}\n",
            "1".repeat(64)
        ),
    );
    let r = json(&s, &hub);
    assert_eq!(r.status, 1, "{}", r.show());
    assert_eq!(items(&r)[0]["state"], "sha256-mismatch");
}

#[test]
fn a_big_file_without_lfs_is_unverifiable_and_not_downloaded() {
    let artifacts = format!(
        "  - format: other\n    file: big.bin\n    size: 60000000\n    sha256: {}\n",
        "2".repeat(64)
    );
    let (hub, s) = (hub(), site(C1, &artifacts));
    let r = json(&s, &hub);
    // Not knowing is no failure: exit 0.
    assert_eq!(r.status, 0, "{}", r.show());
    let item = &items(&r)[0];
    assert_eq!(item["state"], "unverifiable");
    assert_eq!(item["actual"]["size"], 60_000_000);
    assert_eq!(item["actual"]["sha256"], Value::Null);
    assert!(
        !hub.log().iter().any(|l| l.contains("/resolve/")),
        "{:?}",
        hub.log()
    );
    let r = verify(&s, &hub, &[]);
    assert!(
        r.stdout.contains("unverifiable: ") && r.stdout.contains("over the 50000000"),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.last_line(),
        "ok 0, missing 0, mismatched 0, unverifiable 1, unpinned 0"
    );
}

#[test]
fn an_unpinned_artifact_is_checked_at_the_commit_its_branch_resolves_to() {
    let artifacts = format!(
        "  - format: gguf\n    file: m-Q4_K_M.gguf\n    repo: org/m-GGUF\n    quantization: Q4_K_M\n    sha256: {}\n",
        gguf_new().sha256()
    );
    let (hub, s) = (hub(), site(C1, &artifacts));
    let r = json(&s, &hub);
    assert_eq!(r.status, 0, "{}", r.show());
    let item = &items(&r)[0];
    assert_eq!(item["state"], "ok");
    assert_eq!(item["unpinned"], true);
    assert_eq!(item["revision"], "main");
    assert_eq!(item["commit"], G2);
    assert_eq!(item["repo"], "org/m-GGUF");
    assert_eq!(r.json()["summary"]["unpinned"], 1);
    let log = hub.log();
    assert!(
        log.contains(&"GET /api/models/org/m-GGUF/revision/main".to_string()),
        "{log:?}"
    );
    assert!(
        log.contains(&format!("POST /api/models/org/m-GGUF/paths-info/{G2}")),
        "{log:?}"
    );
    let r = verify(&s, &hub, &[]);
    assert!(
        r.stdout.contains(&format!(
            "ok: {V100}: m-Q4_K_M.gguf in org/m-GGUF at main: unpinned: main is commit {G2} now"
        )),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.last_line(),
        "ok 1, missing 0, mismatched 0, unverifiable 0, unpinned 1"
    );
}

#[test]
fn a_branch_that_does_not_exist_is_missing_with_no_commit() {
    let artifacts = "  - format: gguf\n    file: m-Q4_K_M.gguf\n    repo: org/m-GGUF\n    revision: nightly\n    quantization: Q4_K_M\n";
    let (hub, s) = (hub(), site(C1, artifacts));
    let r = json(&s, &hub);
    assert_eq!(r.status, 1, "{}", r.show());
    let item = &items(&r)[0];
    assert_eq!(item["state"], "missing");
    assert_eq!(item["unpinned"], true);
    assert_eq!(item["commit"], Value::Null);
}

#[test]
fn a_repo_that_does_not_exist_is_missing() {
    let artifacts = "  - format: other\n    file: a.bin\n    repo: org/gone\n    revision: 1111111111111111111111111111111111111111\n";
    let (hub, s) = (hub(), site(C1, artifacts));
    let r = json(&s, &hub);
    assert_eq!(r.status, 1, "{}", r.show());
    assert_eq!(items(&r)[0]["state"], "missing");
    let r = verify(&s, &hub, &[]);
    assert!(r.stdout.contains("repo org/gone not found"), "{}", r.stdout);
}

#[test]
fn json_lists_every_item_with_every_key() {
    let artifacts = format!(
        "{}  - format: other\n    file: config.json\n",
        weights_artifact(weights().size(), &weights().sha256())
    );
    let (hub, s) = (hub(), site(C1, &artifacts));
    let r = json(&s, &hub);
    assert_eq!(r.status, 0, "{}", r.show());
    let doc = r.json();
    let top: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(top, ["artifacts", "summary"]);
    let items = items(&r);
    assert_eq!(items.len(), 2, "every item, ok ones too");
    let keys = [
        "model", "channel", "version", "repo", "revision", "commit", "file", "state", "unpinned",
        "expected", "actual",
    ];
    for item in &items {
        let got: Vec<&String> = item.as_object().unwrap().keys().collect();
        assert_eq!(got, keys);
        for side in ["expected", "actual"] {
            let got: Vec<&String> = item[side].as_object().unwrap().keys().collect();
            assert_eq!(got, ["size", "sha256"]);
        }
        assert_eq!(item["model"], "m");
        assert_eq!(item["channel"], "versioned");
        assert_eq!(item["version"], "1.0.0");
    }
    // config.json: nothing expected, null where the manifest says nothing.
    let config = items.iter().find(|i| i["file"] == "config.json").unwrap();
    assert_eq!(config["expected"]["size"], Value::Null);
    assert_eq!(config["expected"]["sha256"], Value::Null);
    assert_eq!(config["actual"]["sha256"], config_json().sha256());
    let summary: Vec<&String> = doc["summary"].as_object().unwrap().keys().collect();
    assert_eq!(
        summary,
        ["ok", "missing", "mismatched", "unverifiable", "unpinned"]
    );
    assert_eq!(doc["summary"]["ok"], 2);
}
