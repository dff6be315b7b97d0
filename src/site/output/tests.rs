//! The output written, swapped, kept and refused: what is left in the
//! output, beside it and in the site's `.cadence/`.

use std::path::{Path, PathBuf};

use super::*;

fn files() -> Vec<OutputFile> {
    vec![
        OutputFile::new("index.html", "home"),
        OutputFile::new("a/b/index.html", "deep"),
    ]
}

/// A site root and an output beside it, `public`, in a temporary folder.
struct Setup {
    tmp: tempfile::TempDir,
    target: Target,
}

impl Setup {
    fn new() -> Setup {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("site")).unwrap();
        let target = Target::resolve(&tmp.path().join("site"), Path::new("../public")).unwrap();
        Setup { tmp, target }
    }

    fn out(&self) -> PathBuf {
        self.target.path()
    }

    fn write(&self, files: &[OutputFile]) {
        write_atomic(&self.target, files).unwrap();
    }

    /// The kept build, in the site's `.cadence/build/<output>/spare`.
    fn spare(&self) -> PathBuf {
        let build = self.tmp.path().join("site/.cadence/build");
        let mine: Vec<_> = std::fs::read_dir(&build)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        assert_eq!(mine.len(), 1, "{mine:?}");
        mine[0].join("spare")
    }

    /// What is beside the output, sorted.
    fn beside(&self) -> Vec<String> {
        let mut names: Vec<_> = std::fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn writes_replaces_and_marks() {
    let s = Setup::new();
    let out = s.out();
    s.write(&files());
    assert_eq!(read(out.join("a/b/index.html")), "deep");
    assert!(out.join(MARKER).is_file());
    s.write(&[OutputFile::new("index.html", "new")]);
    assert_eq!(read(out.join("index.html")), "new");
    assert!(!out.join("a").exists(), "the old build is gone");
    assert_eq!(
        s.beside(),
        ["public", "site"],
        "no temporary folder is left"
    );
    // The replaced build is kept to rebuild into, in a folder that git
    // and backup tools skip.
    assert_eq!(read(s.spare().join("a/b/index.html")), "deep");
    let build = s.tmp.path().join("site/.cadence/build");
    assert_eq!(read(build.join(".gitignore")), "*\n");
    assert!(
        read(build.join("CACHEDIR.TAG")).starts_with("Signature: 8a477f597d28d172789f06886806bc55")
    );
}

#[cfg(unix)]
#[test]
fn unchanged_files_are_linked_from_the_previous_build() {
    use std::os::unix::fs::MetadataExt;
    let s = Setup::new();
    let out = s.out();
    let ino = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
    s.write(&files());
    let (home, deep) = (ino("index.html"), ino("a/b/index.html"));
    s.write(&[
        OutputFile::new("index.html", "home"),
        OutputFile::new("a/b/index.html", "changed"),
    ]);
    assert_eq!(ino("index.html"), home, "the same file, linked");
    assert_ne!(ino("a/b/index.html"), deep, "a new file");
    assert_eq!(read(out.join("a/b/index.html")), "changed");
}

/// Three builds: the third is written into the first's folder, kept in
/// the site's `.cadence/`.
#[cfg(unix)]
#[test]
fn a_rebuild_is_written_into_the_kept_build() {
    use std::os::unix::fs::MetadataExt;
    let s = Setup::new();
    let out = s.out();
    let mut first = files();
    first.push(OutputFile::new("gone/x/index.html", "old"));
    s.write(&first);
    let first_root = std::fs::metadata(&out).unwrap().ino();
    s.write(&files());
    let spare = s.spare();
    assert_eq!(std::fs::metadata(&spare).unwrap().ino(), first_root);
    let live_home = std::fs::metadata(out.join("index.html")).unwrap().ino();
    // Changed, unchanged, new, and gone since the first build.
    s.write(&[
        OutputFile::new("index.html", "home, changed"),
        OutputFile::new("a/b/index.html", "deep"),
        OutputFile::new("new/index.html", "new"),
    ]);
    assert_eq!(
        std::fs::metadata(&out).unwrap().ino(),
        first_root,
        "the first build's folder"
    );
    assert_eq!(read(out.join("index.html")), "home, changed");
    assert_eq!(read(out.join("a/b/index.html")), "deep");
    assert_eq!(read(out.join("new/index.html")), "new");
    assert!(!out.join("gone").exists(), "leftovers are removed");
    // The second build (now kept) shared index.html with the first by
    // a hard link; the change did not write through it.
    assert_eq!(read(spare.join("index.html")), "home");
    assert_eq!(
        std::fs::metadata(spare.join("index.html")).unwrap().ino(),
        live_home
    );
    assert_eq!(read(out.join(MARKER)), MARKER_TEXT);
    assert_eq!(s.beside(), ["public", "site"]);
}

/// A kept build that is not what cadence left (a file added by hand,
/// at the top or deeper) is not rebuilt into: the file would be
/// published again.
#[test]
fn a_kept_build_changed_by_hand_is_not_used() {
    for extra in ["CNAME", "a/b/notes.txt", "a/stray/file"] {
        let s = Setup::new();
        let out = s.out();
        s.write(&files());
        let hand = out.join(extra);
        std::fs::create_dir_all(hand.parent().unwrap()).unwrap();
        std::fs::write(&hand, "by hand").unwrap();
        s.write(&files());
        assert!(s.spare().join(extra).is_file());
        s.write(&files());
        assert!(!out.join(extra).exists(), "{extra} came back");
        assert_eq!(read(out.join("a/b/index.html")), "deep");
    }
}

/// A kept build whose files were edited in place is rebuilt into, and
/// every file ends up right.
#[test]
fn a_kept_file_edited_in_place_is_rewritten() {
    let s = Setup::new();
    s.write(&files());
    s.write(&files());
    std::fs::write(s.spare().join("a/b/index.html"), "edited").unwrap();
    s.write(&files());
    assert_eq!(read(s.out().join("a/b/index.html")), "deep");
}

/// Where the kept build has a file the new one has a folder, and the
/// other way round.
#[test]
fn files_and_folders_may_trade_places() {
    let s = Setup::new();
    let out = s.out();
    let one = [
        OutputFile::new("x", "file"),
        OutputFile::new("y/index.html", "in y"),
    ];
    let two = [
        OutputFile::new("x/index.html", "in x"),
        OutputFile::new("y", "file"),
    ];
    s.write(&one);
    s.write(&one);
    s.write(&two);
    assert_eq!(read(out.join("x/index.html")), "in x");
    assert_eq!(read(out.join("y")), "file");
    s.write(&one);
    assert_eq!(read(out.join("x")), "file");
    assert_eq!(read(out.join("y/index.html")), "in y");
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_in_the_previous_build_is_not_linked() {
    let s = Setup::new();
    let out = s.out();
    s.write(&files());
    std::fs::write(s.tmp.path().join("elsewhere"), "home").unwrap();
    std::fs::remove_file(out.join("index.html")).unwrap();
    std::os::unix::fs::symlink(s.tmp.path().join("elsewhere"), out.join("index.html")).unwrap();
    s.write(&files());
    let meta = std::fs::symlink_metadata(out.join("index.html")).unwrap();
    assert!(meta.is_file(), "a file of its own, not the link");
}

#[test]
fn a_failed_fill_leaves_the_target_and_no_staging_folder() {
    let s = Setup::new();
    let out = s.out();
    let beside = ["elsewhere", "public", "site"];
    std::fs::write(s.tmp.path().join("elsewhere"), "").unwrap();
    s.write(&files());
    let fail = || {
        write_atomic_with(&s.target, |staging| {
            staging.put("index.html", b"half")?;
            anyhow::bail!("a template failed")
        })
        .unwrap_err()
    };
    let err = fail();
    assert!(matches!(err, StageError::Fill(_)), "{err:?}");
    assert_eq!(read(out.join("index.html")), "home");
    assert_eq!(s.beside(), beside);
    // The same with a kept build being rebuilt into.
    s.write(&files());
    s.write(&files());
    fail();
    assert_eq!(read(out.join("index.html")), "home");
    assert_eq!(s.beside(), beside);
    s.write(&files());
    assert_eq!(read(out.join("a/b/index.html")), "deep");
}

/// A cache folder in `.cadence/` not made by cadence is left alone, and so
/// is a folder named like a cache beside the output.
#[test]
fn a_foreign_cache_folder_is_left_alone() {
    let s = Setup::new();
    let foreign = s.tmp.path().join("site/.cadence/build");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("mine.txt"), "keep").unwrap();
    let beside = s.tmp.path().join(".public.cadence");
    std::fs::create_dir(&beside).unwrap();
    std::fs::write(beside.join("mine.txt"), "keep").unwrap();
    for _ in 0..3 {
        s.write(&files());
    }
    for dir in [&foreign, &beside] {
        let names: Vec<_> = std::fs::read_dir(dir).unwrap().collect();
        assert_eq!(names.len(), 1, "{}", dir.display());
        assert_eq!(read(dir.join("mine.txt")), "keep");
    }
    assert_eq!(read(s.out().join("a/b/index.html")), "deep");
}

/// The cache that earlier versions kept beside the output is removed.
#[test]
fn the_cache_beside_the_output_of_earlier_versions_is_removed() {
    let s = Setup::new();
    s.write(&files());
    let old = s.tmp.path().join(".public.cadence");
    std::fs::create_dir_all(old.join("spare/a")).unwrap();
    std::fs::copy(
        s.tmp.path().join("site/.cadence/build/CACHEDIR.TAG"),
        old.join("CACHEDIR.TAG"),
    )
    .unwrap();
    s.write(&files());
    assert_eq!(s.beside(), ["public", "site"]);
}

/// A `.cadence/` that is a link (say, committed in a pull request) is not
/// written through.
#[cfg(unix)]
#[test]
fn a_cache_folder_that_is_a_link_is_not_used() {
    let s = Setup::new();
    let elsewhere = s.tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, s.tmp.path().join("site/.cadence")).unwrap();
    for _ in 0..3 {
        s.write(&files());
    }
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert_eq!(read(s.out().join("a/b/index.html")), "deep");
}

#[test]
fn refuses_a_folder_it_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("precious.txt"), "keep").unwrap();
    let err = Target::resolve(tmp.path(), Path::new("public")).unwrap_err();
    assert!(matches!(err, WriteError::Refused(_)), "{err}");
    assert_eq!(read(out.join("precious.txt")), "keep");
    // An empty folder is fine.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let target = Target::resolve(tmp.path(), Path::new("empty")).unwrap();
    write_atomic(&target, &files()).unwrap();
}

#[test]
fn a_bad_path_writes_nothing() {
    let s = Setup::new();
    s.write(&files());
    let bad = [OutputFile::new("../escape.html", "x")];
    assert!(write_atomic(&s.target, &bad).is_err());
    assert_eq!(read(s.out().join("index.html")), "home");
    assert!(!s.tmp.path().join("escape.html").exists());
    assert_eq!(s.beside(), ["public", "site"]);
}
