//! `cadence hf-sync` against a fake Hub on 127.0.0.1: the real binary on a
//! fixture site (`tests/fixtures/hub`), asserting on its output, exit status and the Hub's tags.
//! Nothing here reaches the internet.

mod faults;
mod hostile;

use crate::prelude::*;
use crate::support::fake_hub::{self, FakeHub, Fault, Repo};

const TOKEN: &str = "hf_TestTokenThatMustNeverBePrinted42";

// Commits of org/m (versioned) and org/m-stream, as in tests/fixtures/hub.
const C1: &str = "1111111111111111111111111111111111111111";
const C2: &str = "2222222222222222222222222222222222222222";
const C3: &str = "3333333333333333333333333333333333333333";
const S1: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const S2: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const MISSING: &str = "9999999999999999999999999999999999999999";

/// `tests/fixtures/hub` (versioned 1.0.0 at C1, 1.1.0 at `rev_110`, a
/// planned 1.2.0, stream builds 2025-01-02 at S1 and 2025-02-03 at S2),
/// run on 2026-01-01 in an environment of its own.
fn site_with(rev_110: &str) -> SiteTest {
    let mut site = SiteTest::from("hub");
    site.today("2026-01-01")
        .manifest("m/versioned/1.1.0", &format!("revision: {rev_110}"));
    fake_hub::isolate(&mut site)
        .env("CADENCE_HF_RETRY_BASE_MS", "20")
        .env("CADENCE_HF_TIMEOUT_MS", "5000");
    site
}

fn site() -> SiteTest {
    site_with(C2)
}

/// A Hub with both repos and no tags.
fn empty_hub() -> FakeHub {
    FakeHub::start(TOKEN)
        .with_repo("org/m", Repo::new(&[C1, C2, C3]))
        .with_repo("org/m-stream", Repo::new(&[S1, S2]))
}

/// The table row of `tag`.
#[track_caller]
fn row<'a>(run: &'a Run, tag: &str) -> &'a str {
    run.stdout
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(tag))
        .unwrap_or_else(|| panic!("no row for {tag} in:\n{}", run.stdout))
}

#[track_caller]
fn assert_no_token(run: &Run) {
    assert!(
        !run.stdout.contains(TOKEN),
        "token in stdout:\n{}",
        run.stdout
    );
    assert!(
        !run.stderr.contains(TOKEN),
        "token in stderr:\n{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("TestTokenThat"),
        "part of the token in stderr:\n{}",
        run.stderr
    );
}

/// Run `cadence hf-sync [--endpoint <hub>] ARGS` with `HF_TOKEN` only when
/// `token` is given, and `env`; the token is in no output.
fn run_env(
    site: &SiteTest,
    hub: Option<&FakeHub>,
    args: &[&str],
    token: Option<&str>,
    env: &[(&str, &str)],
) -> Run {
    let mut all = vec!["hf-sync".to_string()];
    if let Some(h) = hub {
        all.extend(["--endpoint".to_string(), h.url.clone()]);
    }
    all.extend(args.iter().map(|a| a.to_string()));
    let mut cmd = site.command(&all);
    if let Some(t) = token {
        cmd.env("HF_TOKEN", t);
    }
    cmd.envs(env.iter().copied());
    let run = Run::of(cmd);
    assert_no_token(&run);
    run
}

fn run(site: &SiteTest, hub: &FakeHub, args: &[&str]) -> Run {
    run_env(site, Some(hub), args, Some(TOKEN), &[])
}

fn tags(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(t, c)| (t.to_string(), c.to_string()))
        .collect()
}

fn changing(hub: &FakeHub) -> Vec<String> {
    hub.seen()
        .iter()
        .filter(|s| s.changes())
        .map(|s| format!("{} {}", s.method, s.path))
        .collect()
}

#[test]
fn the_fixture_passes_check() {
    site().run(["check"]).success();
}

