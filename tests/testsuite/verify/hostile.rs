//! `cadence verify` with hostile or failing answers and bad invocations:
//! what the Hub says is checked before it is shown or written, a name of
//! dots never becomes a request, the token goes only where it should, and
//! usage and site errors stop before any request.

use super::*;

#[test]
fn a_request_failing_after_its_retries_is_unverifiable_reported_and_exit_1() {
    let (hub, s) = (
        hub(),
        site(C1, &weights_artifact(weights().size(), &weights().sha256())),
    );
    let path = format!("/api/models/org/m/paths-info/{C1}");
    hub.script(
        "POST",
        &path,
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        10,
    );
    let r = json(&s, &hub);
    assert_eq!(r.status, 1, "{}", r.show());
    assert_eq!(items(&r)[0]["state"], "unverifiable");
    assert_eq!(r.json()["summary"]["unverifiable"], 1);
    assert!(
        r.stderr.contains("error: the Hub answered 503"),
        "{}",
        r.stderr
    );
    // Retried: the first try and CADENCE_HF_RETRIES=2 more.
    let posts = hub.log().iter().filter(|l| l.starts_with("POST")).count();
    assert_eq!(posts, 3, "{:?}", hub.log());
}

#[test]
fn a_download_shorter_than_paths_info_says_is_a_failure() {
    let (hub, s) = (hub(), site(C1, "  - format: other\n    file: short.json\n"));
    hub.state()
        .repos
        .get_mut("org/m")
        .unwrap()
        .files
        .get_mut(C1)
        .unwrap()
        .insert(
            "short.json".into(),
            FakeFile {
                size: Some(1000),
                ..FakeFile::git("{}")
            },
        );
    let r = json(&s, &hub);
    assert_eq!(r.status, 1, "{}", r.show());
    assert_eq!(items(&r)[0]["state"], "unverifiable");
    assert!(r.stderr.contains("was 2 bytes"), "{}", r.stderr);
}

#[test]
fn an_lfs_oid_that_is_no_sha256_is_refused_not_shown() {
    let (hub, s) = (hub(), site(C1, "  - format: other\n    file: odd.bin\n"));
    hub.state()
        .repos
        .get_mut("org/m")
        .unwrap()
        .files
        .get_mut(C1)
        .unwrap()
        .insert(
            "odd.bin".into(),
            FakeFile {
                oid: Some("abc\nrevision: evil".into()),
                ..FakeFile::lfs("odd")
            },
        );
    let r = verify(&s, &hub, &["--fill"]);
    assert_eq!(r.status, 1, "{}", r.show());
    assert!(r.stderr.contains("not a sha256"), "{}", r.stderr);
    assert!(!r.stdout.contains("evil") && !r.stderr.contains("evil"));
    assert!(!s.read(V100).contains("sha256"), "{}", s.read(V100));
}

#[test]
fn a_repo_or_revision_of_dots_never_becomes_a_request() {
    let artifacts = "  - format: other\n    file: a.bin\n    repo: org/..\n  - format: other\n    file: b.bin\n    revision: ..\n";
    let (hub, s) = (hub(), site(C1, artifacts));
    let r = json(&s, &hub);
    assert_eq!(r.status, 1, "{}", r.show());
    let items = items(&r);
    assert_eq!(items.len(), 2, "{}", r.stdout);
    assert!(
        items.iter().all(|i| i["state"] == "unverifiable"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("`.` or `..`"), "{}", r.stderr);
    assert!(
        !hub.log()
            .iter()
            .any(|l| l.contains("..") || l.contains("/org/revision")),
        "{:?}",
        hub.log()
    );
}

#[test]
fn a_token_goes_along_when_there_is_one() {
    let (hub, s) = (
        hub(),
        site(C1, &weights_artifact(weights().size(), &weights().sha256())),
    );
    let r = cadence(
        &s,
        &["verify", "--endpoint", &hub.url],
        &[("HF_TOKEN", TOKEN)],
    );
    assert_eq!(r.status, 0, "{}", r.show());
    let bearer = format!("Bearer {TOKEN}");
    assert!(
        hub.seen()
            .iter()
            .all(|x| x.authorization.as_deref() == Some(bearer.as_str()))
    );
}

#[test]
fn usage_and_site_errors_exit_2_and_1_before_any_request() {
    let (hub, s) = (
        hub(),
        site(C1, &weights_artifact(weights().size(), &weights().sha256())),
    );
    let r = verify(&s, &hub, &["--model", "nope"]);
    assert_eq!(r.status, 2, "{}", r.show());
    let r = verify(&s, &hub, &["--channel", "nightly"]);
    assert_eq!(r.status, 2, "{}", r.show());
    let r = cadence(
        &s,
        &["verify", "--endpoint", "http://user:secret@127.0.0.1:1/"],
        &[],
    );
    assert_eq!(r.status, 2, "{}", r.show());
    assert!(!r.stderr.contains("secret"), "{}", r.stderr);
    // A site with errors: the findings, exit 1, as hf-sync.
    std::fs::write(
        s.path("releases/m/versioned/1.0.1.yaml"),
        "version: 1.0.1\ndate: 2025-02-01\nsummary: Bad.\nrevision: nope\n",
    )
    .unwrap();
    let r = verify(&s, &hub, &[]);
    assert_eq!(r.status, 1, "{}", r.show());
    assert!(r.stderr.contains("revision-format"), "{}", r.stderr);
    assert!(hub.log().is_empty(), "{:?}", hub.log());
}

#[test]
fn the_selection_limits_what_is_checked() {
    let (hub, s) = (
        hub(),
        site(C1, &weights_artifact(weights().size(), &weights().sha256())),
    );
    std::fs::create_dir_all(s.path("releases/m/stream")).unwrap();
    std::fs::write(
        s.path("releases/m/stream/2025-01-02.yaml"),
        format!("version: 2025-01-02\ndate: 2025-01-02\nsummary: A build.\nrevision: {MISSING}\n"),
    )
    .unwrap();
    let r = verify(&s, &hub, &["--channel", "versioned"]);
    assert_eq!(r.status, 0, "{}", r.show());
    assert!(!hub.log().iter().any(|l| l.contains("m-stream")));
    let r = verify(&s, &hub, &["--channel", "stream"]);
    assert_eq!(r.status, 1, "{}", r.show());
    assert_eq!(
        r.last_line(),
        "ok 0, missing 1, mismatched 0, unverifiable 0, unpinned 0"
    );
}
