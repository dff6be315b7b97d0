//! After `build --out P/out`, `P` holds what it held before plus `out`: the
//! kept build lives in the site's `.cadence/` (SPEC 7).

use std::collections::BTreeMap;
use std::path::Path;

use super::*;

/// Build `site` into `out` and return what `out` holds.
fn build_into(site: &SiteTest, out: &Path) -> BTreeMap<String, Vec<u8>> {
    site.run(["build", "-q", "--out", out.to_str().unwrap()])
        .success();
    tree(out)
}

#[test]
fn the_output_parent_holds_only_the_output() {
    let mut site = site();
    let parent = site.beside("p");
    std::fs::create_dir(&parent).unwrap();
    std::fs::write(parent.join("keep.txt"), "mine").unwrap();
    let out = parent.join("out");
    for n in 0..3 {
        site.manifest(
            "granite-7b-lab/stream/2024-11-15",
            &format!("summary: Build {n}."),
        );
        build_into(&site, &out);
        assert_eq!(listing(&parent), ["keep.txt", "out"], "after build {n}");
    }
    // The kept build is in the site's .cadence/, which git ignores.
    let cache = site.path(".cadence");
    let kept = walk_names(&cache);
    assert!(
        kept.iter().any(|p| p.ends_with("spare/.cadence-build")),
        "{kept:?}"
    );
    // A failed build (a template error, after the staging folder was made).
    let before = tree(&out);
    site.write(
        "themes/default/templates/release.html",
        "{{ release.version | nope }}",
    );
    let failed = site.run(["build", "--out", out.to_str().unwrap()]);
    assert_eq!(failed.status, 1);
    assert_eq!(listing(&parent), ["keep.txt", "out"]);
    assert_eq!(tree(&out), before);
    // And the next good one.
    site.remove("themes/default/templates/release.html");
    build_into(&site, &out);
    assert_eq!(listing(&parent), ["keep.txt", "out"]);
}

/// Every path under `dir`, relative.
fn walk_names(dir: &Path) -> Vec<String> {
    snapshot(dir).into_keys().collect()
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let mut site = site();
    let out = site.build(&[]);
    let before = tree(&out);
    let listed = listing(site.root());
    site.write(
        "releases/granite-7b-lab/stream/2025-01-20.yaml",
        "version: 2025-01-20\ndate: [not a date\n",
    );
    let failed = site.run(["build"]);
    assert_eq!(failed.status, 1);
    let stderr = &failed.stderr;
    assert!(
        stderr.contains("releases/granite-7b-lab/stream/2025-01-20.yaml"),
        "{stderr}"
    );
    assert_eq!(tree(&out), before, "public/ is byte-identical");
    assert_eq!(listing(site.root()), listed);
}

/// The maintainer's loop: build, edit, build, edit, build. From the third
/// build on, cadence writes into the build before the last (kept in the
/// site's `.cadence/`); what it leaves must be exactly what a build into an
/// empty folder writes, after every kind of edit.
#[test]
fn rebuilds_into_the_kept_build_write_what_a_fresh_build_writes() {
    let site = site();
    let root = site.root();
    let stream = root.join("releases/granite-7b-lab/stream");
    let fresh = |n: usize| build_into(&site, &site.beside(&format!("fresh-{n}")));
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
        site.build(&["-q"]);
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
    let mut names = listing(root);
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
    let mut site = site();
    let Ok(other) = tempfile::tempdir_in("/dev/shm") else {
        eprintln!("no /dev/shm here: nothing to test");
        return;
    };
    let dev = |p: &Path| std::fs::metadata(p).unwrap().dev();
    if dev(other.path()) == dev(site.root()) {
        eprintln!("/dev/shm is on the same file system here: nothing to test");
        return;
    }
    let out = other.path().join("out");
    for n in 0..4 {
        if n == 2 {
            site.remove("releases/granite-7b-lab/stream/2024-09-10.yaml");
        }
        let built = build_into(&site, &out);
        assert_eq!(listing(other.path()), ["out"], "after build {n}");
        let expected = build_into(&site, &site.beside(&format!("fresh-{n}")));
        assert!(built == expected, "build {n} differs from a fresh build");
    }
    let kept = walk_names(&site.path(".cadence"));
    assert!(
        !kept.iter().any(|p| p.contains("spare")),
        "nothing is copied across file systems: {kept:?}"
    );
}
