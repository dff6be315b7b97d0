//! Reading a site from disk: `cadence.toml`, every file under `releases/`
//! and `content/`, and a look at every entry under `themes/`. Whatever
//! cannot be read becomes a finding; only a broken config or an unreadable
//! folder stops the load. Files are opened only through [`crate::model::read`]:
//! an entry that is a symbolic link out of the site, or not a regular file
//! or folder, is an `unsafe-path` finding and is never followed or read.
//!
//! Part of the model layer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::model::config::{self, Config};
use crate::model::content::{self, Page};
use crate::model::diagnostics::{Finding, Sources, for_terminal};
use crate::model::manifest::{LineFile, Manifest, Release, Skip};
use crate::model::read::{self, Kind, ReadError, Root};

mod manifest_file;

use manifest_file::read_manifest;

/// A site as read from disk, before rules and derivation.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    /// Valid releases of configured models and channels, in path order.
    pub releases: Vec<Release>,
    pub skips: Vec<Skip>,
    /// Line files (SPEC 10), in path order.
    pub lines: Vec<LineFile>,
    /// Content pages, in slug order (drafts included; `draft` says which).
    pub pages: Vec<Page>,
    /// `content/_index.md`, the home page's introduction.
    pub index: Option<Page>,
    /// Findings of reading: `yaml-syntax`, `schema`, `file-name`,
    /// `unknown-model`, `unknown-channel`, `content`, `unsafe-path`.
    pub findings: Vec<Finding>,
}

/// Why a site could not be loaded at all (exit 2).
#[derive(Debug)]
pub enum LoadError {
    /// `config` findings.
    Config(Vec<Finding>),
    Io(anyhow::Error),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Config(findings) => {
                for x in findings {
                    let (file, message) = (for_terminal(&x.file), for_terminal(&x.message));
                    writeln!(f, "{file}: {message}")?;
                }
                Ok(())
            }
            LoadError::Io(e) => write!(f, "{e:#}"),
        }
    }
}

/// Path relative to the root with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

pub fn load(root: &Path) -> Result<Site, LoadError> {
    let (config, _) = config::load(root).map_err(LoadError::Config)?;
    let reader = Root::new(root)
        .map_err(|e| LoadError::Io(anyhow::anyhow!("reading {}: {e}", root.display())))?;
    let mut site = Site {
        root: root.to_path_buf(),
        config,
        releases: Vec::new(),
        skips: Vec::new(),
        lines: Vec::new(),
        pages: Vec::new(),
        index: None,
        findings: Vec::new(),
    };
    load_releases(&mut site, &reader)?;
    load_content(&mut site, &reader)?;
    look_at_themes(&mut site, &reader);
    Ok(site)
}

/// The files and folders under a folder of the site, in path order, each
/// with its depth below it.
#[derive(Default)]
struct Walked {
    files: Vec<(PathBuf, usize)>,
    dirs: Vec<(PathBuf, usize)>,
}

/// Walk `dir`: links within the site are followed; a link out of it and
/// anything that is not a regular file or folder is an `unsafe-path`
/// finding, never followed or read. Other walking problems are findings
/// with `code`.
fn walk(
    reader: &Root,
    root: &Path,
    dir: &Path,
    code: &'static str,
    findings: &mut Vec<Finding>,
) -> Walked {
    let mut walked = Walked::default();
    let mut refused = Vec::new();
    let mut refuse = |path: &Path, what: &'static str| {
        refused.push(ReadError::Unsafe(what).finding(&relative(root, path), code, code));
    };
    // The folder itself, which walkdir would follow.
    if let Some(what) = unsafe_entry(reader, dir) {
        refuse(dir, what);
        findings.append(&mut refused);
        return walked;
    }
    let entries = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| {
            let outside = e.path_is_symlink() && reader.outside(e.path()).unwrap_or(false);
            let what = if outside {
                Some(read::LINK_OUTSIDE)
            } else {
                read::unsafe_type(e.file_type())
            };
            if let Some(what) = what {
                refuse(e.path(), what);
            }
            what.is_none()
        });
    for entry in entries {
        match entry {
            Ok(e) => {
                let hidden = e.file_name().to_string_lossy().starts_with('.');
                if hidden {
                    continue;
                }
                if e.file_type().is_file() {
                    walked.files.push((e.path().to_path_buf(), e.depth()));
                } else if e.file_type().is_dir() {
                    walked.dirs.push((e.path().to_path_buf(), e.depth()));
                }
            }
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| relative(root, dir));
                let message = if e.loop_ancestor().is_some() {
                    "a symbolic link that loops back to a folder above it; remove it".to_string()
                } else {
                    format!(
                        "cannot read: {}",
                        e.io_error()
                            .map_or_else(|| e.to_string(), |io| io.to_string())
                    )
                };
                findings.push(Finding::error(code, path, message));
            }
        }
    }
    findings.append(&mut refused);
    walked
}

