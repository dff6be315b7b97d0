//! The harness of the one integration test binary, in the shape of mdBook's
//! `tests/testsuite/book_test.rs`: a [`SiteTest`] copies a fixture site into
//! a temporary folder of its own, changes it in a line per change, runs the
//! real `cadence` binary on it and hands back a [`Run`] (or, for `check
//! --format json`, a [`Report`]) to assert on.
//!
//! ```ignore
//! SiteTest::good()
//!     .manifest("m/versioned/1.0.0", "evaluations:\n  mt_bench: 6.9")
//!     .check()
//!     .assert_findings(1, &[("gate", "error", "releases/m/versioned/1.0.0.yaml", Some(6))]);
//! ```
//!
//! Every test has its own folder, and every setting of a run (today, the
//! environment) is passed to the child process, never set in this process:
//! the tests run in parallel in one process. Servers (the fake Hub,
//! `cadence serve`) bind 127.0.0.1 on port 0.
//!
//! Porting a test written for the old per-file helpers is mechanical:
//!
//! | before | now |
//! |---|---|
//! | `Site::copy_of("_good")`, `site("site")` | `SiteTest::good()`, `SiteTest::from("site")` (`crate::build::site()` sets its day) |
//! | `fixture("gate")` (a rule's folder) | `crate::rules::fault("gate")` |
//! | `site.edit(path, from, to)`, `site.write(..)`, `site.remove(..)` | the same methods |
//! | a date or key changed in a manifest | `.manifest("m/c/1.0.0", "date: 2024-01-30")` |
//! | a line added to or changed in `cadence.toml` | `.config("[table]\nkey = value")` |
//! | `cadence(root, &args)`, `run_ok(..)` | `site.run(args)`, `site.run(args).success()` |
//! | `check_json(root, today, &[])` | `site.today(today).check()` (a [`Report`]) |
//! | `summary(&report) == [...]` and the status | `report.assert_findings(status, &[...])` |
//! | `build(&root, &extra)` | `site.build(&extra)` |
//! | a `Command` to spawn (a server, a build to stop) | `site.command(args)` |
//! | a file outside the site, an output folder | `site.beside("name")` |

mod edit;
pub mod fake_hub;
pub mod files;
mod run;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

pub use run::{Report, Run};

/// The day the good fixture (`tests/fixtures/rules/_good`) is written for:
/// [`SiteTest::good`] runs with `--today 2024-06-01`.
pub const GOOD_TODAY: &str = "2024-06-01";

/// A site in a temporary folder of its own, changed by the test, and the
/// settings the binary runs with.
///
/// The folder holds the site at `site/` ([`SiteTest::root`]) and whatever
/// the test puts beside it ([`SiteTest::beside`]): outputs, a home folder, a
/// file outside the site. It is removed when the `SiteTest` is dropped.
pub struct SiteTest {
    dir: tempfile::TempDir,
    root: PathBuf,
    today: Option<String>,
    env: Vec<(String, Option<String>)>,
    env_clear: bool,
}

impl SiteTest {
    /// The good fixture, `tests/fixtures/rules/_good` (its README says what
    /// it holds), which `check` passes on [`GOOD_TODAY`]; runs use that day.
    pub fn good() -> SiteTest {
        let mut test = SiteTest::from("rules/_good");
        test.today(GOOD_TODAY);
        test
    }

    /// A copy of the fixture site `tests/fixtures/<name>` (`site`,
    /// `workflow`, `hub`), without a default `--today`.
    pub fn from(name: &str) -> SiteTest {
        SiteTest::from_dir(&repo_path(&format!("tests/fixtures/{name}")))
    }

