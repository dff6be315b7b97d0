//! Hostile input files (issue 15, SPEC 5): what a pull request can put under
//! `releases/`, `content/` and `themes/` or in `cadence.toml` to make cadence
//! read what it must not (a link to the environment or `/etc/passwd`, a FIFO
//! that blocks), read less than is there (a NUL byte), read too much (a huge
//! file), or print what it must not (control characters, 40 MB of echo).
//! Each runs the real binary, bounded by the harness's kill timeout instead
//! of a time assertion.

#![cfg(unix)]

use std::path::Path;

use crate::prelude::*;

const BUILD: &str = "releases/m/stream/2024-05-02.yaml";
/// A fake token in the environment of every run: it must never be printed.
const TOKEN: &str = "hf_cadenceFakeToken0123456789abcdef";
const REV: &str = "3333333333333333333333333333333333333333";

/// The good fixture, run with a fake `HF_TOKEN` in the environment.
fn good() -> SiteTest {
    let mut site = SiteTest::good();
    site.env("HF_TOKEN", TOKEN);
    site
}

/// `check --format json`: the exit status and the report.
fn check_json(site: &SiteTest) -> (i32, Report) {
    let report = site.check();
    (report.status, report)
}

/// Every output of `check` (human, json, github) and `build` on `site`.
fn every_output(site: &SiteTest) -> String {
    let out = tempfile::tempdir().unwrap();
    let mut all = String::new();
    for args in [
        vec!["check"],
        vec!["check", "--format", "json"],
        vec!["check", "--format", "github"],
        vec!["build", "--out", out.path().to_str().unwrap()],
    ] {
        all.push_str(&site.run(&args).output());
    }
    all
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt as _;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a node.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

/// One finding, (code, line).
fn one(code: &str, line: Option<u64>) -> Vec<(String, Option<u64>)> {
    vec![(code.to_string(), line)]
}

fn manifest(extra: &str) -> String {
    format!("version: 2024-05-02\ndate: 2024-05-02\nsummary: A build.\nrevision: {REV}\n{extra}")
}

// ---- unsafe paths -----------------------------------------------------------

#[test]
fn a_manifest_linked_to_the_environment_or_passwd_is_never_read() {
    for (target, secret) in [("/proc/self/environ", TOKEN), ("/etc/passwd", "root:")] {
        if !Path::new(target).exists() {
            continue;
        }
        let mut site = good();
        let file = "releases/m/stream/2025-01-01.yaml";
        site.symlink(target, file);
        let (status, report) = check_json(&site);
        assert_eq!(status, 1, "{report}");
        assert_eq!(report.about(file), one("unsafe-path", None), "{report}");
        let all = every_output(&site);
        assert!(!all.contains(secret), "{target} leaked:\n{all}");
        assert!(all.contains("unsafe-path"), "{all}");
    }
}

#[test]
fn fifos_and_sockets_are_findings_and_never_block() {
    let site = good();
    mkfifo(&site.path("releases/m/stream/x.yaml"));
    mkfifo(&site.path("releases/m/stream/2024-05-03.yaml"));
    mkfifo(&site.path("content/news.md"));
    mkfifo(&site.path("content/logo.png"));
    std::fs::create_dir_all(site.path("themes/default/templates")).unwrap();
    mkfifo(&site.path("themes/default/templates/base.html"));
    let _socket =
        std::os::unix::net::UnixListener::bind(site.path("releases/m/versioned/2.0.0.yaml"))
            .unwrap();
    let (status, report) = check_json(&site);
    assert_eq!(status, 1, "{report}");
    for file in [
        "releases/m/stream/x.yaml",
        "releases/m/stream/2024-05-03.yaml",
        "content/news.md",
        "content/logo.png",
        "themes/default/templates/base.html",
        "releases/m/versioned/2.0.0.yaml",
    ] {
        assert_eq!(
            report.about(file),
            one("unsafe-path", None),
            "{file}: {report}"
        );
    }
    assert_eq!(report.with_code("unsafe-path").len(), 6, "{report}");
    // Echoing a finding's source line, and building, do not block either.
    let out = every_output(&site);
    assert!(out.contains("content/news.md"), "{out}");
}

#[test]
fn a_fifo_or_an_outside_link_as_cadence_toml_is_a_config_error() {
    let mut site = good();
    site.remove("cadence.toml");
    mkfifo(&site.path("cadence.toml"));
    let (status, report) = check_json(&site);
    assert_eq!(status, 2, "{report}");
    assert_eq!(report.about("cadence.toml"), one("config", None));

    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("cadence.toml"),
        "title = \"Outside\"\nnonsense = 1\n",
    )
    .unwrap();
    let mut site = good();
    site.remove("cadence.toml");
    site.symlink(outside.path().join("cadence.toml"), "cadence.toml");
    let (status, report) = check_json(&site);
    assert_eq!(status, 2, "{report}");
    assert_eq!(report.about("cadence.toml"), one("config", None));
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("outside"), "{message}");
}

