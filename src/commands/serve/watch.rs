//! Watching the site's sources (`cadence.toml`, `releases/`, `content/`,
//! `themes/`) with notify, debounced, ignoring editors' temporary and swap
//! files.
//!
//! Part of the commands layer.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use notify::{RecursiveMode, Watcher};

/// Whether a changed path is an editor's scratch file, not a source.
pub fn ignored(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913"
        || [
            ".swp",
            ".swx",
            ".swo",
            ".tmp",
            ".bak",
            ".crswap",
            ".kate-swp",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// What a change touches, from most to least: the config, a template or
/// static file, content pages, manifests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    pub config: bool,
    pub theme: bool,
    pub content: bool,
    /// Changed manifest files, relative to the root (`releases/m/c/1.0.0.yaml`).
    pub manifests: BTreeSet<String>,
    /// When the first event of the change arrived.
    pub since: Option<Instant>,
}

impl Change {
    pub fn is_empty(&self) -> bool {
        !self.config && !self.theme && !self.content && self.manifests.is_empty()
    }

    fn add(&mut self, root: &Path, path: &Path) {
        if ignored(path) {
            return;
        }
        let rel = crate::model::load::relative(root, path);
        if rel == crate::model::config::FILE {
            self.config = true;
        } else if rel.starts_with("themes/") {
            self.theme = true;
        } else if rel.starts_with("content/") || rel == "content" {
            self.content = true;
        } else if rel.starts_with("releases/") || rel == "releases" {
            self.manifests.insert(rel);
        }
    }
}

pub struct SourceWatcher {
    root: PathBuf,
    _watcher: notify::RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
}

impl SourceWatcher {
    pub fn new(root: &Path) -> Result<SourceWatcher> {
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(move |e| {
            let _ = tx.send(e);
        })
        .context("starting the file watcher")?;
        // Watch the root itself (not recursively) for cadence.toml and for
        // folders that appear later, and each source folder recursively.
        watcher
            .watch(root, RecursiveMode::NonRecursive)
            .with_context(|| format!("watching {}", root.display()))?;
        for dir in ["releases", "content", "themes"] {
            let path = root.join(dir);
            if path.is_dir() {
                watcher
                    .watch(&path, RecursiveMode::Recursive)
                    .with_context(|| format!("watching {}", path.display()))?;
            }
        }
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        Ok(SourceWatcher {
            root,
            _watcher: watcher,
            rx,
        })
    }

    /// Wait up to `timeout` for a change, then gather what else changes
    /// within `debounce` of it. `None` when nothing changed.
    pub fn next(&self, timeout: Duration, debounce: Duration) -> Option<Change> {
        let first = match self.rx.recv_timeout(timeout) {
            Ok(e) => e,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
        };
        let mut change = Change {
            since: Some(Instant::now()),
            ..Change::default()
        };
        let mut take = |e: notify::Result<notify::Event>| {
            if let Ok(event) = e {
                if matches!(event.kind, notify::EventKind::Access(_)) {
                    return;
                }
                for p in &event.paths {
                    let p = p.canonicalize().unwrap_or_else(|_| p.clone());
                    change.add(&self.root, &p);
                }
            }
        };
        take(first);
        while let Ok(e) = self.rx.recv_timeout(debounce) {
            take(e);
        }
        (!change.is_empty()).then_some(change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for p in [
            ".1.0.0.yaml.swp",
            "1.0.0.yaml~",
            "4913",
            "#x.md#",
            ".#x.md",
            "x.yaml.tmp",
        ] {
            assert!(ignored(Path::new(p)), "{p}");
        }
        assert!(!ignored(Path::new("1.0.0.yaml")));
    }

    #[test]
    fn classifies_changes() {
        let root = Path::new("/site");
        let mut c = Change::default();
        c.add(root, Path::new("/site/releases/m/c/1.0.0.yaml"));
        c.add(root, Path::new("/site/releases/m/c/.1.0.0.yaml.swp"));
        assert_eq!(c.manifests.len(), 1);
        assert!(!c.config && !c.theme);
        c.add(root, Path::new("/site/cadence.toml"));
        c.add(root, Path::new("/site/themes/x/templates/release.html"));
        assert!(c.config && c.theme);
    }
}
