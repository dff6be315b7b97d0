//! `--out` may not be the site root, a folder that contains it, or a folder
//! inside `releases/`, `content/`, `themes/` or `.cadence/` (SPEC 7), whatever
//! marker files are there: exit 2, and nothing is touched.

use std::path::Path;

use super::*;

#[test]
fn forbidden_out_targets_are_refused_and_nothing_is_touched() {
    let site = site();
    let (root, tmp) = (site.root(), site.root().parent().unwrap());
    let marker = ".cadence-build";
    // Marker files planted where a hostile pull request (or an earlier
    // mistake) could put them.
    std::fs::create_dir_all(root.join("themes/x/templates")).unwrap();
    std::fs::create_dir_all(root.join(".cadence")).unwrap();
    for dir in [
        tmp,
        root,
        &root.join("releases"),
        &root.join("releases/granite-7b-lab"),
        &root.join("content"),
        &root.join("themes/x"),
        &root.join(".cadence"),
    ] {
        std::fs::write(dir.join(marker), "planted\n").unwrap();
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root, tmp.join("link-to-root")).unwrap();
        std::os::unix::fs::symlink("releases", root.join("link-to-releases")).unwrap();
        std::os::unix::fs::symlink("content", root.join("link-to-content")).unwrap();
    }
    let link_to_root = tmp.join("link-to-root");
    let mut targets = vec![
        ".".to_string(),
        "..".to_string(),
        "./".to_string(),
        "releases".to_string(),
        "releases/".to_string(),
        "releases/m".to_string(),
        "releases/granite-7b-lab".to_string(),
        "releases/m/deep/new".to_string(),
        "content".to_string(),
        "content/img".to_string(),
        "themes".to_string(),
        "themes/x".to_string(),
        "themes/x/templates".to_string(),
        ".cadence".to_string(),
        ".cadence/build".to_string(),
        "public/../releases".to_string(),
        "no-such/../../site/content".to_string(),
        root.display().to_string(),
        tmp.display().to_string(),
        "/".to_string(),
    ];
    if cfg!(unix) {
        targets.extend([
            link_to_root.display().to_string(),
            link_to_root.join("content").display().to_string(),
            "link-to-releases".to_string(),
            "link-to-releases/m".to_string(),
            "link-to-content/new".to_string(),
        ]);
    }
    let before = snapshot(tmp);
    for out in &targets {
        let run = site.run(["build", "--out", out]);
        let stderr = &run.stderr;
        assert_eq!(run.status, 2, "--out {out}: {stderr}");
        assert!(
            stderr.contains("--out") && stderr.contains("refusing"),
            "--out {out}: the message says what is refused: {stderr}"
        );
        assert_eq!(snapshot(tmp), before, "--out {out} touched something");
    }
    // The site is intact and still builds where it should.
    site.run(["build", "-q"]).success();
    assert!(root.join("public/index.html").is_file());
    assert!(root.join("releases/granite-7b-lab").is_dir());
}

/// An output beside the site, or inside it in a folder of its own, is fine
/// (a folder whose name only starts like a source folder's too).
#[test]
fn outputs_near_the_sources_are_allowed() {
    let site = site();
    let root = site.root();
    for out in [
        "public".to_string(),
        "releases-site".to_string(),
        "build/site".to_string(),
        site.beside("elsewhere").display().to_string(),
    ] {
        site.run(["build", "-q", "--out", &out]).success();
        let dir = if Path::new(&out).is_absolute() {
            Path::new(&out).to_path_buf()
        } else {
            root.join(&out)
        };
        assert!(dir.join("index.html").is_file(), "{out}");
    }
}

#[test]
fn a_folder_cadence_did_not_write_is_never_replaced() {
    let mut site = site();
    site.write("public/notes.txt", "mine");
    let out = site.path("public");
    let listed = listing(site.root());
    let refused = site.run(["build"]);
    assert_eq!(refused.status, 2);
    let stderr = &refused.stderr;
    assert!(stderr.contains(".cadence-build"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    assert_eq!(listing(site.root()), listed, "nothing is made beside it");
}
