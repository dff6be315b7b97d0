//! `--out` may not be the site root, a folder that contains it, or a folder
//! inside `releases/`, `content/`, `themes/` or `.cadence/` (SPEC 7), whatever
//! marker files are there: exit 2, and nothing is touched.

use super::*;

#[test]
fn forbidden_out_targets_are_refused_and_nothing_is_touched() {
    let (tmp, root) = site("site");
    let marker = ".cadence-build";
    // Marker files planted where a hostile pull request (or an earlier
    // mistake) could put them.
    std::fs::create_dir_all(root.join("themes/x/templates")).unwrap();
    std::fs::create_dir_all(root.join(".cadence")).unwrap();
    for dir in [
        tmp.path(),
        &root,
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
        std::os::unix::fs::symlink(&root, tmp.path().join("link-to-root")).unwrap();
        std::os::unix::fs::symlink("releases", root.join("link-to-releases")).unwrap();
        std::os::unix::fs::symlink("content", root.join("link-to-content")).unwrap();
    }
    let link_to_root = tmp.path().join("link-to-root");
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
        tmp.path().display().to_string(),
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
    let before = snapshot(tmp.path());
    for out in &targets {
        let run = cadence(&root, &["build", "--out", out]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "--out {out}: {stderr}");
        assert!(
            stderr.contains("--out") && stderr.contains("refusing"),
            "--out {out}: the message says what is refused: {stderr}"
        );
        assert_eq!(
            snapshot(tmp.path()),
            before,
            "--out {out} touched something"
        );
    }
    // The site is intact and still builds where it should.
    run_ok(&root, &["build", "-q"]);
    assert!(root.join("public/index.html").is_file());
    assert!(root.join("releases/granite-7b-lab").is_dir());
}

/// An output beside the site, or inside it in a folder of its own, is fine
/// (a folder whose name only starts like a source folder's too).
#[test]
fn outputs_near_the_sources_are_allowed() {
    let (tmp, root) = site("site");
    for out in [
        "public".to_string(),
        "releases-site".to_string(),
        "build/site".to_string(),
        tmp.path().join("elsewhere").display().to_string(),
    ] {
        run_ok(&root, &["build", "-q", "--out", &out]);
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
    let (_tmp, root) = site("site");
    let out = root.join("public");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let listed = listing(&root);
    let refused = cadence(&root, &["build"]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains(".cadence-build"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    assert_eq!(listing(&root), listed, "nothing is made beside it");
}
