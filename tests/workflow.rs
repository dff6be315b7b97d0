//! The maintainer's workflow, run through the real binary on a copy of
//! `tests/fixtures/workflow/`: `cadence new`, `announce`, `schedule` and
//! `completions`.
//!
//! The fixture, checked with `--today 2025-05-25`: Granite 7B Lab on a
//! stream channel (one build, 2025-05-20) and a versioned channel scheduled
//! every 3 months from 2024-09-02 (±14 days, 7 days' skip notice,
//! candidates required with 7 days' soak): 1.0.0 fulfils 2024-09-02,
//! 2024-12-02 and 2025-03-02 are skipped, 1.1.0-rc.1 (2025-05-10) is in
//! progress, and the slot 2025-06-02 is open.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2025-05-25";
const VERSIONED: &str = "releases/granite-7b-lab/versioned";
const STREAM: &str = "releases/granite-7b-lab/stream";

struct Site {
    dir: tempfile::TempDir,
}

#[path = "support/copy_dir.rs"]
mod copy;
use copy::copy_dir;

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workflow"),
            dir.path(),
        );
        Site { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).unwrap();
    }

    fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap();
    }

    /// `cadence --root <site> --today <today> args...`
    fn run_on(&self, today: &str, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_cadence"))
            .arg("--root")
            .arg(self.dir.path())
            .args(["--today", today])
            .args(args)
            .env_remove("SOURCE_DATE_EPOCH")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        Run::from(out)
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_on(TODAY, args)
    }

    /// Run `new`, expect success, and return the written path relative to
    /// the site, with stderr.
    fn new_file(&self, args: &[&str]) -> (String, String) {
        let run = self.run(args);
        assert_eq!(run.code, 0, "{run:?}");
        let first = run.stdout.lines().next().unwrap_or("").to_string();
        assert_eq!(
            run.stdout.lines().count(),
            1,
            "stdout is the path alone: {run:?}"
        );
        let rel = Path::new(&first)
            .strip_prefix(self.dir.path())
            .unwrap_or_else(|_| panic!("{first} is under the site"))
            .to_string_lossy()
            .into_owned();
        (rel, run.stderr)
    }
}

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8(o.stdout).unwrap(),
            stderr: String::from_utf8(o.stderr).unwrap(),
        }
    }
}

/// Replace the blank `key:` line (with its TODO comment) by `key: value`.
fn fill(text: &str, key: &str, value: &str) -> String {
    let mut done = false;
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            let trimmed = l.trim_start();
            if !done && trimmed.starts_with(&format!("{key}:")) && l.contains("# TODO") {
                done = true;
                let indent = &l[..l.len() - trimmed.len()];
                format!("{indent}{key}: {value}")
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(done, "no blank `{key}:` in\n{text}");
    out.join("\n") + "\n"
}

/// [`fill`] for each `(key, value)` in turn: the blanks of a scaffold, in
/// the order they appear.
fn fill_all(text: &str, blanks: &[(&str, &str)]) -> String {
    blanks
        .iter()
        .fold(text.to_string(), |t, (key, value)| fill(&t, key, value))
}

fn check_codes(site: &Site) -> (i32, Vec<(String, String, Option<u64>)>) {
    let run = site.run(&["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64(),
            )
        })
        .collect();
    (run.code, findings)
}

// ---------------------------------------------------------------- new release

#[test]
fn the_fixture_passes_check() {
    let site = Site::new();
    let (code, errors) = check_codes(&site);
    assert_eq!((code, errors), (0, vec![]));
}

