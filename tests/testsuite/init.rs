//! `cadence init`: a new site that passes `check` and builds.

use crate::prelude::*;

const TODAY: &str = "2025-05-20";

/// A test with no site yet, run on [`TODAY`].
fn empty() -> SiteTest {
    let mut site = SiteTest::empty();
    site.today(TODAY);
    site
}

/// `cadence init <the site folder>`.
fn init(site: &SiteTest) -> Run {
    site.run(["init".as_ref(), site.root().as_os_str()])
}

#[test]
fn a_new_site_passes_check_and_builds() {
    let mut site = empty();
    init(&site).success();
    for path in [
        "cadence.toml",
        "releases/my-model/stream/2025-05-20.yaml",
        "releases/my-model/versioned/1.0.0-rc.1.yaml",
        "releases/my-model/versioned/1.0.0.yaml",
        "content/about.md",
        "content/_index.md",
    ] {
        assert!(site.path(path).is_file(), "{path}");
    }
    let check = site.run(["check", "--deny-warnings"]);
    check.success();
    assert!(check.output().contains("0 errors, 0 warnings"), "{check:?}");
    // Run in the folder itself, it says what to run next, without a `cd`.
    let here = SiteTest::empty();
    std::fs::create_dir_all(here.root()).unwrap();
    let mut cmd = here.command(["init"]);
    cmd.current_dir(here.root()).arg("--today").arg(TODAY);
    let run = Run::of(cmd);
    run.success();
    assert!(
        run.stdout
            .contains("next: `cadence check`, then `cadence serve` to preview the site"),
        "{}",
        run.show()
    );
    assert!(here.path("cadence.toml").is_file());
    // Git ignores the output and the build cache (SPEC 7, 8).
    let ignored = site.read(".gitignore");
    let lines: Vec<&str> = ignored.lines().map(str::trim).collect();
    for want in [".cadence/", "public/"] {
        assert!(
            lines.iter().any(|l| l.trim_start_matches('/') == want),
            "{want} is not in .gitignore:\n{ignored}"
        );
    }
    let public = site.today(TODAY).build(&[]);
    for path in [
        "index.html",
        "about/index.html",
        "my-model/index.html",
        "my-model/versioned/1.0.0/index.html",
        "my-model/versioned/1.0.0-rc.1/index.html",
        "my-model/stream/2025-05-20/index.html",
    ] {
        assert!(public.join(path).is_file(), "{path}");
    }
}

/// The config's active schedule starts ahead of the day `init` runs, with
/// the first final planned for its first slot: whatever that day is.
#[test]
fn a_new_site_has_a_schedule_whose_first_slot_is_ahead() {
    for (today, first) in [
        ("2025-05-20", "2025-07-01"),
        ("2025-01-31", "2025-04-01"),
        ("2031-11-30", "2032-01-01"),
        ("2031-12-01", "2032-01-01"),
    ] {
        let mut site = empty();
        site.today(today);
        init(&site).success();
        let config: toml::Table = site.read("cadence.toml").parse().unwrap();
        let schedule = &config["channels"]["versioned"]["schedule"];
        assert_eq!(schedule["start"].to_string(), first, "{today}");
        let planned = site.read("releases/my-model/versioned/1.0.0.yaml");
        assert!(planned.contains(&format!("date: {first}\n")), "{planned}");
        assert!(planned.contains("status: planned\n"), "{planned}");
        site.run(["check", "--deny-warnings"]).success();
        // `schedule` names the first slot as next, planned.
        let schedule = site.run(["schedule"]);
        schedule.success();
        let next = schedule
            .stdout
            .lines()
            .find(|l| l.starts_with("next: "))
            .unwrap_or_else(|| panic!("{}", schedule.stdout));
        assert!(next.starts_with(&format!("next: {first} ")), "{next}");
        assert!(next.contains("1.0.0 is planned"), "{next}");
        // A week before the slot, it still passes: the slot has a plan.
        let week_before = chrono::NaiveDate::parse_from_str(first, "%Y-%m-%d").unwrap()
            - chrono::Duration::days(7);
        site.today(&week_before.to_string())
            .run(["check", "--deny-warnings"])
            .success();
    }
}

/// The commented-out options of the config, each a run of lines that are
/// TOML once the `# ` is taken off (a `[table]` header and its keys, or a
/// key): (first line index, line count).
fn commented_options(config: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = config.lines().collect();
    let is_toml = |l: &str| {
        l.strip_prefix("# ").is_some_and(|t| {
            t.parse::<toml::Table>().is_ok() && (t.starts_with('[') || t.contains(" = "))
        })
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if is_toml(lines[i]) {
            let start = i;
            while i < lines.len() && is_toml(lines[i]) {
                i += 1;
            }
            out.push((start, i - start));
        } else {
            i += 1;
        }
    }
    out
}