/// What makes the entry at `path` unsafe to follow or read, if anything: a
/// symbolic link out of the site, or a type other than file or folder.
fn unsafe_entry(reader: &Root, path: &Path) -> Option<&'static str> {
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if link && reader.outside(path).unwrap_or(false) {
        return Some(read::LINK_OUTSIDE);
    }
    std::fs::metadata(path)
        .ok()
        .and_then(|m| read::unsafe_type(m.file_type()))
}

/// Every entry under `themes/` that is unsafe is a finding; the theme in
/// use is read later, file by file, through [`crate::model::read`].
fn look_at_themes(site: &mut Site, reader: &Root) {
    let dir = site.root.join("themes");
    if std::fs::symlink_metadata(&dir).is_err() {
        return;
    }
    let mut found = Vec::new();
    walk(reader, &site.root, &dir, "unsafe-path", &mut found);
    site.findings
        .extend(found.into_iter().filter(|f| f.code == "unsafe-path"));
}

fn load_releases(site: &mut Site, reader: &Root) -> Result<(), LoadError> {
    let dir = site.root.join("releases");
    if std::fs::symlink_metadata(&dir).is_err() {
        return Ok(());
    }
    let root = site.root.clone();
    let mut findings = Vec::new();
    let walked = walk(reader, &root, &dir, "file-name", &mut findings);
    for (path, depth) in &walked.dirs {
        if *depth >= 3 {
            findings.push(Finding::error(
                "file-name",
                relative(&root, path),
                "a folder where a manifest file belongs: manifests are files at releases/<model>/<channel>/<version>.yaml",
            ));
        }
    }
    let files = walked.files;
    let config = &site.config;

    let results: Vec<(Option<Manifest>, Vec<Finding>)> = files
        .par_iter()
        .filter(|(_, depth)| *depth < 4)
        .map(|(path, depth)| read_manifest(reader, &root, config, path, *depth))
        .collect();
    for (path, depth) in &files {
        if *depth >= 4 {
            findings.push(Finding::error(
                "file-name",
                relative(&root, path),
                "manifests live at releases/<model>/<channel>/<version>.yaml, not deeper",
            ));
        }
    }
    for (manifest, mut found) in results {
        findings.append(&mut found);
        match manifest {
            Some(Manifest::Release(r)) => site.releases.push(r),
            Some(Manifest::Skip(s)) => site.skips.push(s),
            Some(Manifest::Line(l)) => site.lines.push(l),
            None => {}
        }
    }
    site.findings.append(&mut findings);
    // Path order, as strings, which the rules use to break ties.
    site.releases.sort_by(|a, b| a.file.cmp(&b.file));
    site.skips.sort_by(|a, b| a.file.cmp(&b.file));
    site.lines.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(())
}

