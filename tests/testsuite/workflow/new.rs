//! `cadence new release` and `cadence new skip`: the file each writes, what
//! it says, what it refuses, and that the filled-in file passes `check`.

use super::*;

// ---------------------------------------------------------------- new release

#[test]
fn new_release_suggests_the_next_candidate_and_says_when_to_promote() {
    let site = site();
    let (rel, stderr) = new_file(&site, &["new", "release", "granite-7b-lab", "versioned"]);
    assert_eq!(rel, format!("{VERSIONED}/1.1.0-rc.2.yaml"));
    // 1.1.0-rc.1 is from 2025-05-10: 15 days old, the channel soaks 7.
    assert!(
        stderr.contains("1.1.0-rc.1 has soaked 15 days")
            && stderr.contains(
                "to promote it, `cadence new release granite-7b-lab versioned --version 1.1.0`"
            ),
        "{stderr}"
    );
    let text = site.read(&rel);
    assert!(text.contains("version: 1.1.0-rc.2 "), "{text}");
    assert!(text.contains(&format!("date: {TODAY} ")));

    // The unfilled rc.2 does not load, but its file name still counts.
    let (rel, stderr) = new_file(&site, &["new", "release", "granite-7b-lab", "versioned"]);
    assert_eq!(rel, format!("{VERSIONED}/1.1.0-rc.3.yaml"));
    assert!(stderr.contains("note: the site had"), "{stderr}");
}

#[test]
fn new_release_says_when_a_candidate_has_not_soaked_yet() {
    let site = site();
    let run = on(
        &site,
        "2025-05-12",
        &["new", "release", "granite-7b-lab", "versioned"],
    );
    assert_eq!(run.status, 0, "{run:?}");
    assert!(run.stdout.trim_end().ends_with("1.1.0-rc.2.yaml"));
    assert!(
        run.stderr
            .contains("1.1.0-rc.1 soaks until 2025-05-17; to promote it then,"),
        "{}",
        run.stderr
    );
}

#[test]
fn new_release_starts_the_next_minor_when_nothing_is_in_progress() {
    let mut site = site();
    site.remove(&format!("{VERSIONED}/1.1.0-rc.1.yaml"));
    let (rel, _) = new_file(&site, &["new", "release", "granite-7b-lab", "versioned"]);
    assert_eq!(rel, format!("{VERSIONED}/1.1.0-rc.1.yaml"));
    // Prefilled from the newest release, 1.0.0: its taxonomy is a blank
    // that names the old value, its GGUF is carried over.
    let text = site.read(&rel);
    assert!(text.contains("prefilled from 1.0.0"), "{text}");
    assert!(text.contains("(the previous release's: cmb-run-2024-08-10)"));
    assert!(text.contains("file: granite-7b-lab-Q4_K_M.gguf"));
    assert!(text.contains("ollama: instructlab/granite-7b-lab:v1.1.0-rc.1 "));
}

#[test]
fn new_release_on_an_empty_channel_starts_at_1_0_0_rc_1() {
    let site = site();
    for f in std::fs::read_dir(site.path(VERSIONED)).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    let (rel, _) = new_file(&site, &["new", "release", "granite-7b-lab", "versioned"]);
    assert_eq!(rel, format!("{VERSIONED}/1.0.0-rc.1.yaml"));
}

#[test]
fn new_release_continues_a_planned_final() {
    let mut site = site();
    site.remove(&format!("{VERSIONED}/1.1.0-rc.1.yaml"));
    site.write(
        &format!("{VERSIONED}/1.1.0.yaml"),
        "version: 1.1.0\ndate: 2025-09-01\nsummary: Planned.\nstatus: planned\n",
    );
    let (rel, _) = new_file(&site, &["new", "release", "granite-7b-lab", "versioned"]);
    assert_eq!(rel, format!("{VERSIONED}/1.1.0-rc.1.yaml"));
}

