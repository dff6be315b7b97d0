//! hf-sync when the Hub fails or refuses: rate limits and server errors
//! retried, errors that persist, a create that timed out but happened; and
//! the token: needed to apply, read from the token file, never printed,
//! refused or without write access.

use std::time::Duration;

use super::*;

#[test]
fn rate_limits_and_server_errors_are_retried() {
    let (site, hub) = (site(), empty_hub());
    hub.script(
        "GET",
        "/api/models/org/m/refs",
        Fault::Status {
            status: 429,
            retry_after: Some(1),
        },
        1,
    );
    hub.script(
        "GET",
        "/api/models/org/m-stream/refs",
        Fault::Status {
            status: 502,
            retry_after: None,
        },
        1,
    );
    let create_c2 = format!("/api/models/org/m/tag/{C2}");
    hub.script(
        "POST",
        &create_c2,
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        2,
    );
    let r = run(&site, &hub, &["--apply"]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        r.last_line(),
        "created 4, ok 0, moved 0, deleted 0, conflicts 0, failed 0"
    );
    assert!(r.stderr.contains("the Hub answered 429"), "{}", r.stderr);
    assert!(
        r.stderr.contains("retrying in 1 s"),
        "Retry-After is honoured:\n{}",
        r.stderr
    );
    assert!(r.stderr.contains("the Hub answered 503"), "{}", r.stderr);
    let log = hub.log();
    assert_eq!(
        log.iter()
            .filter(|l| **l == "GET /api/models/org/m/refs")
            .count(),
        2,
        "{log:?}"
    );
    assert_eq!(
        log.iter()
            .filter(|l| **l == format!("POST {create_c2}"))
            .count(),
        3,
        "{log:?}"
    );
    assert_eq!(hub.tags("org/m"), tags(&[("v1.0.0", C1), ("v1.1.0", C2)]));
}

#[test]
fn server_errors_that_persist_fail_with_a_clear_message() {
    let (site, hub) = (site(), empty_hub());
    hub.script(
        "GET",
        "/api/models/org/m/refs",
        Fault::Status {
            status: 500,
            retry_after: None,
        },
        100,
    );
    let r = run_env(
        &site,
        Some(&hub),
        &["--apply"],
        Some(TOKEN),
        &[("CADENCE_HF_RETRIES", "2")],
    );
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("the Hub answered 500: scripted failure for org/m after 3 attempts"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.last_line(),
        "created 2, ok 0, moved 0, deleted 0, conflicts 0, failed 2"
    );
}

#[test]
fn a_create_that_timed_out_but_happened_counts_as_created() {
    let (site, hub) = (site(), empty_hub());
    let create_c1 = format!("/api/models/org/m/tag/{C1}");
    hub.script(
        "POST",
        &create_c1,
        Fault::Slow(Duration::from_millis(3000)),
        1,
    );
    let r = run_env(
        &site,
        Some(&hub),
        &["--apply"],
        Some(TOKEN),
        &[("CADENCE_HF_TIMEOUT_MS", "600")],
    );
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("no answer within"), "{}", r.stderr);
    assert_eq!(
        r.last_line(),
        "created 4, ok 0, moved 0, deleted 0, conflicts 0, failed 0"
    );
    assert_eq!(hub.tags("org/m"), tags(&[("v1.0.0", C1), ("v1.1.0", C2)]));
    let log = hub.log();
    assert_eq!(
        log.iter()
            .filter(|l| **l == format!("POST {create_c1}"))
            .count(),
        2,
        "{log:?}"
    );
}

#[test]
fn apply_without_a_token_stops_before_any_request() {
    let (site, hub) = (site(), empty_hub());
    let r = run_env(&site, Some(&hub), &["--apply"], None, &[]);
    assert_eq!(r.status, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("HF_TOKEN"), "{}", r.stderr);
    assert!(hub.log().is_empty(), "{:?}", hub.log());
    // An empty token is no token.
    let r = run_env(&site, Some(&hub), &["--apply"], Some("  "), &[]);
    assert_eq!(r.status, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(hub.log().is_empty(), "{:?}", hub.log());
}

#[test]
fn the_token_file_is_read() {
    let (site, hub) = (site(), empty_hub());
    let hf_home = site.beside("home/hf");
    std::fs::create_dir_all(&hf_home).unwrap();
    std::fs::write(hf_home.join("token"), format!("{TOKEN}\n")).unwrap();
    let r = run_env(&site, Some(&hub), &["--apply"], None, &[]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(hub.tags("org/m").len(), 2);
    assert!(
        hub.seen()
            .iter()
            .all(|s| s.authorization.as_deref() == Some(&format!("Bearer {TOKEN}")))
    );
}

#[test]
fn the_token_is_in_no_output() {
    let (site, hub) = (site(), empty_hub());
    // Verbose, with retries: every request and retry is logged.
    hub.script(
        "GET",
        "/api/models/org/m/refs",
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        1,
    );
    let r = run(&site, &hub, &["--apply", "-v"]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("GET http://127.0.0.1"),
        "verbose logs requests:\n{}",
        r.stderr
    );

    // A Hub that echoes the credentials in its error message.
    let (site, hub) = (site_with(C3), empty_hub());
    hub.script(
        "POST",
        &format!("/api/models/org/m/tag/{C3}"),
        Fault::EchoAuth,
        1,
    );
    let r = run(&site, &hub, &["--apply", "-v"]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("credentials Bearer *** cannot write here"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("the token cannot write to org/m (403"),
        "{}",
        r.stderr
    );
    // run() asserted after each run that the token was in neither stream.
}

#[test]
fn an_invalid_token_or_a_read_only_repo_says_what_to_do() {
    let site = site();
    let hub = FakeHub::start("hf_another_token")
        .with_repo("org/m", Repo::new(&[C1, C2]))
        .with_repo("org/m-stream", Repo::new(&[S1, S2]));
    let r = run(&site, &hub, &["--apply"]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("the Hub rejected the token for org/m (401"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("set HF_TOKEN"), "{}", r.stderr);

    let hub = FakeHub::start(TOKEN)
        .with_repo(
            "org/m",
            Repo {
                read_only: true,
                ..Repo::new(&[C1, C2])
            },
        )
        .with_repo("org/m-stream", Repo::new(&[S1, S2]));
    let r = run(&site, &hub, &["--apply"]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("the token cannot write to org/m (403"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("give it write access"), "{}", r.stderr);
    // After a 403 the repo's other changes are not tried, but still fail.
    assert!(
        r.stderr.contains("skipped 1 more change to org/m"),
        "{}",
        r.stderr
    );
    let posts_to_m = hub
        .log()
        .iter()
        .filter(|l| l.starts_with("POST /api/models/org/m/"))
        .count();
    assert_eq!(posts_to_m, 1, "{:?}", hub.log());
    assert_eq!(hub.tags("org/m-stream").len(), 2);
    assert_eq!(
        r.last_line(),
        "created 2, ok 0, moved 0, deleted 0, conflicts 0, failed 2"
    );
}