#[test]
fn folders_linked_out_of_the_site_are_findings_and_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    let o = outside.path();
    std::fs::write(o.join("2024-05-01.yaml"), manifest("sumary: x\n")).unwrap();
    std::fs::write(o.join("secret.png"), "SECRET-BYTES").unwrap();
    std::fs::write(o.join("page.md"), "---\ntitle: Secret page\n---\n").unwrap();

    let mut site = good();
    std::fs::remove_dir_all(site.path("releases/m/stream")).unwrap();
    site.symlink(o, "releases/m/stream");
    site.symlink(o, "content/img");
    site.symlink(o, "themes/own/static");
    let (status, report) = check_json(&site);
    assert_eq!(status, 1, "{report}");
    assert_eq!(
        report
            .summary()
            .into_iter()
            .map(|s| (s.0, s.2))
            .collect::<Vec<_>>(),
        [
            ("unsafe-path".to_string(), "content/img".to_string()),
            ("unsafe-path".to_string(), "releases/m/stream".to_string()),
            ("unsafe-path".to_string(), "themes/own/static".to_string()),
        ],
        "nothing inside the links is read: {report}"
    );
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("public");
    let r = site.run(["build", "--out", target.to_str().unwrap()]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(!target.exists(), "nothing is published");
}

#[test]
fn links_that_stay_inside_the_site_are_read() {
    let mut site = good();
    site.write("shared/2024-05-02.yaml", manifest(""));
    site.symlink("../../../shared/2024-05-02.yaml", BUILD);
    let (status, report) = check_json(&site);
    assert_eq!(status, 0, "{report}");
}

// ---- NUL and size -----------------------------------------------------------

#[test]
fn a_nul_byte_is_a_yaml_syntax_finding_at_the_byte() {
    let mut site = good();
    site.write(
        BUILD,
        format!("version: 2024-05-02\ndate: 2024-05-02\nsummary: ok\0 hidden\nrevision: {REV}\n"),
    );
    let (status, report) = check_json(&site);
    assert_eq!(status, 1, "{report}");
    assert_eq!(report.about(BUILD), one("yaml-syntax", Some(3)));
    let d = report.with_code("yaml-syntax")[0];
    assert_eq!(d["column"], 12, "{d:#}");
    // The same in a content page and in cadence.toml.
    let mut site = good();
    site.write("content/about.md", "---\ntitle: About\n---\nText\0.\n");
    let (_, report) = check_json(&site);
    assert_eq!(report.about("content/about.md"), one("content", Some(4)));
    let mut site = good();
    site.edit(
        "cadence.toml",
        "name = \"Release team\"",
        "name = \"Release\0team\"",
    );
    let (status, report) = check_json(&site);
    assert_eq!(status, 2, "{report}");
    assert_eq!(report.about("cadence.toml"), one("config", Some(5)));
}

#[test]
fn a_manifest_over_one_mib_is_too_large_and_not_parsed() {
    const MIB: usize = 1 << 20;
    let mut site = good();
    let head = manifest("notes: ");
    let fill = |total: usize| format!("{head}{}\n", "x".repeat(total - head.len() - 1));
    site.write(BUILD, fill(MIB));
    let (status, report) = check_json(&site);
    assert_eq!(status, 0, "exactly 1 MiB is read: {report}");
    // One byte more, and a fault that parsing would find: only the size.
    site.write(BUILD, format!("{}sumary: x\n", fill(MIB + 1 - 10)));
    let (status, report) = check_json(&site);
    assert_eq!(status, 1, "{report}");
    assert_eq!(report.about(BUILD), one("schema", None));
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("too large"), "{message}");
}

#[test]
fn other_files_over_their_cap_are_findings() {
    let mut site = good();
    // Sparse files: the size is what counts, and nothing is read.
    let sized = |site: &SiteTest, path: &str, len: u64| {
        let f = std::fs::File::create(site.path(path)).unwrap();
        f.set_len(len).unwrap();
    };
    sized(&site, "content/video.mp4", (64 << 20) + 1);
    sized(&site, "content/notes.md", (4 << 20) + 1);
    let (status, report) = check_json(&site);
    assert_eq!(status, 1, "{report}");
    assert_eq!(report.about("content/video.mp4"), one("content", None));
    assert_eq!(report.about("content/notes.md"), one("content", None));
    site.remove("content/video.mp4").remove("content/notes.md");
    sized(&site, "cadence.toml", (1 << 20) + 1);
    let (status, report) = check_json(&site);
    assert_eq!(status, 2, "{report}");
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("too large"),
        "{report}"
    );
}

