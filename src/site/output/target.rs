//! The folder `--out` names, resolved and judged before anything is
//! touched: it may not be the site root, a folder that contains it, or a
//! folder inside the site's sources (`releases/`, `content/`, `themes/`),
//! its cache (`.cadence/`) or its repository (`.git/`), whatever marker
//! files are there (SPEC 7); and a folder that is there must be empty or
//! cadence's own.
//!
//! Part of the site layer.

use std::path::{Component, Path, PathBuf};

use anyhow::anyhow;

use super::{MARKER, WriteError};

/// The folders of a site that no build may write into or replace.
const SOURCES: [&str; 5] = ["releases", "content", "themes", ".cadence", ".git"];

/// Where a build goes: `parent/name`, `parent` with every symbolic link
/// and `..` resolved.
#[derive(Debug, Clone)]
pub struct Target {
    /// The site root, resolved.
    pub(super) root: PathBuf,
    pub(super) parent: PathBuf,
    pub(super) name: String,
}

impl Target {
    /// Resolve `out` (relative to the site root `root` unless absolute)
    /// and refuse it when a build may not replace it.
    pub fn resolve(root: &Path, out: &Path) -> Result<Target, WriteError> {
        let site = std::fs::canonicalize(root).map_err(|e| {
            WriteError::Io(anyhow!(e).context(format!("reading the site root {}", root.display())))
        })?;
        let given = if out.is_absolute() {
            out.to_path_buf()
        } else {
            root.join(out)
        };
        let resolved = resolve(&given);
        if let Some(why) = forbidden(&site, &resolved) {
            return Err(WriteError::Refused(format!(
                "refusing to build into {} (--out {}): {why}. cadence replaces the whole \
                 --out folder on every build; choose a folder of its own, such as public/",
                resolved.display(),
                out.display()
            )));
        }
        let (Some(name), Some(parent)) = (resolved.file_name(), resolved.parent()) else {
            return Err(WriteError::Refused(format!(
                "refusing to build into {} (--out {}): it is not a folder name; give a folder \
                 of its own, such as public/",
                resolved.display(),
                out.display()
            )));
        };
        if std::fs::symlink_metadata(&given).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(WriteError::Refused(format!(
                "refusing to build into --out {}: it is a symbolic link, and cadence replaces \
                 the folder --out names, not what a link points to; give the folder's own path",
                out.display()
            )));
        }
        let target = Target {
            root: site,
            parent: parent.to_path_buf(),
            name: name.to_string_lossy().into_owned(),
        };
        target.check()?;
        Ok(target)
    }

    /// The output folder.
    pub fn path(&self) -> PathBuf {
        self.parent.join(&self.name)
    }

    /// Whether the folder may be replaced: it is missing, empty, or has
    /// cadence's marker.
    pub(super) fn check(&self) -> Result<(), WriteError> {
        let target = self.path();
        match std::fs::symlink_metadata(&target) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(WriteError::Io(
                anyhow!(e).context(format!("reading {}", target.display())),
            )),
            Ok(meta) if !meta.is_dir() => Err(WriteError::Refused(format!(
                "{} exists and is not a folder; refusing to replace it (choose another --out)",
                target.display()
            ))),
            Ok(_) => {
                if target.join(MARKER).is_file() {
                    return Ok(());
                }
                let mut entries = std::fs::read_dir(&target).map_err(|e| {
                    WriteError::Io(anyhow!(e).context(format!("reading {}", target.display())))
                })?;
                if entries.next().is_none() {
                    Ok(())
                } else {
                    Err(WriteError::Refused(format!(
                        "{} is not empty and was not written by cadence (it has no {MARKER} \
                         file); refusing to replace it: empty or remove it, or choose another \
                         --out",
                        target.display()
                    )))
                }
            }
        }
    }
}

/// `path` with every symbolic link and `..` resolved, also when its end
/// does not exist yet: the longest part that exists is resolved by the
/// system, and the rest (which holds no link, since it is not there)
/// appended part by part.
fn resolve(path: &Path) -> PathBuf {
    for base in path.ancestors() {
        let Ok(mut resolved) = std::fs::canonicalize(base) else {
            continue;
        };
        let rest = path.strip_prefix(base).unwrap_or(Path::new(""));
        for part in rest.components() {
            match part {
                Component::ParentDir => {
                    resolved.pop();
                }
                Component::Normal(p) => resolved.push(p),
                _ => {}
            }
        }
        return resolved;
    }
    path.to_path_buf()
}

/// Why a build may not replace `out` in the site at `site` (both
/// resolved), if it may not.
fn forbidden(site: &Path, out: &Path) -> Option<String> {
    if out == site {
        return Some("it is the site root".into());
    }
    if site.starts_with(out) {
        return Some(format!("it contains the site root {}", site.display()));
    }
    for name in SOURCES {
        let folder = site.join(name);
        // The folder where it is, and where it leads when it is a link.
        let real = std::fs::canonicalize(&folder).ok();
        if out.starts_with(&folder) || real.as_ref().is_some_and(|r| out.starts_with(r)) {
            return Some(format!("it is the site's {name}/ folder or inside it"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(root: &Path, out: &str) -> String {
        match Target::resolve(root, Path::new(out)) {
            Err(WriteError::Refused(msg)) => msg,
            other => panic!("--out {out} was not refused: {other:?}"),
        }
    }

    #[test]
    fn the_sources_and_what_holds_them_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("releases/m")).unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        for dir in [&root, &root.join("releases"), &root.join("content")] {
            std::fs::write(dir.join(MARKER), "planted").unwrap();
        }
        assert!(refused(&root, ".").contains("it is the site root"));
        assert!(refused(&root, "..").contains("contains the site root"));
        assert!(refused(&root, "/").contains("contains the site root"));
        for out in [
            "releases",
            "releases/m",
            "releases/new/x",
            "content",
            "themes/x",
        ] {
            assert!(refused(&root, out).contains("folder or inside it"), "{out}");
        }
        assert!(refused(&root, ".cadence/build").contains(".cadence/"));
        assert!(refused(&root, "x/../releases").contains("releases/"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&root, tmp.path().join("link")).unwrap();
            let link = tmp.path().join("link");
            assert!(refused(&root, link.to_str().unwrap()).contains("site root"));
            let inside = link.join("content/new");
            assert!(refused(&root, inside.to_str().unwrap()).contains("content/"));
        }
    }

    #[test]
    fn a_folder_of_its_own_is_resolved() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        let real = std::fs::canonicalize(&root).unwrap();
        let t = Target::resolve(&root, Path::new("public")).unwrap();
        assert_eq!(t.path(), real.join("public"));
        let t = Target::resolve(&root, Path::new("a/../releases-site")).unwrap();
        assert_eq!(t.path(), real.join("releases-site"));
        let t = Target::resolve(&root, Path::new("../out")).unwrap();
        assert_eq!(t.name, "out");
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_to_a_folder_elsewhere_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(tmp.path().join("www")).unwrap();
        std::fs::create_dir_all(&root).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("www"), root.join("public")).unwrap();
        assert!(refused(&root, "public").contains("symbolic link"));
    }
}