#[test]
fn new_release_promotes_the_last_candidate_and_passes_check_once_filled() {
    let mut site = site();
    let (rel, stderr) = new_file(
        &site,
        &[
            "new",
            "release",
            "granite-7b-lab",
            "versioned",
            "--version",
            "1.1.0",
        ],
    );
    assert_eq!(rel, format!("{VERSIONED}/1.1.0.yaml"));
    let text = site.read(&rel);
    // The build's fields are the candidate's, so promote-revision passes.
    for line in [
        "revision: 3333333333333333333333333333333333333333",
        "taxonomy: cmb-run-2025-05-01",
        "taxonomy_commit: 8529256a",
        "    revision: 5555555555555555555555555555555555555555",
        "    sha256: 7bdeaad8c048b35ea54562c55e454cc32c63118a32c7b8152cf706b290611487",
        "  mt_bench: 7.31",
        "  mmlu: 0.53",
        "ollama: instructlab/granite-7b-lab:v1.1.0 ",
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
    assert!(stderr.contains("fill in: summary (line 10)"), "{stderr}");

    let (code, errors) = check_codes(&site);
    assert_eq!(code, 1);
    assert_eq!(errors, vec![("schema".into(), rel.clone(), Some(10))]);

    site.write(
        &rel,
        fill(
            &text,
            "summary",
            "Second scheduled release, from cmb-run-2025-05-01.",
        ),
    );
    let (code, errors) = check_codes(&site);
    assert_eq!((code, errors), (0, vec![]));
}

#[test]
fn new_release_warns_when_a_final_comes_before_its_candidate_soaked() {
    let site = site();
    let run = site.run([
        "new",
        "release",
        "granite-7b-lab",
        "versioned",
        "--version",
        "1.1.0",
        "--date",
        "2025-05-14",
    ]);
    assert_eq!(run.status, 0, "{run:?}");
    assert!(
        run.stderr.contains(
            "1.1.0-rc.1 is 4 days old on 2025-05-14; the channel's candidates soak 7 days, so date the final 2025-05-17 or later"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn new_candidate_has_blanks_that_check_reports_until_filled() {
    let mut site = site();
    let (rel, stderr) = new_file(&site, &["new", "release", "granite-7b-lab", "versioned"]);
    let text = site.read(&rel);
    assert!(
        stderr.contains(
            "fill in: summary (line 9), revision (line 12), taxonomy (line 13), taxonomy_commit (line 14), artifacts.0.revision (line 19), artifacts.0.size (line 21), artifacts.0.sha256 (line 22), evaluations.mmlu (line 25), evaluations.mt_bench (line 26)"
        ),
        "{stderr}\n{text}"
    );
    let (code, errors) = check_codes(&site);
    assert_eq!(code, 1);
    let lines: Vec<u64> = errors
        .iter()
        .filter(|(c, f, _)| c == "schema" && *f == rel)
        .filter_map(|(_, _, l)| *l)
        .collect();
    assert_eq!(lines, [9, 12, 13, 14, 19, 21, 22, 25, 26], "{errors:?}");

    let text = fill_all(
        &text,
        &[
            ("summary", "Second candidate of 1.1.0."),
            ("revision", "6666666666666666666666666666666666666666"),
            ("taxonomy", "cmb-run-2025-05-20"),
            ("taxonomy_commit", "abcdef12"),
            ("revision", "7777777777777777777777777777777777777777"),
            ("size", "4080218932"),
            (
                "sha256",
                "9edeaad8c048b35ea54562c55e454cc32c63118a32c7b8152cf706b290611487",
            ),
            ("mmlu", "0.54"),
            ("mt_bench", "7.4"),
        ],
    );
    site.write(&rel, &text);
    let (code, errors) = check_codes(&site);
    assert_eq!((code, errors), (0, vec![]), "{text}");
}

#[test]
fn new_stream_build_is_today_or_the_next_build_of_the_day() {
    let mut site = site();
    let (rel, _) = new_file(&site, &["new", "release", "granite-7b-lab", "stream"]);
    assert_eq!(rel, format!("{STREAM}/{TODAY}.yaml"));

    let (rel, stderr) = new_file(
        &site,
        &[
            "new",
            "release",
            "granite-7b-lab",
            "stream",
            "--date",
            "2025-05-20",
        ],
    );
    assert_eq!(rel, format!("{STREAM}/2025-05-20.2.yaml"));
    assert!(stderr.contains("2025-05-20 already has 1 build; this is build 2"));
    let text = site.read(&rel);
    // The GGUF's name and the Ollama tag follow the new version.
    assert!(
        text.contains("file: granite-7b-lab-stream-20250520.2-Q4_K_M.gguf"),
        "{text}"
    );
    assert!(text.contains("ollama: instructlab/granite-7b-lab:release-20250520.2 "));

    let (rel3, _) = new_file(
        &site,
        &[
            "new",
            "release",
            "granite-7b-lab",
            "stream",
            "--date",
            "2025-05-20",
        ],
    );
    assert_eq!(rel3, format!("{STREAM}/2025-05-20.3.yaml"));
    site.remove(&rel3);

    // Filled in, the .2 build passes check.
    let text = fill_all(
        &text,
        &[
            ("summary", "Second build of the day."),
            ("revision", "8888888888888888888888888888888888888888"),
            ("taxonomy", "cmb-run-2025-05-19"),
            ("size", "4080218000"),
            (
                "sha256",
                "0fdeaad8c048b35ea54562c55e454cc32c63118a32c7b8152cf706b290611487",
            ),
        ],
    );
    site.write(&rel, &text);
    site.remove(&format!("{STREAM}/{TODAY}.yaml"));
    let (code, errors) = check_codes(&site);
    assert_eq!((code, errors), (0, vec![]), "{text}");
}

#[test]
fn new_release_in_the_future_is_planned_and_passes_check_once_filled() {
    let mut site = site();
    site.remove(&format!("{VERSIONED}/1.1.0-rc.1.yaml"));
    let (rel, stderr) = new_file(
        &site,
        &[
            "new",
            "release",
            "granite-7b-lab",
            "versioned",
            "--version",
            "1.1.0",
            "--date",
            "2025-06-02",
        ],
    );
    assert!(stderr.contains("written as `status: planned`"), "{stderr}");
    let text = site.read(&rel);
    assert!(text.contains("status: planned"));
    site.write(&rel, fill(&text, "summary", "The June release."));
    let (code, errors) = check_codes(&site);
    assert_eq!((code, errors), (0, vec![]));
}

#[test]
fn new_release_refuses_bad_input_with_exit_2() {
    let site = site();
    for (args, message) in [
        (
            vec!["new", "release", "granite", "versioned"],
            "`granite` is not a model in cadence.toml; models: granite-7b-lab",
        ),
        (
            vec!["new", "release", "granite-7b-lab", "nightly"],
            "`nightly` is not a channel",
        ),
        (
            vec![
                "new",
                "release",
                "granite-7b-lab",
                "versioned",
                "--version",
                "1.2",
            ],
            "`1.2` is not a version of the `versioned` channel",
        ),
        (
            vec![
                "new",
                "release",
                "granite-7b-lab",
                "stream",
                "--version",
                "2025-05-20.2",
                "--date",
                "2025-05-21",
            ],
            "is a build of 2025-05-20, but --date is 2025-05-21",
        ),
    ] {
        let run = site.run(&args);
        assert_eq!(run.status, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
}

#[test]
fn new_never_overwrites() {
    let mut site = site();
    let existing = format!("{VERSIONED}/1.1.0-rc.1.yaml");
    let before = site.read(&existing);
    let run = site.run([
        "new",
        "release",
        "granite-7b-lab",
        "versioned",
        "--version",
        "1.1.0-rc.1",
    ]);
    assert_eq!(run.status, 2, "{run:?}");
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert_eq!(site.read(&existing), before);

    let (rel, _) = new_file(&site, &["new", "skip", "granite-7b-lab"]);
    site.write(&rel, "kind: skip\n# edited\n");
    let run = site.run(["new", "skip", "granite-7b-lab", "--slot", "2025-06-02"]);
    assert_eq!(run.status, 2, "{run:?}");
    assert_eq!(site.read(&rel), "kind: skip\n# edited\n");
}

// ---------------------------------------------------------------- new skip

#[test]
fn new_skip_takes_the_next_open_slot_and_passes_check_once_filled() {
    let mut site = site();
    let (rel, stderr) = new_file(&site, &["new", "skip", "granite-7b-lab"]);
    assert_eq!(rel, format!("{VERSIONED}/skip-2025-06-02.yaml"));
    // 2025-06-02 is 8 days after today: on time.
    assert!(!stderr.contains("warning"), "{stderr}");
    let text = site.read(&rel);
    assert!(text.contains("kind: skip\n"));
    assert!(text.contains("slot: 2025-06-02 "));
    assert!(text.contains(&format!("announced: {TODAY} ")));
    assert!(stderr.contains("fill in: reason (line 9)"), "{stderr}");

    let (code, errors) = check_codes(&site);
    assert_eq!(code, 1);
    assert_eq!(errors, vec![("schema".into(), rel.clone(), Some(9))]);

    site.write(
        &rel,
        fill(&text, "reason", "No candidate of 1.1.0 passed the gates."),
    );
    let (code, errors) = check_codes(&site);
    assert_eq!((code, errors), (0, vec![]));

    // The next open slot is now the one after.
    let (rel, _) = new_file(&site, &["new", "skip", "granite-7b-lab"]);
    assert_eq!(rel, format!("{VERSIONED}/skip-2025-09-02.yaml"));
}

#[test]
fn new_skip_warns_when_the_notice_is_short() {
    let site = site();
    let run = on(&site, "2025-05-30", &["new", "skip", "granite-7b-lab"]);
    assert_eq!(run.status, 0, "{run:?}");
    assert!(run.stdout.trim_end().ends_with("skip-2025-06-02.yaml"));
    assert!(
        run.stderr.contains(
            "slot 2025-06-02 is 3 days away; a skip needs 7 days' notice, so check reports skip-late (it was due by 2025-05-26)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn new_skip_refuses_what_is_not_an_open_slot() {
    let site = site();
    for (args, message) in [
        (
            vec!["new", "skip", "granite-7b-lab", "--slot", "2025-06-03"],
            "2025-06-03 is not a slot of the `versioned` channel for granite-7b-lab (the schedule is every 3 months from 2024-09-02); the nearest slots are 2025-06-02 and 2025-09-02",
        ),
        (
            vec!["new", "skip", "granite-7b-lab", "--slot", "2024-09-02"],
            "slot 2024-09-02 is fulfilled by 1.0.0",
        ),
        (
            vec!["new", "skip", "granite-7b-lab", "--slot", "2024-12-02"],
            "slot 2024-12-02 is already skipped",
        ),
        (
            vec!["new", "skip", "granite-7b-lab", "--channel", "stream"],
            "channel `stream` has no schedule",
        ),
    ] {
        let run = site.run(&args);
        assert_eq!(run.status, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn new_skip_needs_a_channel_when_a_model_has_two_schedules() {
    let mut site = site();
    let config = site.read("cadence.toml").replace(
        "[metrics.mmlu]",
        "[channels.lts]\ntitle = \"LTS\"\ndescription = \"Yearly.\"\nversioning = \"semver\"\ntag = \"lts-{version}\"\n[channels.lts.schedule]\nevery = \"12 months\"\nstart = 2025-01-06\nwindow_days = 14\nskip_notice_days = 7\n\n[metrics.mmlu]",
    ) + "lts = \"instructlab/granite-7b-lab-lts\"\n";
    site.write("cadence.toml", &config);
    let run = site.run(["new", "skip", "granite-7b-lab"]);
    assert_eq!(run.status, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("more than one scheduled channel (lts, versioned); name one with --channel"),
        "{}",
        run.stderr
    );
    let (rel, _) = new_file(
        &site,
        &["new", "skip", "granite-7b-lab", "--channel", "lts"],
    );
    assert_eq!(rel, "releases/granite-7b-lab/lts/skip-2026-01-06.yaml");
}

#[test]
fn new_skip_of_a_missed_slot_works_on_a_site_with_errors() {
    let mut site = site();
    site.remove(&format!("{VERSIONED}/skip-2025-03-02.yaml"));
    let (code, errors) = check_codes(&site);
    assert_eq!(code, 1);
    assert_eq!(errors[0].0, "slot-missed");

    let (rel, stderr) = new_file(
        &site,
        &["new", "skip", "granite-7b-lab", "--slot", "2025-03-02"],
    );
    assert_eq!(rel, format!("{VERSIONED}/skip-2025-03-02.yaml"));
    assert!(stderr.contains("note: the site had 1 error before this file"));
    assert!(
        stderr.contains("a skip announced today is late (skip-late)"),
        "{stderr}"
    );
}