#[test]
fn new_release_suggests_the_next_candidate_and_says_when_to_promote() {
    let site = Site::new();
    let (rel, stderr) = site.new_file(&["new", "release", "granite-7b-lab", "versioned"]);
    assert_eq!(rel, format!("{VERSIONED}/1.1.0-rc.2.yaml"));
    // 1.1.0-rc.1 is from 2025-05-10: 15 days old, the channel soaks 7.
    assert!(
        stderr.contains("1.1.0-rc.1 has soaked 15 days")
            && stderr.contains(
                "promote it with `cadence new release granite-7b-lab versioned --version 1.1.0`"
            ),
        "{stderr}"
    );
    let text = site.read(&rel);
    assert!(text.contains("version: 1.1.0-rc.2 "), "{text}");
    assert!(text.contains(&format!("date: {TODAY} ")));

    // The unfilled rc.2 does not load, but its file name still counts.
    let (rel, stderr) = site.new_file(&["new", "release", "granite-7b-lab", "versioned"]);
    assert_eq!(rel, format!("{VERSIONED}/1.1.0-rc.3.yaml"));
    assert!(stderr.contains("note: the site had"), "{stderr}");
}

#[test]
fn new_release_says_when_a_candidate_has_not_soaked_yet() {
    let site = Site::new();
    let run = site.run_on(
        "2025-05-12",
        &["new", "release", "granite-7b-lab", "versioned"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.trim_end().ends_with("1.1.0-rc.2.yaml"));
    assert!(
        run.stderr
            .contains("1.1.0-rc.1 soaks until 2025-05-17; promote it then"),
        "{}",
        run.stderr
    );
}

#[test]
fn new_release_starts_the_next_minor_when_nothing_is_in_progress() {
    let site = Site::new();
    site.remove(&format!("{VERSIONED}/1.1.0-rc.1.yaml"));
    let (rel, _) = site.new_file(&["new", "release", "granite-7b-lab", "versioned"]);
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
    let site = Site::new();
    for f in std::fs::read_dir(site.path(VERSIONED)).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    let (rel, _) = site.new_file(&["new", "release", "granite-7b-lab", "versioned"]);
    assert_eq!(rel, format!("{VERSIONED}/1.0.0-rc.1.yaml"));
}

#[test]
fn new_release_continues_a_planned_final() {
    let site = Site::new();
    site.remove(&format!("{VERSIONED}/1.1.0-rc.1.yaml"));
    site.write(
        &format!("{VERSIONED}/1.1.0.yaml"),
        "version: 1.1.0\ndate: 2025-09-01\nsummary: Planned.\nstatus: planned\n",
    );
    let (rel, _) = site.new_file(&["new", "release", "granite-7b-lab", "versioned"]);
    assert_eq!(rel, format!("{VERSIONED}/1.1.0-rc.1.yaml"));
}

#[test]
fn new_release_promotes_the_last_candidate_and_passes_check_once_filled() {
    let site = Site::new();
    let (rel, stderr) = site.new_file(&[
        "new",
        "release",
        "granite-7b-lab",
        "versioned",
        "--version",
        "1.1.0",
    ]);
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
        &fill(
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
    let site = Site::new();
    let run = site.run(&[
        "new",
        "release",
        "granite-7b-lab",
        "versioned",
        "--version",
        "1.1.0",
        "--date",
        "2025-05-14",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
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
    let site = Site::new();
    let (rel, stderr) = site.new_file(&["new", "release", "granite-7b-lab", "versioned"]);
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
    let site = Site::new();
    let (rel, _) = site.new_file(&["new", "release", "granite-7b-lab", "stream"]);
    assert_eq!(rel, format!("{STREAM}/{TODAY}.yaml"));

    let (rel, stderr) = site.new_file(&[
        "new",
        "release",
        "granite-7b-lab",
        "stream",
        "--date",
        "2025-05-20",
    ]);
    assert_eq!(rel, format!("{STREAM}/2025-05-20.2.yaml"));
    assert!(stderr.contains("2025-05-20 already has 1 build; this is build 2"));
    let text = site.read(&rel);
    // The GGUF's name and the Ollama tag follow the new version.
    assert!(
        text.contains("file: granite-7b-lab-stream-20250520.2-Q4_K_M.gguf"),
        "{text}"
    );
    assert!(text.contains("ollama: instructlab/granite-7b-lab:release-20250520.2 "));

    let (rel3, _) = site.new_file(&[
        "new",
        "release",
        "granite-7b-lab",
        "stream",
        "--date",
        "2025-05-20",
    ]);
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
    let site = Site::new();
    site.remove(&format!("{VERSIONED}/1.1.0-rc.1.yaml"));
    let (rel, stderr) = site.new_file(&[
        "new",
        "release",
        "granite-7b-lab",
        "versioned",
        "--version",
        "1.1.0",
        "--date",
        "2025-06-02",
    ]);
    assert!(stderr.contains("written as `status: planned`"), "{stderr}");
    let text = site.read(&rel);
    assert!(text.contains("status: planned"));
    site.write(&rel, &fill(&text, "summary", "The June release."));
    let (code, errors) = check_codes(&site);
    assert_eq!((code, errors), (0, vec![]));
}

#[test]
fn new_release_refuses_bad_input_with_exit_2() {
    let site = Site::new();
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
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
}

#[test]
fn new_never_overwrites() {
    let site = Site::new();
    let existing = format!("{VERSIONED}/1.1.0-rc.1.yaml");
    let before = site.read(&existing);
    let run = site.run(&[
        "new",
        "release",
        "granite-7b-lab",
        "versioned",
        "--version",
        "1.1.0-rc.1",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert_eq!(site.read(&existing), before);

    let (rel, _) = site.new_file(&["new", "skip", "granite-7b-lab"]);
    site.write(&rel, "kind: skip\n# edited\n");
    let run = site.run(&["new", "skip", "granite-7b-lab", "--slot", "2025-06-02"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(site.read(&rel), "kind: skip\n# edited\n");
}

// ---------------------------------------------------------------- new skip

#[test]
fn new_skip_takes_the_next_open_slot_and_passes_check_once_filled() {
    let site = Site::new();
    let (rel, stderr) = site.new_file(&["new", "skip", "granite-7b-lab"]);
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
        &fill(&text, "reason", "No candidate of 1.1.0 passed the gates."),
    );
    let (code, errors) = check_codes(&site);
    assert_eq!((code, errors), (0, vec![]));

    // The next open slot is now the one after.
    let (rel, _) = site.new_file(&["new", "skip", "granite-7b-lab"]);
    assert_eq!(rel, format!("{VERSIONED}/skip-2025-09-02.yaml"));
}

#[test]
fn new_skip_warns_when_the_notice_is_short() {
    let site = Site::new();
    let run = site.run_on("2025-05-30", &["new", "skip", "granite-7b-lab"]);
    assert_eq!(run.code, 0, "{run:?}");
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
    let site = Site::new();
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
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn new_skip_needs_a_channel_when_a_model_has_two_schedules() {
    let site = Site::new();
    let config = site.read("cadence.toml").replace(
        "[metrics.mmlu]",
        "[channels.lts]\ntitle = \"LTS\"\ndescription = \"Yearly.\"\nversioning = \"semver\"\ntag = \"lts-{version}\"\n[channels.lts.schedule]\nevery = \"12 months\"\nstart = 2025-01-06\nwindow_days = 14\nskip_notice_days = 7\n\n[metrics.mmlu]",
    ) + "lts = \"instructlab/granite-7b-lab-lts\"\n";
    site.write("cadence.toml", &config);
    let run = site.run(&["new", "skip", "granite-7b-lab"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("more than one scheduled channel (lts, versioned); name one with --channel"),
        "{}",
        run.stderr
    );
    let (rel, _) = site.new_file(&["new", "skip", "granite-7b-lab", "--channel", "lts"]);
    assert_eq!(rel, "releases/granite-7b-lab/lts/skip-2026-01-06.yaml");
}

#[test]
fn new_skip_of_a_missed_slot_works_on_a_site_with_errors() {
    let site = Site::new();
    site.remove(&format!("{VERSIONED}/skip-2025-03-02.yaml"));
    let (code, errors) = check_codes(&site);
    assert_eq!(code, 1);
    assert_eq!(errors[0].0, "slot-missed");

    let (rel, stderr) = site.new_file(&["new", "skip", "granite-7b-lab", "--slot", "2025-03-02"]);
    assert_eq!(rel, format!("{VERSIONED}/skip-2025-03-02.yaml"));
    assert!(stderr.contains("note: the site had 1 error before this file"));
    assert!(
        stderr.contains("a skip announced today is late (skip-late)"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------- announce

#[test]
fn announce_a_release_with_subject_links_commands_and_checksums() {
    let site = Site::new();
    let run = site.run(&["announce", "granite-7b-lab", "versioned", "1.0.0"]);
    assert_eq!(run.code, 0, "{run:?}");
    let text = run.stdout;
    assert!(
        text.starts_with("Subject: [ANN] Granite 7B Lab 1.0.0 released\n\n"),
        "{text}"
    );
    for want in [
        // release page
        "    https://releases.example.org/granite-7b-lab/versioned/1.0.0/\n",
        // downloads and Ollama
        "    hf download instructlab/granite-7b-lab --revision 1111111111111111111111111111111111111111\n",
        "    https://huggingface.co/instructlab/granite-7b-lab-GGUF/resolve/2222222222222222222222222222222222222222/granite-7b-lab-Q4_K_M.gguf\n",
        "    ollama run hf.co/instructlab/granite-7b-lab-GGUF:Q4_K_M\n",
        "    ollama run instructlab/granite-7b-lab:v1.0.0\n",
        "granite-7b-lab-Q4_K_M.gguf (gguf, Q4_K_M, 3.8 GiB):",
        // checksums
        "    6adeaad8c048b35ea54562c55e454cc32c63118a32c7b8152cf706b290611487  granite-7b-lab-Q4_K_M.gguf\n",
        // feeds that carry a final: site, channel, model-channel, major line
        "    https://releases.example.org/atom.xml\n",
        "    https://releases.example.org/rss.xml\n",
        "    https://releases.example.org/versioned/atom.xml\n",
        "    https://releases.example.org/granite-7b-lab/versioned/atom.xml\n",
        "    https://releases.example.org/granite-7b-lab/versioned/1.x/rss.xml\n",
        // promoted from its candidate
        "promoted from\nrelease candidate 1.0.0-rc.1",
        // the next open slot after 2024-09-02, as of today
        "due around\n2025-06-02 (window 2025-05-19 to 2025-06-16)",
        "\n-- \nCMB release team <release-team@example.org>\n",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    // Notes as plain text: heading underlined, bullets kept, link numbered
    // and made absolute, code indented.
    for want in [
        "What's new\n----------\n",
        "- Trained on the August taxonomy, see the schedule [1] and the\n  InstructLab docs [2]",
        "    ilab model download --repository instructlab/granite-7b-lab\n",
        "[1] https://releases.example.org/schedule/\n[2] https://docs.instructlab.ai/\n",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(!text.contains("**") && !text.contains("]("), "{text}");
    // Wrapped at 72 columns except lines indented four spaces.
    for line in text.lines().filter(|l| !l.starts_with("    ")) {
        assert!(line.chars().count() <= 72, "{line:?}");
    }
    // A candidate is not in the channel feeds, only in the candidates feed.
    let run = site.run(&["announce", "granite-7b-lab", "versioned", "1.1.0-rc.1"]);
    assert!(
        run.stdout.starts_with(
            "Subject: [ANN] Granite 7B Lab 1.1.0-rc.1: release candidate for testing\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("https://releases.example.org/granite-7b-lab/candidates/atom.xml")
    );
    assert!(!run.stdout.contains("https://releases.example.org/atom.xml"));
    assert!(
        run.stdout
            .contains("    MMLU (5-shot)  0.53\n    MT-Bench       7.31\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn announce_a_stream_build_and_a_skip() {
    let site = Site::new();
    let run = site.run(&["announce", "granite-7b-lab", "stream", "2025-05-20"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .starts_with("Subject: [ANN] Granite 7B Lab stream build 2025-05-20 released\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("https://releases.example.org/stream/rss.xml")
    );
    assert!(!run.stdout.contains("Next\n"), "a stream has no schedule");

    let run = site.run(&["announce", "granite-7b-lab", "versioned", "skip-2025-03-02"]);
    assert_eq!(run.code, 0, "{run:?}");
    let text = run.stdout;
    assert!(
        text.starts_with(
            "Subject: [ANN] Granite 7B Lab: versioned release of 2025-03-02 skipped\n\n"
        ),
        "{text}"
    );
    for want in [
        "There will be no versioned release of Granite 7B Lab in the slot of\n2025-03-02 (window 2025-02-16 to 2025-03-16).",
        // the reason, as plain text with its link listed
        "The candidates built from the January taxonomy missed the MT-Bench gate;\nsee the schedule [1] for the next slot.\n\n[1] https://releases.example.org/schedule/",
        "1.0.0 (2024-09-02) stays the latest versioned release:\n    https://releases.example.org/granite-7b-lab/versioned/1.0.0/",
        "    https://releases.example.org/granite-7b-lab/versioned/skip-2025-03-02/\n",
        "The next slot is 2025-06-02 (window 2025-05-19 to 2025-06-16).",
        "    https://releases.example.org/granite-7b-lab/versioned/rss.xml\n",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(!text.contains("/1.x/"), "a skip is in no major-line feed");
}

#[test]
fn announce_writes_an_eml_that_python_parses() {
    let site = Site::new();
    let eml = site.path("ann.eml");
    let run = site.run(&[
        "announce",
        "granite-7b-lab",
        "versioned",
        "1.0.0",
        "--eml",
        eml.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("Subject: "),
        "the plain text still prints"
    );
    let bytes = std::fs::read(&eml).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
    assert!(text.lines().all(|l| l.trim_end_matches('\r').len() <= 998));

    // The same input gives the same message.
    site.run(&[
        "announce",
        "granite-7b-lab",
        "versioned",
        "1.0.0",
        "--eml",
        eml.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read(&eml).unwrap(), bytes);

    let script = r#"
import email, email.policy, sys
msg = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.strict)
assert not msg.defects, msg.defects
for k, v in msg.items():
    assert not v.defects, (k, v.defects)
print("From:", msg["From"])
print("To:", msg["To"])
print("Subject:", msg["Subject"])
print("Date:", msg["Date"].datetime.isoformat())
print("Message-ID:", msg["Message-ID"])
print("MIME-Version:", msg["MIME-Version"])
print("Type:", msg.get_content_type(), msg.get_content_charset())
body = msg.get_content()
print("Body:", body.splitlines()[0])
print("Has page:", "https://releases.example.org/granite-7b-lab/versioned/1.0.0/" in body)
"#;
    let out = match Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&eml)
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("skipping the Python check of the .eml: python3 not found ({e})");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout,
        "From: CMB release team <release-team@example.org>\n\
         To: announce@example.org\n\
         Subject: [ANN] Granite 7B Lab 1.0.0 released\n\
         Date: 2025-05-25T00:00:00+00:00\n\
         Message-ID: <release.granite-7b-lab.versioned.1.0.0@releases.example.org>\n\
         MIME-Version: 1.0\n\
         Type: text/plain utf-8\n\
         Body: Granite 7B Lab 1.0.0 is out on the Versioned channel, promoted from\n\
         Has page: True\n"
    );
}

#[test]
fn announce_encodes_a_non_ascii_subject() {
    let site = Site::new();
    let config = site.read("cadence.toml").replace(
        "title = \"Granite 7B Lab\"",
        "title = \"Granite 7B Lab – Édition\"",
    );
    site.write("cadence.toml", &config);
    let run = site.run(&[
        "announce",
        "granite-7b-lab",
        "versioned",
        "skip-2025-03-02",
        "--eml",
        "-",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("From: "),
        "--eml - writes the message alone to stdout"
    );
    assert!(run.stdout.contains("Subject: =?utf-8?B?"), "{}", run.stdout);
    assert!(run.stdout.contains(
        "Message-ID: <skip.granite-7b-lab.versioned.2025-03-02@releases.example.org>\r\n"
    ));
    let script = "import email, email.policy, sys\nmsg = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.strict)\nprint(msg['Subject'])";
    if let Ok(mut child) = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
    {
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(run.stdout.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "[ANN] Granite 7B Lab – Édition: versioned release of 2025-03-02 skipped\n"
        );
    }
}

#[test]
fn announce_eml_without_announce_config_is_exit_2_but_still_prints() {
    let site = Site::new();
    let config = site.read("cadence.toml").replace(
        "[announce]\nto = \"announce@example.org\"\nfrom = \"CMB release team <release-team@example.org>\"\n",
        "",
    );
    assert!(!config.contains("[announce]"));
    site.write("cadence.toml", &config);
    let run = site.run(&[
        "announce",
        "granite-7b-lab",
        "versioned",
        "1.0.0",
        "--eml",
        site.path("x.eml").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout
            .starts_with("Subject: [ANN] Granite 7B Lab 1.0.0 released")
    );
    assert!(
        run.stderr.contains("--eml needs the mailing list"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("[announce]"));
    assert!(!site.path("x.eml").exists());
}

#[test]
fn announce_refuses_unknown_targets_and_sites_with_errors() {
    let site = Site::new();
    for (args, message) in [
        (
            vec!["announce", "granite-7b-lab", "versioned", "1.2.0"],
            "granite-7b-lab has no release 1.2.0 on `versioned`; the newest are 1.1.0-rc.1, 1.0.0",
        ),
        (
            vec!["announce", "granite-7b-lab", "versioned", "skip-2025-06-02"],
            "there is no skip of slot 2025-06-02",
        ),
        (
            vec!["announce", "granite-7b-lab", "nightly", "1.0.0"],
            "`nightly` is not a channel",
        ),
    ] {
        let run = site.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
    site.remove(&format!("{VERSIONED}/skip-2025-03-02.yaml"));
    let run = site.run(&["announce", "granite-7b-lab", "versioned", "1.0.0"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("slot-missed"));
}

#[test]
fn announce_templates_are_overridden_from_the_site_theme() {
    let site = Site::new();
    std::fs::create_dir_all(site.path("themes/default/templates/announce")).unwrap();
    site.write(
        "themes/default/templates/announce/skip.txt",
        "Subject: Skipping {{ skip.slot }}\n\n{{ skip.reason_text }}\n",
    );
    let run = site.run(&["announce", "granite-7b-lab", "versioned", "skip-2025-03-02"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .starts_with("Subject: Skipping 2025-03-02\n\nThe candidates built")
    );
    // The release template is still the built-in one.
    let run = site.run(&["announce", "granite-7b-lab", "versioned", "1.0.0"]);
    assert!(
        run.stdout
            .starts_with("Subject: [ANN] Granite 7B Lab 1.0.0 released")
    );
}

// ---------------------------------------------------------------- schedule

#[test]
fn schedule_json_has_released_skipped_missed_planned_and_open_slots() {
    let site = Site::new();
    site.remove(&format!("{VERSIONED}/skip-2025-03-02.yaml"));
    site.remove(&format!("{VERSIONED}/1.1.0-rc.1.yaml"));
    site.write(
        &format!("{VERSIONED}/1.1.0.yaml"),
        "version: 1.1.0\ndate: 2025-09-01\nsummary: Planned.\nstatus: planned\n",
    );
    let run = site.run(&["schedule", "--format", "json"]);
    // The missed slot is an error: the schedule still prints, exit 1.
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("the site has 1 error (slot-missed)"),
        "{}",
        run.stderr
    );
    let got: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let slot = |date: &str, start: &str, end: &str, state: &str, version: Option<&str>| {
        serde_json::json!({
            "model": "granite-7b-lab", "channel": "versioned", "date": date,
            "window_start": start, "window_end": end, "state": state, "version": version,
        })
    };
    let want = serde_json::json!({"slots": [
        slot("2024-09-02", "2024-08-19", "2024-09-16", "released", Some("1.0.0")),
        slot("2024-12-02", "2024-11-18", "2024-12-16", "skipped", None),
        slot("2025-03-02", "2025-02-16", "2025-03-16", "missed", None),
        slot("2025-06-02", "2025-05-19", "2025-06-16", "open", None),
        slot("2025-09-02", "2025-08-19", "2025-09-16", "planned", Some("1.1.0")),
        slot("2025-12-02", "2025-11-18", "2025-12-16", "open", None),
        slot("2026-03-02", "2026-02-16", "2026-03-16", "open", None),
    ]});
    assert_eq!(got["slots"], want["slots"], "{}", run.stdout);
    // Then the major lines, as lines.json shows them (SPEC 10).
    assert_eq!(got["lines"][0]["line"], "1.x", "{}", run.stdout);
    assert_eq!(got["lines"][0]["state"], "current");

    // --upcoming and --model
    let run = site.run(&["schedule", "--format", "json", "--upcoming", "6"]);
    let got: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(got["slots"].as_array().unwrap().len(), 9);
    assert_eq!(got["slots"][8]["date"], "2026-09-02");
    let run = site.run(&["schedule", "--format", "json", "--model", "nope"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`nope` is not a model"));
}

#[test]
fn schedule_human_says_what_the_next_slot_needs() {
    let site = Site::new();
    let run = site.run(&["schedule"]);
    assert_eq!(run.code, 0, "{run:?}");
    let text = run.stdout;
    for want in [
        "Granite 7B Lab (granite-7b-lab) on versioned: every 3 months from 2024-09-02, window ±14 days, skips announced 7 days ahead",
        "  2024-09-02  2024-08-19 to 2024-09-16  released  1.0.0 (2024-09-02)\n",
        "  2024-12-02  2024-11-18 to 2024-12-16  skipped   announced 2024-11-20\n",
        "  -- today 2025-05-25 --\n  2025-06-02  2025-05-19 to 2025-06-16  open\n",
        "next: 2025-06-02 (in 8 days) needs a release dated 2025-05-19 to 2025-06-16 (`cadence new release granite-7b-lab versioned`), or a skip announced by 2025-05-26 (`cadence new skip granite-7b-lab --slot 2025-06-02`)",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    // Past the skip deadline.
    let run = site.run_on("2025-05-30", &["schedule"]);
    assert!(
        run.stdout
            .contains("a skip is now late (it had to be announced by 2025-05-26, skip-late)"),
        "{}",
        run.stdout
    );
    // A planned final without a candidate is told when its candidate is due.
    site.remove(&format!("{VERSIONED}/1.1.0-rc.1.yaml"));
    site.write(
        &format!("{VERSIONED}/1.1.0.yaml"),
        "version: 1.1.0\ndate: 2025-06-03\nsummary: Planned.\nstatus: planned\n",
    );
    let run = site.run(&["schedule"]);
    assert!(
        run.stdout
            .contains("next: 2025-06-02 (in 8 days): 1.1.0 is planned for 2025-06-03")
            && run
                .stdout
                .contains("it needs a release candidate by 2025-05-27 (soak 7 days)"),
        "{}",
        run.stdout
    );
}

// ---------------------------------------------------------------- completions

#[test]
fn completions_for_each_shell_mention_the_subcommands() {
    let site = Site::new();
    for shell in ["bash", "zsh", "fish"] {
        let run = site.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {run:?}");
        assert!(!run.stdout.trim().is_empty(), "{shell}");
        for sub in [
            "check",
            "build",
            "schedule",
            "new",
            "announce",
            "hf-sync",
            "completions",
        ] {
            assert!(run.stdout.contains(sub), "{shell} completions lack {sub}");
        }
    }
}
