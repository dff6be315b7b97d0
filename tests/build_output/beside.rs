//! After `build --out P/out`, `P` holds what it held before plus `out`: the
//! kept build lives in the site's `.cadence/` (SPEC 7).

use super::*;

/// Build `root` into `out` and return what `out` holds.
fn build_into(root: &Path, out: &Path) -> BTreeMap<String, Vec<u8>> {
    run_ok(root, &["build", "-q", "--out", out.to_str().unwrap()]);
    tree(out)
}

#[test]
fn the_output_parent_holds_only_the_output() {
    let (tmp, root) = site("site");
    let parent = tmp.path().join("p");
    std::fs::create_dir(&parent).unwrap();
    std::fs::write(parent.join("keep.txt"), "mine").unwrap();
    let out = parent.join("out");
    let stream = root.join("releases/granite-7b-lab/stream");
    for n in 0..3 {
        let f = stream.join("2024-11-15.yaml");
        let text = std::fs::read_to_string(&f).unwrap();
        std::fs::write(
            &f,
            text.replacen("summary: ", &format!("summary: Build {n}. "), 1),
        )
        .unwrap();
        build_into(&root, &out);
        assert_eq!(listing(&parent), ["keep.txt", "out"], "after build {n}");
    }
    // The kept build is in the site's .cadence/, which git ignores.
    let cache = root.join(".cadence");
    let kept = walk_names(&cache);
    assert!(
        kept.iter().any(|p| p.ends_with("spare/.cadence-build")),
        "{kept:?}"
    );
    // A failed build (a template error, after the staging folder was made).
    let before = tree(&out);
    let templates = root.join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("release.html"),
        "{{ release.version | nope }}",
    )
    .unwrap();
    let failed = cadence(&root, &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(failed.status.code(), Some(1));
    assert_eq!(listing(&parent), ["keep.txt", "out"]);
    assert_eq!(tree(&out), before);
    // And the next good one.
    std::fs::remove_file(templates.join("release.html")).unwrap();
    build_into(&root, &out);
    assert_eq!(listing(&parent), ["keep.txt", "out"]);
}

/// Every path under `dir`, relative.
fn walk_names(dir: &Path) -> Vec<String> {
    snapshot(dir).into_keys().collect()
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let (_tmp, root) = site("site");
    let out = build(&root, &[]);
    let before = tree(&out);
    let listed = listing(&root);
    std::fs::write(
        root.join("releases/granite-7b-lab/stream/2025-01-20.yaml"),
        "version: 2025-01-20\ndate: [not a date\n",
    )
    .unwrap();
    let failed = cadence(&root, &["build"]);
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("releases/granite-7b-lab/stream/2025-01-20.yaml"),
        "{stderr}"
    );
    assert_eq!(tree(&out), before, "public/ is byte-identical");
    assert_eq!(listing(&root), listed);
}

/// The maintainer's loop: build, edit, build, edit, build. From the third
/// build on, cadence writes into the build before the last (kept in the
/// site's `.cadence/`); what it leaves must be exactly what a build into an
/// empty folder writes, after every kind of edit.
#[test]
fn rebuilds_into_the_kept_build_write_what_a_fresh_build_writes() {
    let (tmp, root) = site("site");
    let stream = root.join("releases/granite-7b-lab/stream");
    let fresh = |n: usize| build_into(&root, &tmp.path().join(format!("fresh-{n}")));
    let edits: [&dyn Fn(); 5] = [
        &|| {},
        // A release's text changes: its page, the lists, the feeds, the API.
        &|| {
            let f = stream.join("2024-11-15.yaml");
            let text = std::fs::read_to_string(&f).unwrap();
            std::fs::write(&f, text.replacen("summary: ", "summary: Rebuilt. ", 1)).unwrap();
        },
        // A release goes away: its folder must go too.
        &|| std::fs::remove_file(stream.join("2024-09-10.yaml")).unwrap(),
        // A content page goes away and a content file arrives.
        &|| {
            std::fs::remove_file(root.join("content/faq.md")).unwrap();
            std::fs::write(root.join("content/notes.txt"), "plain text").unwrap();
        },
        // Nothing changes.
        &|| {},
    ];
    for (n, edit) in edits.iter().enumerate() {
        edit();
        build(&root, &["-q"]);
        let built = tree(&root.join("public"));
        let expected = fresh(n);
        assert_eq!(
            built.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "after edit {n}"
        );
        for (path, bytes) in &expected {
            assert!(bytes == &built[path], "{path} differs after edit {n}");
        }
    }
    assert!(
        !root
            .join("public/granite-7b-lab/stream/2024-09-10")
            .exists()
    );
    assert!(!root.join("public/faq").exists());
    // The kept build is in .cadence/, nothing new is beside the outputs.
    let mut names = listing(&root);
    names.retain(|n| n != "public" && n != ".cadence");
    assert_eq!(names, ["cadence.toml", "content", "releases"]);
    let kept = walk_names(&root.join(".cadence"));
    assert!(
        kept.iter().any(|p| p.ends_with("spare/.cadence-build")),
        "{kept:?}"
    );
}

/// When `.cadence/` and the output are on different file systems, a
/// rename between them cannot work: cadence builds without the kept build
/// (it never copies one), and every build is still right.
#[cfg(target_os = "linux")]
#[test]
fn an_output_on_another_file_system_is_built_without_the_kept_build() {
    use std::os::unix::fs::MetadataExt;
    let (tmp, root) = site("site");
    let Ok(other) = tempfile::tempdir_in("/dev/shm") else {
        eprintln!("no /dev/shm here: nothing to test");
        return;
    };
    let dev = |p: &Path| std::fs::metadata(p).unwrap().dev();
    if dev(other.path()) == dev(tmp.path()) {
        eprintln!("/dev/shm is on the same file system here: nothing to test");
        return;
    }
    let out = other.path().join("out");
    let stream = root.join("releases/granite-7b-lab/stream");
    for n in 0..4 {
        if n == 2 {
            std::fs::remove_file(stream.join("2024-09-10.yaml")).unwrap();
        }
        let built = build_into(&root, &out);
        assert_eq!(listing(other.path()), ["out"], "after build {n}");
        let expected = build_into(&root, &tmp.path().join(format!("fresh-{n}")));
        assert!(built == expected, "build {n} differs from a fresh build");
    }
    let kept = walk_names(&root.join(".cadence"));
    assert!(
        !kept.iter().any(|p| p.contains("spare")),
        "nothing is copied across file systems: {kept:?}"
    );
}