    /// A copy of the site folder `dir` (for one outside `tests/fixtures/`,
    /// such as `tests/conformance/site`).
    pub fn from_dir(dir: &Path) -> SiteTest {
        assert!(dir.is_dir(), "no fixture folder {}", dir.display());
        let test = SiteTest::empty();
        files::copy_dir(dir, &test.root);
        // A build of the fixture in place (`.ci/run`'s conformance step, a
        // build by hand) leaves its kept build there: no test starts with it.
        let kept = test.root.join(".cadence");
        if kept.exists() {
            std::fs::remove_dir_all(kept).unwrap();
        }
        test
    }

    /// A copy of this repository's own site (`cadence.toml`, `releases/`,
    /// `content/`, `themes/`), without a default `--today`.
    pub fn repository() -> SiteTest {
        let test = SiteTest::empty();
        std::fs::create_dir_all(&test.root).unwrap();
        std::fs::copy(repo_path("cadence.toml"), test.root.join("cadence.toml")).unwrap();
        for folder in ["releases", "content", "themes"] {
            if repo_path(folder).is_dir() {
                files::copy_dir(&repo_path(folder), &test.root.join(folder));
            }
        }
        test
    }

    /// No site yet: [`SiteTest::root`] does not exist until something is
    /// written there (for `cadence init`, or a site written by the test).
    pub fn empty() -> SiteTest {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path().join("site");
        SiteTest {
            dir,
            root,
            today: None,
            env: Vec::new(),
            env_clear: false,
        }
    }

    /// The site folder, `<temporary folder>/site`.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `rel` inside the site.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// `rel` in the test's temporary folder, beside the site (not in it).
    pub fn beside(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The text of the site's file `rel`.
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    // ---- changes ------------------------------------------------------------

    /// Set top-level keys of the manifest `releases/<id>.yaml` (`id` is
    /// `model/channel/name`, e.g. `m/versioned/1.0.0`) from the YAML
    /// `snippet`, line by line:
    ///
    /// - The snippet is cut into entries: a line at column 0 (not blank,
    ///   not `#`, not `-`) starts one, and the lines after it that are
    ///   indented, blank, or start with `-` (an indentless list) belong to
    ///   it. Its key is the text before the first `:`, compared as written.
    /// - An entry whose key the manifest has at the top level replaces that
    ///   key's lines (its line and the lines that belong to it, by the same
    ///   rule) where they are, so other lines keep their numbers.
    /// - An entry whose key the manifest lacks is appended at the end.
    /// - A manifest that does not exist is written with the snippet alone.
    ///
    /// Nothing is parsed as YAML: a snippet may be broken on purpose. Keys
    /// are never removed (use [`SiteTest::edit`] or [`SiteTest::write`]).
    #[track_caller]
    pub fn manifest(&mut self, id: &str, snippet: &str) -> &mut Self {
        let rel = format!("releases/{id}.yaml");
        let path = self.path(&rel);
        let text = if path.exists() {
            edit::set_yaml_keys(&self.read(&rel), snippet)
        } else {
            edit::set_yaml_keys("", snippet)
        };
        self.write(&rel, text)
    }

    /// Merge the TOML `snippet` into `cadence.toml`, keeping every other
    /// byte of it (`toml_edit`): a key the file has (in the same table) gets
    /// the snippet's value where it stands (the old value's trailing comment
    /// goes with it); a key it lacks is added at the end of its table; a
    /// table it lacks is added after the tables before it. Example:
    /// `.config("[channels.versioned.schedule]\nevery = \"1 month\"")`.
    /// Both must be valid TOML; for a broken config use [`SiteTest::edit`]
    /// or [`SiteTest::write`].
    #[track_caller]
    pub fn config(&mut self, snippet: &str) -> &mut Self {
        let text = edit::merge_toml(&self.read("cadence.toml"), snippet);
        self.write("cadence.toml", text)
    }

    /// Write `bytes` to the site's file `rel`, making its folders.
    #[track_caller]
    pub fn write(&mut self, rel: &str, bytes: impl AsRef<[u8]>) -> &mut Self {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("writing {rel}: {e}"));
        self
    }