#[test]
fn a_twenty_megabyte_one_line_manifest_gives_a_short_report() {
    let mut site = good();
    site.write(BUILD, format!("version: {}\n", "x".repeat(20_000_000)));
    for format in ["human", "json", "github"] {
        let r = site.run(["check", "--format", format]);
        assert_eq!(r.status, 1, "{}", r.stderr);
        assert!(
            r.stdout.len() < 10_000,
            "{format}: {} bytes",
            r.stdout.len()
        );
    }
}

#[test]
fn a_long_source_line_is_cut_around_the_fault_with_the_caret_under_it() {
    let mut site = good();
    // Line 3 is 600,000 characters with the fault, a second `:` after a
    // plain scalar, in the middle.
    let half = "y".repeat(300_000);
    site.write(
        BUILD,
        format!("version: 2024-05-02\ndate: 2024-05-02\nsummary: {half}: {half}\n"),
    );
    let r = site.run(["check"]);
    assert_eq!(r.status, 1);
    assert!(r.stdout.len() < 5_000, "{} bytes", r.stdout.len());
    let lines: Vec<&str> = r.stdout.lines().collect();
    let src = lines
        .iter()
        .position(|l| l.starts_with("3 | "))
        .unwrap_or_else(|| panic!("no source line:\n{}", r.stdout));
    let echoed = &lines[src]["3 | ".len()..];
    assert!(echoed.chars().count() <= 200, "{}", echoed.chars().count());
    assert!(echoed.starts_with('…') && echoed.ends_with('…'), "{echoed}");
    let caret = lines[src + 1];
    let at = caret.chars().position(|c| c == '^').unwrap() - "  | ".len();
    let under: Vec<char> = echoed.chars().collect();
    assert_eq!(
        under[at], ':',
        "the caret is under the second `:`\n{}",
        r.stdout
    );
    assert!(under[..at].iter().filter(|c| **c == ':').count() == 0);
}

// ---- text -------------------------------------------------------------------

#[test]
fn control_characters_and_noncharacters_in_manifests_are_schema_findings() {
    let mut site = good();
    for value in [
        r#""a\x01b""#,
        r#""a\vb""#,
        r#""a\uFFFEb""#,
        r#""a\uFDD0b""#,
        r#""a\U0010FFFFb""#,
        r#""a\x85b""#,
        r#""a\x7fb""#,
        r#""a\tb""#,
        r#""a\rb""#,
        "a \u{1b}]0;title\u{7} b",
    ] {
        site.write(
            BUILD,
            format!("version: 2024-05-02\ndate: 2024-05-02\nsummary: {value}\nrevision: {REV}\n"),
        );
        let (status, report) = check_json(&site);
        assert_eq!(status, 1, "{value}: {report}");
        assert_eq!(
            report.about(BUILD),
            one("schema", Some(3)),
            "{value}: {report}"
        );
    }
    // Tab and newline are text in `notes` and a yank's `reason` only.
    site.write(
        BUILD,
        manifest("status: yanked\nyanked:\n  date: 2024-05-03\n  reason: \"a\\tb\\nc\"\nnotes: \"a\\tb\\n\\nc\"\n"),
    );
    assert_eq!(check_json(&site).0, 0);
    for (extra, line) in [
        ("notes: \"a\\x01b\"\n", 5),
        ("title: \"two\\nlines\"\n", 5),
        ("evaluations:\n  \"mt\\x1bbench\": 1\n", 6),
        ("taxonomy: \"\\uFFFF\"\n", 5),
        (
            "artifacts:\n  - format: other\n    file: a\n    repo: \"o/\\x9b\"\n",
            8,
        ),
    ] {
        site.write(BUILD, manifest(extra));
        let (status, report) = check_json(&site);
        assert_eq!(status, 1, "{extra}: {report}");
        assert!(
            report.about(BUILD).contains(&one("schema", Some(line))[0]),
            "{extra}: {report}"
        );
    }
    // A skip's reason takes tabs and newlines too.
    site.write(
        "releases/m/versioned/skip-2024-04-15.yaml",
        "kind: skip\nslot: 2024-04-15\nannounced: 2024-04-01\nreason: \"a\\tb\\n\\u0007\"\n",
    );
    site.remove(BUILD);
    let (_, report) = check_json(&site);
    assert_eq!(
        report.about("releases/m/versioned/skip-2024-04-15.yaml"),
        one("schema", Some(4)),
        "{report}"
    );
}