#[test]
fn a_dry_run_prints_the_plan_and_changes_nothing() {
    let (site, hub) = (site(), empty_hub());
    let r = run(&site, &hub, &[]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("REPO"), "{}", r.stdout);
    for (repo, tag, rev) in [
        ("org/m", "v1.0.0", C1),
        ("org/m", "v1.1.0", C2),
        ("org/m-stream", "release-20250102", S1),
        ("org/m-stream", "release-20250203", S2),
    ] {
        let row = row(&r, tag);
        assert!(
            row.starts_with(repo) && row.contains(&rev[..7]) && row.contains("create"),
            "{row}"
        );
    }
    assert!(
        !r.stdout.contains("v1.2.0"),
        "a planned release is not tagged:\n{}",
        r.stdout
    );
    assert_eq!(
        r.last_line(),
        "created 4, ok 0, moved 0, deleted 0, conflicts 0, failed 0"
    );
    assert!(r.stderr.contains("dry run"), "{}", r.stderr);
    assert!(changing(&hub).is_empty(), "{:?}", hub.log());
    assert!(hub.tags("org/m").is_empty() && hub.tags("org/m-stream").is_empty());
    // The plan checked each revision to tag, read-only.
    let log = hub.log();
    assert!(
        log.contains(&format!("GET /api/models/org/m/revision/{C2}")),
        "{log:?}"
    );
    assert!(
        log.contains(&"GET /api/models/org/m-stream/refs".to_string()),
        "{log:?}"
    );
    // The token is sent on reads too.
    assert!(
        hub.seen()
            .iter()
            .all(|s| s.authorization.as_deref() == Some(&format!("Bearer {TOKEN}")))
    );
}

#[test]
fn a_dry_run_needs_no_token() {
    let (site, hub) = (site(), empty_hub());
    let r = run_env(&site, Some(&hub), &[], None, &[]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        r.last_line(),
        "created 4, ok 0, moved 0, deleted 0, conflicts 0, failed 0"
    );
    assert!(hub.seen().iter().all(|s| s.authorization.is_none()));
}

