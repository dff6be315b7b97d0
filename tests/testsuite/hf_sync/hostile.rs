//! hf-sync against a hostile or faulty Hub (SPEC 9, the end): redirects to
//! another origin, a refused connection, a `Retry-After` beyond the retry
//! budget, answers over 32 MiB, credentials in the endpoint URL.

use super::*;
use crate::support::fake_hub::Recorder;

fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

fn count(hub: &FakeHub, line: &str) -> usize {
    hub.log().iter().filter(|l| *l == line).count()
}

#[test]
fn a_redirected_create_fails_and_nothing_reaches_the_other_origin() {
    for status in [301, 302, 303, 307, 308] {
        let (site, hub) = (site(), empty_hub());
        let other = Recorder::start("{}");
        let path = format!("/api/models/org/m/tag/{C2}");
        let location = format!("{}{path}", other.url);
        hub.script("POST", &path, Fault::Redirect { status, location }, 100);
        let r = run(&site, &hub, &["--apply", "-v"]);
        assert_eq!(r.status, 1, "{status}:\n{}\n{}", r.stdout, r.stderr);
        assert_eq!(
            r.last_line(),
            "created 3, ok 0, moved 0, deleted 0, conflicts 0, failed 1",
            "{status}:\n{}",
            r.stderr
        );
        assert!(
            r.stderr.contains(&format!(
                "cannot create tag v1.1.0 (releases/m/versioned/1.1.0.yaml): the Hub answered {status}"
            )) && r.stderr.contains("redirect"),
            "{status}:\n{}",
            r.stderr
        );
        assert!(
            other.seen().is_empty(),
            "{status}: the other origin got {:?}",
            other.seen()
        );
        assert_eq!(hub.tags("org/m"), tags(&[("v1.0.0", C1)]), "{status}");
        assert_eq!(
            count(&hub, &format!("POST {path}")),
            1,
            "{status}: a redirected change is not retried: {:?}",
            hub.log()
        );
    }
}

#[test]
fn a_redirected_delete_fails_and_nothing_reaches_the_other_origin() {
    for status in [301, 302, 307, 308] {
        let site = site();
        let hub = FakeHub::start(TOKEN)
            .with_repo(
                "org/m",
                Repo::new(&[C1, C2, C3])
                    .tag("v1.0.0", C1)
                    .tag("v1.1.0", C2)
                    .tag("experiment", C3),
            )
            .with_repo(
                "org/m-stream",
                Repo::new(&[S1, S2])
                    .tag("release-20250102", S1)
                    .tag("release-20250203", S2),
            );
        let other = Recorder::start("{}");
        let path = "/api/models/org/m/tag/experiment";
        let location = format!("{}{path}", other.url);
        hub.script("DELETE", path, Fault::Redirect { status, location }, 100);
        let r = run(&site, &hub, &["--apply", "--prune"]);
        assert_eq!(r.status, 1, "{status}:\n{}\n{}", r.stdout, r.stderr);
        assert_eq!(
            r.last_line(),
            "created 0, ok 4, moved 0, deleted 0, conflicts 0, failed 1",
            "{status}:\n{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("cannot delete tag experiment on org/m")
                && r.stderr.contains(&format!("answered {status}")),
            "{status}:\n{}",
            r.stderr
        );
        assert!(other.seen().is_empty(), "{status}: {:?}", other.seen());
        assert!(hub.tags("org/m").contains_key("experiment"), "{status}");
    }
}

#[test]
fn a_get_redirected_to_another_origin_is_followed_without_the_token() {
    let (site, hub) = (site(), empty_hub());
    let refs = format!(
        r#"{{"branches":[],"converts":[],"tags":[{{"name":"v1.0.0","ref":"refs/tags/v1.0.0","targetCommit":"{C1}"}}]}}"#
    );
    let other = Recorder::start(&refs);
    let location = format!("{}/mirror/org/m/refs", other.url);
    let refs_path = "/api/models/org/m/refs";
    hub.script(
        "GET",
        refs_path,
        Fault::Redirect {
            status: 302,
            location,
        },
        1,
    );
    let r = run(&site, &hub, &["-v"]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    // The refs came from the other origin.
    assert!(row(&r, "v1.0.0").contains("ok"), "{}", r.stdout);
    let seen = other.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("GET", "/mirror/org/m/refs")
    );
    assert!(seen[0].body.is_empty(), "{seen:?}");
    assert!(
        !seen[0]
            .headers
            .iter()
            .any(|(k, v)| k == "authorization" || v.contains(TOKEN)),
        "the token went to another origin: {seen:?}"
    );
    // -v says so.
    assert!(
        r.stderr.contains(&format!(
            "redirected (302) to {}/mirror/org/m/refs without the token",
            other.url
        )),
        "{}",
        r.stderr
    );
    // The Hub itself still got the token on every request.
    assert!(
        hub.seen()
            .iter()
            .all(|s| s.authorization.as_deref() == Some(bearer().as_str())),
        "{:?}",
        hub.seen()
    );
}