#[test]
fn control_characters_in_front_matter_and_config_are_findings() {
    let mut site = good();
    site.write(
        "content/about.md",
        "---\ntitle: About\ndescription: \"a\\x1b[2Jb\"\n---\nText.\n",
    );
    let (status, report) = check_json(&site);
    assert_eq!(status, 1, "{report}");
    assert_eq!(report.about("content/about.md"), one("content", Some(3)));

    let mut site = good();
    site.edit(
        "cadence.toml",
        "title = \"Fixture\"",
        "title = \"Fix\\u0001ture\"",
    );
    let (status, report) = check_json(&site);
    assert_eq!(status, 2, "{report}");
    assert_eq!(report.about("cadence.toml"), one("config", Some(1)));
    let mut site = good();
    site.edit("cadence.toml", "title = \"M\"", "title = \"M\\uFFFE\"");
    assert_eq!(check_json(&site).0, 2);
    // A description may span lines.
    let mut site = good();
    site.edit(
        "cadence.toml",
        "title = \"M\"",
        "title = \"M\"\ndescription = \"\"\"\nTwo\nlines\"\"\"",
    );
    assert_eq!(check_json(&site).0, 0);
}

// ---- character sets and numbers ---------------------------------------------

#[test]
fn file_quantization_and_ollama_take_only_their_characters() {
    let mut site = good();
    for (extra, line) in [
        (
            "artifacts:\n  - format: gguf\n    file: \"x.gguf; touch /tmp/pwned #.gguf\"\n    quantization: Q4_K_M\n",
            7,
        ),
        (
            "artifacts:\n  - format: gguf\n    file: x.gguf\n    quantization: \"Q4$(id)\"\n",
            8,
        ),
        ("ollama: \"o/m:1;reboot\"\n", 5),
        ("ollama: \"o/m:`id`\"\n", 5),
        ("artifacts:\n  - format: other\n    file: \"a b.bin\"\n", 7),
    ] {
        site.write(BUILD, manifest(extra));
        let (status, report) = check_json(&site);
        assert_eq!(status, 1, "{extra}: {report}");
        assert_eq!(
            report.about(BUILD),
            [("artifact".to_string(), Some(line))],
            "{extra}: {report}"
        );
    }
    site.write(
        BUILD,
        manifest(
            "ollama: hf.co/o/m-GGUF:Q4_K_M\nartifacts:\n  - format: gguf\n    file: sub/dir/m-v1.0+fix_Q4.gguf\n    quantization: Q4_K_M.v2-x\n",
        ),
    );
    let (status, report) = check_json(&site);
    assert_eq!(status, 0, "{report}");
}

#[test]
fn evaluations_must_be_finite_and_of_a_sane_magnitude() {
    let mut site = good();
    for value in [
        ".nan", ".NaN", ".inf", "-.inf", "+.Inf", "1e999", "-1e999", "9e307", "-9e307", "1e16",
    ] {
        site.write(
            BUILD,
            manifest(&format!("evaluations:\n  mt_bench: {value}\n")),
        );
        let (status, report) = check_json(&site);
        assert_eq!(status, 1, "{value}: {report}");
        assert_eq!(
            report.about(BUILD),
            one("schema", Some(6)),
            "{value}: {report}"
        );
        let message = report.with_code("schema")[0]["message"].as_str().unwrap();
        assert!(message.contains(value), "{value}: {message}");
    }
    site.write(
        BUILD,
        manifest("evaluations:\n  a: 1e15\n  b: -1e15\n  c: 1e-300\n  d: 0\n"),
    );
    assert_eq!(check_json(&site).0, 0);
}

// ---- diagnostics ------------------------------------------------------------

#[test]
fn diagnostics_never_print_control_characters_raw() {
    let mut site = good();
    site.write(
        BUILD,
        "version: 2024-05-02\ndate: 2024-05-02\nsummary: \"x\\e]0;pwned\\a\"\n\"\\e[2J\": 1\nrevision:\t\x1b[31mred\n",
    );
    site.write("releases/m/stream/\x1b]0;owned\x07.yaml", "version: 1\n");
    let human = site.run(["check"]);
    assert_eq!(human.status, 1);
    let github = site.run(["check", "--format", "github"]);
    for (name, out) in [("human", &human.stdout), ("github", &github.stdout)] {
        let raw: Vec<char> = out
            .chars()
            .filter(|c| c.is_control() && *c != '\n')
            .collect();
        assert!(raw.is_empty(), "{name}: raw {raw:?} in\n{out}");
        assert!(out.contains("\\u{1b}]0;"), "{name}: shown escaped\n{out}");
    }
    assert!(human.stdout.contains("\\u{1b}[2J"), "{}", human.stdout);
    assert!(
        human.stdout.contains("\\u{1b}]0;owned\\u{7}.yaml"),
        "{}",
        human.stdout
    );
    // The echoed line shows the tab, with the caret still under the fault.
    assert!(
        human
            .stdout
            .contains("5 | revision:\\t\\u{1b}[31mred\n  |            ^\n"),
        "{}",
        human.stdout
    );
}