#[test]
fn apply_creates_exactly_the_missing_tags_at_the_right_commits() {
    let site = site();
    let hub = FakeHub::start(TOKEN)
        .with_repo("org/m", Repo::new(&[C1, C2, C3]).tag("v1.0.0", C1))
        .with_repo("org/m-stream", Repo::new(&[S1, S2]));
    let r = run(&site, &hub, &["--apply"]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(row(&r, "v1.0.0").contains("ok"), "{}", r.stdout);
    assert_eq!(
        r.last_line(),
        "created 3, ok 1, moved 0, deleted 0, conflicts 0, failed 0"
    );
    assert_eq!(hub.tags("org/m"), tags(&[("v1.0.0", C1), ("v1.1.0", C2)]));
    assert_eq!(
        hub.tags("org/m-stream"),
        tags(&[("release-20250102", S1), ("release-20250203", S2)])
    );
    assert_eq!(
        hub.tag_message("org/m", "v1.1.0").as_deref(),
        Some("cadence: m versioned 1.1.0")
    );
    let mut posts = changing(&hub);
    posts.sort();
    assert_eq!(
        posts,
        [
            format!("POST /api/models/org/m-stream/tag/{S1}"),
            format!("POST /api/models/org/m-stream/tag/{S2}"),
            format!("POST /api/models/org/m/tag/{C2}"),
        ]
    );
    assert!(
        r.stderr
            .contains(&format!("created v1.1.0 on org/m at {}", &C2[..7])),
        "{}",
        r.stderr
    );
}

#[test]
fn a_second_apply_makes_no_changing_request() {
    let (site, hub) = (site(), empty_hub());
    let first = run(&site, &hub, &["--apply"]);
    assert_eq!(first.status, 0, "{}\n{}", first.stdout, first.stderr);
    hub.clear_seen();
    let second = run(&site, &hub, &["--apply"]);
    assert_eq!(second.status, 0, "{}\n{}", second.stdout, second.stderr);
    assert_eq!(
        second.last_line(),
        "created 0, ok 4, moved 0, deleted 0, conflicts 0, failed 0"
    );
    assert!(changing(&hub).is_empty(), "{:?}", hub.log());
    assert!(!hub.log().is_empty());
}

#[test]
fn a_conflict_is_left_alone_without_force_and_moved_with_it() {
    let site = site();
    let hub = FakeHub::start(TOKEN)
        .with_repo(
            "org/m",
            Repo::new(&[C1, C2, C3]).tag("v1.0.0", C1).tag("v1.1.0", C3),
        )
        .with_repo(
            "org/m-stream",
            Repo::new(&[S1, S2])
                .tag("release-20250102", S1)
                .tag("release-20250203", S2),
        );

    let dry = run(&site, &hub, &[]);
    assert_eq!(
        dry.status, 1,
        "a conflict fails a dry run too:\n{}\n{}",
        dry.stdout, dry.stderr
    );
    let row = row(&dry, "v1.1.0");
    assert!(
        row.contains("conflict") && row.contains(&C3[..7]) && row.contains("--force"),
        "{row}"
    );

    let r = run(&site, &hub, &["--apply"]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        r.last_line(),
        "created 0, ok 3, moved 0, deleted 0, conflicts 1, failed 0"
    );
    assert_eq!(hub.tags("org/m")["v1.1.0"], C3);
    assert!(changing(&hub).is_empty(), "{:?}", hub.log());

    let dry_force = run(&site, &hub, &["--force"]);
    assert_eq!(
        dry_force.status, 0,
        "{}\n{}",
        dry_force.stdout, dry_force.stderr
    );
    assert_eq!(
        dry_force.last_line(),
        "created 0, ok 3, moved 1, deleted 0, conflicts 0, failed 0"
    );
    assert!(changing(&hub).is_empty(), "{:?}", hub.log());

    let forced = run(&site, &hub, &["--apply", "--force"]);
    assert_eq!(forced.status, 0, "{}\n{}", forced.stdout, forced.stderr);
    assert_eq!(
        forced.last_line(),
        "created 0, ok 3, moved 1, deleted 0, conflicts 0, failed 0"
    );
    assert_eq!(hub.tags("org/m")["v1.1.0"], C2);
    assert_eq!(
        changing(&hub),
        [
            "DELETE /api/models/org/m/tag/v1.1.0".to_string(),
            format!("POST /api/models/org/m/tag/{C2}")
        ]
    );
}

#[test]
fn unmanaged_tags_are_deleted_only_with_prune() {
    let site = site();
    let hub = FakeHub::start(TOKEN)
        .with_repo(
            "org/m",
            Repo::new(&[C1, C2, C3])
                .tag("v0.9.0", C1)
                .tag("experiment", C3),
        )
        .with_repo("org/m-stream", Repo::new(&[S1, S2]));

    let r = run(&site, &hub, &["--apply"]);
    assert_eq!(
        r.status, 0,
        "unmanaged tags are not failures:\n{}\n{}",
        r.stdout, r.stderr
    );
    assert!(
        row(&r, "v0.9.0").contains("unmanaged") && row(&r, "v0.9.0").contains("--prune"),
        "{}",
        r.stdout
    );
    assert!(row(&r, "experiment").contains("unmanaged"), "{}", r.stdout);
    assert_eq!(
        r.last_line(),
        "created 4, ok 0, moved 0, deleted 0, conflicts 0, failed 0"
    );
    assert!(
        hub.tags("org/m").contains_key("v0.9.0") && hub.tags("org/m").contains_key("experiment")
    );
    assert!(
        !hub.log().iter().any(|l| l.starts_with("DELETE")),
        "{:?}",
        hub.log()
    );

    let pruned = run(&site, &hub, &["--apply", "--prune"]);
    assert_eq!(pruned.status, 0, "{}\n{}", pruned.stdout, pruned.stderr);
    assert_eq!(
        pruned.last_line(),
        "created 0, ok 4, moved 0, deleted 2, conflicts 0, failed 0"
    );
    assert_eq!(hub.tags("org/m"), tags(&[("v1.0.0", C1), ("v1.1.0", C2)]));
}

#[test]
fn a_missing_revision_fails_that_tag_and_the_others_still_sync() {
    let site = site_with(MISSING);
    let hub = empty_hub();

    let dry = run(&site, &hub, &[]);
    assert_eq!(
        dry.status, 1,
        "the dry run checks revisions:\n{}\n{}",
        dry.stdout, dry.stderr
    );
    assert!(
        row(&dry, "v1.1.0").contains("revision not in repo"),
        "{}",
        dry.stdout
    );

    let r = run(&site, &hub, &["--apply"]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "releases/m/versioned/1.1.0.yaml: revision {MISSING} is not in org/m (RevisionNotFound)"
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("correct the manifest"), "{}", r.stderr);
    assert_eq!(
        r.last_line(),
        "created 3, ok 0, moved 0, deleted 0, conflicts 0, failed 1"
    );
    assert_eq!(hub.tags("org/m"), tags(&[("v1.0.0", C1)]));
    assert_eq!(hub.tags("org/m-stream").len(), 2);
    assert!(
        !hub.log()
            .iter()
            .any(|l| l.contains(&format!("tag/{MISSING}"))),
        "no create for a missing revision"
    );
}

#[test]
fn one_repo_failing_does_not_stop_the_others() {
    let site = site();
    let hub = FakeHub::start(TOKEN).with_repo("org/m", Repo::new(&[C1, C2]));
    let r = run(&site, &hub, &["--apply"]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("org/m-stream is not a model repo"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("[models.*.repos]"), "{}", r.stderr);
    assert!(
        row(&r, "release-20250102").contains("failed"),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.last_line(),
        "created 2, ok 0, moved 0, deleted 0, conflicts 0, failed 2"
    );
    assert_eq!(hub.tags("org/m"), tags(&[("v1.0.0", C1), ("v1.1.0", C2)]));
}

#[test]
fn model_and_channel_select_the_repos() {
    let (site, hub) = (site(), empty_hub());
    let r = run(&site, &hub, &["--apply", "--channel", "stream"]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        r.last_line(),
        "created 2, ok 0, moved 0, deleted 0, conflicts 0, failed 0"
    );
    assert!(
        hub.log().iter().all(|l| l.contains("/org/m-stream/")),
        "{:?}",
        hub.log()
    );
    assert!(hub.tags("org/m").is_empty());

    let r = run(&site, &hub, &["--model", "n"]);
    assert_eq!(r.status, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("`n` is not a model"), "{}", r.stderr);
    let r = run(&site, &hub, &["--channel", "strem"]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("did you mean `stream`?"), "{}", r.stderr);
}

#[test]
fn the_endpoint_comes_from_hf_endpoint() {
    let (site, hub) = (site(), empty_hub());
    let url = format!("{}/", hub.url);
    let r = run_env(&site, None, &[], Some(TOKEN), &[("HF_ENDPOINT", &url)]);
    assert_eq!(r.status, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(!hub.log().is_empty());
}

#[test]
fn a_site_with_errors_is_not_synced() {
    let (mut site, hub) = (site(), empty_hub());
    site.write(
        "releases/m/versioned/1.3.0.yaml",
        "version: 1.3.0\ndate: 2025-04-01\nsummary: x\nrevision: nothex\n",
    );
    let r = run(&site, &hub, &["--apply"]);
    assert_eq!(r.status, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("revision-format"), "{}", r.stderr);
    assert!(hub.log().is_empty());
}