#[test]
fn a_get_redirected_on_the_same_origin_keeps_the_token() {
    let (site, hub) = (site(), empty_hub());
    let refs_path = "/api/models/org/m/refs";
    // An absolute path, then a relative reference, resolved against the
    // request's URL.
    hub.script(
        "GET",
        refs_path,
        Fault::Redirect {
            status: 301,
            location: refs_path.to_string(),
        },
        1,
    );
    let revision = format!("/api/models/org/m/revision/{C2}");
    hub.script(
        "GET",
        &revision,
        Fault::Redirect {
            status: 307,
            location: format!("../revision/{C2}"),
        },
        1,
    );
    let r = run(&site, &hub, &["--apply"]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        r.last_line(),
        "created 4, ok 0, moved 0, deleted 0, conflicts 0, failed 0"
    );
    assert_eq!(
        count(&hub, &format!("GET {refs_path}")),
        2,
        "{:?}",
        hub.log()
    );
    assert_eq!(
        count(&hub, &format!("GET {revision}")),
        2,
        "{:?}",
        hub.log()
    );
    assert!(
        hub.seen()
            .iter()
            .all(|s| s.authorization.as_deref() == Some(bearer().as_str())),
        "{:?}",
        hub.seen()
    );
}

#[test]
fn a_redirect_loop_stops_after_a_few_hops() {
    let (site, hub) = (site(), empty_hub());
    let refs_path = "/api/models/org/m/refs";
    hub.script(
        "GET",
        refs_path,
        Fault::Redirect {
            status: 302,
            location: refs_path.to_string(),
        },
        1000,
    );
    let r = run(&site, &hub, &[]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("reading the refs of org/m") && r.stderr.contains("redirects"),
        "{}",
        r.stderr
    );
    let gets = count(&hub, &format!("GET {refs_path}"));
    assert!(
        (2..=6).contains(&gets),
        "a loop is followed a few hops, not retried: {gets} requests"
    );
    assert_eq!(hub.tags("org/m-stream").len(), 0);
    assert!(
        row(&r, "release-20250102").contains("create"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_refused_connection_is_reported_at_once() {
    // Bound, never listening: a connection is refused, and no other test
    // can take the port while this one runs (a listener dropped to free
    // its port could be reused by a parallel test's server).
    let refusing =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    refusing
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
    let port = refusing.local_addr().unwrap().as_socket().unwrap().port();
    let site = site();
    let endpoint = format!("http://127.0.0.1:{port}");
    let r = run_env(
        &site,
        None,
        &["--apply", "--endpoint", &endpoint],
        Some(TOKEN),
        &[],
    );
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("cannot reach the Hub while reading the refs of org/m (1 attempt)"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("retrying"), "{}", r.stderr);
    assert_eq!(
        r.last_line(),
        "created 0, ok 0, moved 0, deleted 0, conflicts 0, failed 4"
    );
}

#[test]
fn a_retry_after_beyond_the_retry_budget_fails_at_once() {
    let (site, hub) = (site(), empty_hub());
    let refs_path = "/api/models/org/m/refs";
    hub.script(
        "GET",
        refs_path,
        Fault::Status {
            status: 429,
            retry_after: Some(61),
        },
        1,
    );
    let r = run(&site, &hub, &[]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("the Hub asks to wait 61 s before the next request to org/m")
            && r.stderr.contains("60 s"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("retrying"), "{}", r.stderr);
    assert_eq!(
        count(&hub, &format!("GET {refs_path}")),
        1,
        "{:?}",
        hub.log()
    );
    // The other repo is still planned.
    assert!(
        row(&r, "release-20250102").contains("create"),
        "{}",
        r.stdout
    );

    // A 503 asking for too long a wait fails at once too.
    hub.clear_seen();
    hub.script(
        "GET",
        refs_path,
        Fault::Status {
            status: 503,
            retry_after: Some(3600),
        },
        1,
    );
    let r = run(&site, &hub, &[]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("asks to wait 3600 s, longer than cadence waits"),
        "{}",
        r.stderr
    );
    assert_eq!(
        count(&hub, &format!("GET {refs_path}")),
        1,
        "{:?}",
        hub.log()
    );
}

#[test]
fn an_answer_over_32_mib_is_refused() {
    for content_length in [true, false] {
        let (site, hub) = (site(), empty_hub());
        let refs_path = "/api/models/org/m/refs";
        hub.script(
            "GET",
            refs_path,
            Fault::Big {
                bytes: 33 << 20,
                content_length,
            },
            1,
        );
        let r = run(&site, &hub, &[]);
        assert_eq!(
            r.status, 1,
            "Content-Length {content_length}:\n{}\n{}",
            r.stdout, r.stderr
        );
        assert!(
            r.stderr.contains("reading the refs of org/m") && r.stderr.contains("32 MiB"),
            "Content-Length {content_length}:\n{}",
            r.stderr
        );
        // With a Content-Length, refused before reading, saying how large.
        assert_eq!(
            r.stderr.contains(&format!("({} bytes)", 33 << 20)),
            content_length,
            "{}",
            r.stderr
        );
        assert_eq!(
            count(&hub, &format!("GET {refs_path}")),
            1,
            "not retried: {:?}",
            hub.log()
        );
        assert_eq!(
            r.last_line(),
            "created 2, ok 0, moved 0, deleted 0, conflicts 0, failed 2"
        );
    }
    // Just under the cap is read.
    let (site, hub) = (site(), empty_hub());
    hub.script(
        "GET",
        "/api/models/org/m/refs",
        Fault::Big {
            bytes: (32 << 20) - 1,
            content_length: false,
        },
        1,
    );
    let r = run(&site, &hub, &[]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
}

#[test]
fn credentials_in_the_endpoint_are_refused_and_never_printed() {
    let (site, hub) = (site(), empty_hub());
    let secret = "s3cretPass";
    let with_user = hub
        .url
        .replace("http://", &format!("http://user:{secret}@"));
    let with_query = format!("{}/?token=hf_{secret}", hub.url);
    let not_http = format!("ftp://user:{secret}@127.0.0.1/");
    let cases = [
        ("--endpoint", with_user.clone()),
        ("HF_ENDPOINT", with_user),
        ("--endpoint", with_query),
        ("--endpoint", not_http),
        ("--endpoint", format!("http://user:{secret}@")),
    ];
    for (how, endpoint) in cases {
        let r = if how == "HF_ENDPOINT" {
            run_env(&site, None, &["-v"], Some(TOKEN), &[(how, &endpoint)])
        } else {
            run_env(&site, None, &["-v", how, &endpoint], Some(TOKEN), &[])
        };
        assert_eq!(r.status, 2, "{how} {endpoint}:\n{}\n{}", r.stdout, r.stderr);
        for text in [&r.stdout, &r.stderr] {
            assert!(!text.contains(secret), "{how} {endpoint}: printed:\n{text}");
        }
        assert!(r.stderr.contains("endpoint"), "{}", r.stderr);
        assert!(hub.log().is_empty(), "{how} {endpoint}: {:?}", hub.log());
    }
}

#[test]
fn a_dot_dot_tag_from_the_hub_is_never_a_request_on_the_repo() {
    // A hostile refs answer lists a tag named `..`: with --prune, deleting it
    // must not become `DELETE /api/models/org/m/` (URL parsing removes `..`).
    let site = site();
    let hub = FakeHub::start(TOKEN)
        .with_repo(
            "org/m",
            Repo::new(&[C1, C2, C3])
                .tag("v1.0.0", C1)
                .tag("v1.1.0", C2)
                .tag("..", C3),
        )
        .with_repo(
            "org/m-stream",
            Repo::new(&[S1, S2])
                .tag("release-20250102", S1)
                .tag("release-20250203", S2),
        );
    let r = run(&site, &hub, &["--apply", "--prune"]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        r.last_line(),
        "created 0, ok 4, moved 0, deleted 0, conflicts 0, failed 1"
    );
    assert!(
        r.stderr.contains("cannot delete tag .. on org/m") && r.stderr.contains("`.` or `..`"),
        "{}",
        r.stderr
    );
    assert!(changing(&hub).is_empty(), "{:?}", hub.log());
}
