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
        "releases/my-model/versioned/1.0.0.yaml",
        "content/about.md",
        "content/_index.md",
    ] {
        assert!(site.path(path).is_file(), "{path}");
    }
    let check = site.run(["check", "--deny-warnings"]);
    check.success();
    assert!(check.output().contains("0 errors, 0 warnings"), "{check:?}");
    // Still clean a year later: no schedule slot can be missed.
    site.today("2026-05-20")
        .run(["check", "--deny-warnings"])
        .success();
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
        "my-model/stream/2025-05-20/index.html",
    ] {
        assert!(public.join(path).is_file(), "{path}");
    }
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