    /// Replace `from` by `to` in the site's file `rel`; `from` must be there.
    #[track_caller]
    pub fn edit(&mut self, rel: &str, from: &str, to: &str) -> &mut Self {
        let text = self.read(rel);
        assert!(text.contains(from), "`{from}` is not in {rel}:\n{text}");
        self.write(rel, text.replace(from, to))
    }

    /// Remove the site's file, link or folder `rel` (a folder with all it
    /// holds); it must be there.
    #[track_caller]
    pub fn remove(&mut self, rel: &str) -> &mut Self {
        let path = self.path(rel);
        let meta = std::fs::symlink_metadata(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
        if meta.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::remove_file(&path).unwrap();
        }
        self
    }

    /// A symbolic link at the site's `rel` to `target`, written as given (a
    /// relative target is relative to the link's folder), making folders.
    #[cfg(unix)]
    #[track_caller]
    pub fn symlink(&mut self, target: impl AsRef<Path>, rel: &str) -> &mut Self {
        let at = self.path(rel);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, &at).unwrap_or_else(|e| panic!("linking {rel}: {e}"));
        self
    }

    // ---- running ------------------------------------------------------------

    /// Run with `--today <day>` (unless a run's arguments name `--today`
    /// themselves).
    pub fn today(&mut self, day: &str) -> &mut Self {
        self.today = Some(day.to_string());
        self
    }

    /// Run without `--today`: `SOURCE_DATE_EPOCH` or the clock decide.
    pub fn no_today(&mut self) -> &mut Self {
        self.today = None;
        self
    }

    /// Set an environment variable of the runs that follow.
    pub fn env(&mut self, key: &str, value: impl AsRef<OsStr>) -> &mut Self {
        let value = value.as_ref().to_string_lossy().into_owned();
        self.env.push((key.to_string(), Some(value)));
        self
    }

    /// Remove an environment variable from the runs that follow.
    pub fn env_remove(&mut self, key: &str) -> &mut Self {
        self.env.push((key.to_string(), None));
        self
    }

    /// Start the runs from an empty environment (then `NO_COLOR=1` and
    /// what [`SiteTest::env`] sets).
    pub fn env_clear(&mut self) -> &mut Self {
        self.env_clear = true;
        self
    }

    /// The command [`SiteTest::run`] runs, to spawn it yourself (a server,
    /// a build to stop): `cadence --root <site> [--today <day>] ARGS` in the
    /// test's temporary folder, with no `SOURCE_DATE_EPOCH`, `NO_COLOR=1`,
    /// and the test's environment.
    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<S> = args.into_iter().collect();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cadence"));
        cmd.current_dir(self.dir.path());
        if self.env_clear {
            cmd.env_clear();
        }
        cmd.env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
        for (key, value) in &self.env {
            match value {
                Some(v) => cmd.env(key, v),
                None => cmd.env_remove(key),
            };
        }
        cmd.arg("--root").arg(&self.root);
        let names_today = args.iter().any(|a| a.as_ref() == "--today");
        if let Some(day) = self.today.as_ref().filter(|_| !names_today) {
            cmd.args(["--today", day]);
        }
        cmd.args(&args);
        cmd
    }

    /// Run `cadence` with `args` (see [`SiteTest::command`]) to its end,
    /// killed and failed after [`run::TIMEOUT`]; the run ended with 0, 1 or 2
    /// and printed no panic.
    #[track_caller]
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Run::of(self.command(args))
    }

    /// `check --format json`: the exit status and the report, whose shape
    /// (SPEC 5) is asserted.
    #[track_caller]
    pub fn check(&self) -> Report {
        self.run(["check", "--format", "json"]).report()
    }

    /// `build EXTRA...` into the default `<site>/public`, which must succeed;
    /// the output folder.
    #[track_caller]
    pub fn build(&self, extra: &[&str]) -> PathBuf {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        self.run(&args).success();
        self.path("public")
    }
}

/// `rel` in this repository (`CARGO_MANIFEST_DIR`).
pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}