fn uncomment(config: &str, (start, count): (usize, usize)) -> String {
    let mut out = String::new();
    for (i, line) in config.lines().enumerate() {
        if (start..start + count).contains(&i) {
            out.push_str(&line[2..]);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[test]
fn each_commented_option_passes_check_when_uncommented() {
    let mut site = empty();
    init(&site).success();
    let config = site.read("cadence.toml");
    let options = commented_options(&config);
    let names: Vec<&str> = options
        .iter()
        .map(|&(start, _)| config.lines().nth(start).unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "# notice = \"Demonstration data: these releases are examples.\"",
            "# [channels.versioned.candidates]",
            "# [channels.versioned.gates]",
            "# [channels.versioned.support]",
        ]
    );
    for &option in &options {
        let text = uncomment(&config, option);
        site.write("cadence.toml", &text);
        let run = site.run(["check", "--deny-warnings"]);
        assert_eq!(
            run.status,
            0,
            "with {:?} uncommented:\n{}",
            names,
            run.show()
        );
    }
    // All of them at once.
    let all = options
        .iter()
        .rev()
        .fold(config.clone(), |c, &o| uncomment(&c, o));
    site.write("cadence.toml", &all);
    site.run(["check", "--deny-warnings"]).success();
    site.build(&[]);
}

/// `base_url` is a placeholder that says so, or the URL `--base-url` gives.
#[test]
fn init_writes_a_placeholder_base_url_or_the_one_given() {
    let site = empty();
    let run = init(&site);
    run.success();
    assert!(
        run.stdout.contains("base_url is a placeholder"),
        "{}",
        run.show()
    );
    let config = site.read("cadence.toml");
    let line = config
        .lines()
        .position(|l| l.starts_with("base_url = "))
        .unwrap();
    let above = config.lines().nth(line - 4).unwrap_or_default();
    assert!(
        above.starts_with("# PLACEHOLDER: put here the absolute http(s) URL"),
        "{config}"
    );

    let site = empty();
    let run = site.run([
        "init".as_ref(),
        site.root().as_os_str(),
        "--base-url".as_ref(),
        "https://my-org.github.io/releases".as_ref(),
    ]);
    run.success();
    assert!(!run.stdout.contains("placeholder"), "{}", run.show());
    assert!(!site.read("cadence.toml").contains("PLACEHOLDER"));
    let config: toml::Table = site.read("cadence.toml").parse().unwrap();
    assert_eq!(
        config["base_url"].as_str(),
        Some("https://my-org.github.io/releases/")
    );
    site.run(["check", "--deny-warnings"]).success();
    let public = site.build(&[]);
    let feed = std::fs::read_to_string(public.join("atom.xml")).unwrap();
    assert!(
        feed.contains("https://my-org.github.io/releases/"),
        "{feed}"
    );

    // Not an http(s) URL: exit 2, nothing written.
    for bad in ["ftp://example.org/", "releases", "https://exa mple.org/\"x"] {
        let site = empty();
        let run = site.run([
            "init".as_ref(),
            site.root().as_os_str(),
            "--base-url".as_ref(),
            bad.as_ref(),
        ]);
        run.assert_status(2);
        assert!(run.stderr.contains("--base-url"), "{}", run.show());
        assert!(!site.path("cadence.toml").exists(), "{bad}");
    }
}

/// A newcomer's first hour: init, check, build, then the next candidate
/// and the stream's next build with `new release`, filled in, pass check;
/// and the promotion hint names the planned final's file, which `new`
/// would refuse to overwrite.
#[test]
fn a_newcomers_first_releases_pass_check() {
    let mut site = empty();
    init(&site).success();
    site.run(["check"]).success();
    site.build(&[]);
    let run = site.run(["new", "release", "my-model", "versioned"]);
    run.success();
    assert!(
        run.stdout.trim_end().ends_with("1.0.0-rc.2.yaml"),
        "{}",
        run.show()
    );
    assert!(
        run.stderr.contains(
            "to promote it, set `status: released`, its date and revision in releases/my-model/versioned/1.0.0.yaml"
        ),
        "{}",
        run.show()
    );
    site.run(["new", "release", "my-model", "stream"]).success();
    let fill = |text: String| {
        text.lines()
            .map(|l| match l.split_once(':') {
                Some(("summary", _)) => "summary: Filled in.".to_string(),
                Some(("revision", _)) => format!("revision: {}", "a".repeat(40)),
                Some((k, _)) if k.trim() == "mt_bench" => "  mt_bench: 7.3".to_string(),
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    for rel in [
        "releases/my-model/versioned/1.0.0-rc.2.yaml",
        "releases/my-model/stream/2025-05-20.2.yaml",
    ] {
        let text = fill(site.read(rel));
        site.write(rel, text);
    }
    site.run(["check", "--deny-warnings"]).success();
}
#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let mut taken = empty();
    taken.write("README.md", "mine");
    let out = init(&taken);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("not empty"), "{out:?}");
    assert!(!taken.path("cadence.toml").exists());

    // A folder with only hidden files (a fresh git repository) is fine.
    let repo = empty();
    std::fs::create_dir_all(repo.path(".git")).unwrap();
    assert_eq!(init(&repo).status, 0);
    // And a second init refuses.
    assert_eq!(init(&repo).status, 2);
}

/// A repository's own `.gitignore` is kept: the output and the cache are
/// added to it.
#[test]
fn init_adds_to_a_gitignore_that_is_there() {
    let mut repo = empty();
    std::fs::create_dir_all(repo.path(".git")).unwrap();
    repo.write(".gitignore", "*.log\n.cadence/");
    assert_eq!(init(&repo).status, 0);
    let ignored = repo.read(".gitignore");
    let lines: Vec<&str> = ignored.lines().collect();
    assert_eq!(lines[..2], ["*.log", ".cadence/"], "{ignored}");
    assert!(lines.contains(&"/public/"), "{ignored}");
    assert_eq!(ignored.matches(".cadence/").count(), 1, "{ignored}");
}