/// Re-read the manifests at `changed` (paths relative to the root, files or
/// folders under `releases/`, present or deleted) into an already loaded
/// site, for `cadence serve`: everything else stays as it was read.
pub fn reload_manifests(site: &mut Site, changed: &std::collections::BTreeSet<String>) {
    let touched = |file: &str| {
        changed.iter().any(|c| {
            file == c
                || file
                    .strip_prefix(c.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        })
    };
    site.releases.retain(|r| !touched(&r.file));
    site.skips.retain(|s| !touched(&s.file));
    site.lines.retain(|l| !touched(&l.file));
    site.findings
        .retain(|f| !(f.file.starts_with("releases/") && touched(&f.file)));
    let root = site.root.clone();
    let Ok(reader) = Root::new(&root) else {
        return;
    };
    let releases_dir = root.join("releases");
    let mut files = Vec::new();
    for rel in changed {
        let path = root.join(rel);
        if let Some(what) = unsafe_entry(&reader, &path) {
            let f = ReadError::Unsafe(what).finding(rel, "file-name", "file-name");
            site.findings.push(f);
        } else if path.is_dir() {
            let walked = walk(&reader, &root, &path, "file-name", &mut site.findings);
            files.extend(walked.files.into_iter().map(|(p, _)| p));
        } else if std::fs::symlink_metadata(&path).is_ok() {
            files.push(path);
        }
    }
    files.sort();
    files.dedup();
    let results: Vec<(Option<Manifest>, Vec<Finding>)> = files
        .par_iter()
        .map(|path| {
            let depth = path
                .strip_prefix(&releases_dir)
                .map_or(0, |p| p.components().count());
            read_manifest(&reader, &root, &site.config, path, depth)
        })
        .collect();
    for (manifest, mut found) in results {
        site.findings.append(&mut found);
        match manifest {
            Some(Manifest::Release(r)) => site.releases.push(r),
            Some(Manifest::Skip(s)) => site.skips.push(s),
            Some(Manifest::Line(l)) => site.lines.push(l),
            None => {}
        }
    }
    // Keep path order, which the rules use to break ties.
    site.releases.sort_by(|a, b| a.file.cmp(&b.file));
    site.skips.sort_by(|a, b| a.file.cmp(&b.file));
    site.lines.sort_by(|a, b| a.file.cmp(&b.file));
}

/// Re-read every content page of an already loaded site (for `cadence serve`).
pub fn reload_content(site: &mut Site) {
    site.pages.clear();
    site.index = None;
    site.findings.retain(|f| !f.file.starts_with("content/"));
    if let Ok(reader) = Root::new(&site.root) {
        let _ = load_content(site, &reader);
    }
}

fn load_content(site: &mut Site, reader: &Root) -> Result<(), LoadError> {
    let dir = site.root.join("content");
    if std::fs::symlink_metadata(&dir).is_err() {
        return Ok(());
    }
    let root = site.root.clone();
    let mut findings = Vec::new();
    let files = walk(reader, &root, &dir, "content", &mut findings).files;
    let mut pages = BTreeMap::new();
    for (path, depth) in files {
        let file = relative(&root, &path);
        let Some(slug) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".md"))
        else {
            // Images and other assets beside pages are copied by the build,
            // not read here; one too large to copy is said now.
            let limit = Kind::Asset.limit();
            if std::fs::metadata(&path).is_ok_and(|m| m.len() > limit) {
                findings.push(ReadError::TooLarge { limit }.finding(&file, "content", "content"));
            }
            continue;
        };
        if depth != 1 {
            findings.push(Finding::error(
                "content",
                file,
                "content pages live directly in content/ as <slug>.md",
            ));
            continue;
        }
        let text = match reader.read_text(&path, Kind::Content) {
            Ok(t) => t,
            Err(e) => {
                findings.push(e.finding(&file, "content", "content"));
                continue;
            }
        };
        if slug != "_index" {
            if !config::valid_name(slug) {
                findings.push(Finding::error(
                    "content",
                    file.clone(),
                    format!("slug `{slug}` must be lowercase letters, digits and `-`"),
                ));
                continue;
            }
            let clash = if config::RESERVED.contains(&slug) {
                Some("a reserved path of the site")
            } else if site.config.models.contains_key(slug) {
                Some("a model id")
            } else if site.config.channels.contains_key(slug) {
                Some("a channel name")
            } else {
                None
            };
            if let Some(what) = clash {
                findings.push(
                    Finding::error(
                        "content",
                        file.clone(),
                        format!("the page `{slug}` would collide with {what}"),
                    )
                    .help("rename the file"),
                );
                continue;
            }
        }
        match content::parse(&file, slug, &text) {
            Ok(page) if slug == "_index" => site.index = Some(page),
            Ok(page) => {
                pages.insert(page.slug.clone(), page);
            }
            Err(mut f) => findings.append(&mut f),
        }
    }
    site.pages = pages.into_values().collect();
    site.findings.append(&mut findings);
    Ok(())
}

/// The text of every file that a finding points into a line of, read as
/// any site file is (a file that is refused now is not shown). A NUL byte
/// is kept: the diagnostics show it escaped, under its caret.
pub fn sources_for(root: &Path, findings: &[Finding]) -> Sources {
    let mut sources = Sources::new();
    let Ok(reader) = Root::new(root) else {
        return sources;
    };
    for f in findings.iter().filter(|f| f.line.is_some()) {
        if !sources.contains_key(&f.file)
            && let Ok(bytes) = reader.read(&root.join(&f.file), Kind::of(&f.file))
            && let Ok(text) = String::from_utf8(bytes)
        {
            sources.insert(f.file.clone(), text);
        }
    }
    sources
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A copy of the `_good` rule fixture in a temporary folder.
    fn good_site() -> tempfile::TempDir {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/_good");
        let dir = tempfile::tempdir().unwrap();
        for e in walkdir::WalkDir::new(&from).min_depth(1) {
            let e = e.unwrap();
            let to = dir.path().join(e.path().strip_prefix(&from).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(e.path(), &to).unwrap();
            }
        }
        dir
    }

    #[test]
    fn a_reload_refuses_what_a_load_refuses() {
        let dir = good_site();
        let mut site = load(dir.path()).unwrap();
        assert!(site.findings.is_empty(), "{:?}", site.findings);
        let stream = dir.path().join("releases/m/stream");
        let fifo = std::ffi::CString::new(stream.join("x.txt").to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates a node.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), stream.join("more")).unwrap();
        std::fs::write(outside.path().join("secret.yaml"), "version: x\n").unwrap();
        let secret = outside.path().join("secret.yaml");
        std::os::unix::fs::symlink(secret, stream.join("2024-05-09.yaml")).unwrap();
        let changed = ["x.txt", "more", "2024-05-09.yaml"]
            .map(|f| format!("releases/m/stream/{f}"))
            .into_iter()
            .collect();
        reload_manifests(&mut site, &changed);
        let mut found: Vec<(&str, &str)> = site
            .findings
            .iter()
            .map(|f| (f.code, f.file.as_str()))
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                ("unsafe-path", "releases/m/stream/2024-05-09.yaml"),
                ("unsafe-path", "releases/m/stream/more"),
                ("unsafe-path", "releases/m/stream/x.txt"),
            ]
        );
    }
}
