//! Opening the site's input files. [`Root::read`] is the one function that
//! opens a file of the site: manifests, `cadence.toml`, content pages and
//! their assets, theme files, and the re-read of a file whose line a
//! finding echoes. A manifest is content from a pull request, read in CI
//! next to a token, so a file is read only when it is a regular file whose
//! real path is inside the site (a symbolic link to `/proc/self/environ` or
//! `/etc/passwd` is refused before it is opened), its size is capped before
//! a byte is read, and text holding a NUL byte is refused, never read as
//! shorter than it is.
//!
//! The caps, chosen well above any real file of each kind:
//!
//! | kind | cap | why |
//! |---|---|---|
//! | manifest | 1 MiB | SPEC 5; real manifests are a few KB |
//! | `cadence.toml` | 1 MiB | a config of hundreds of models is tens of KB |
//! | content page | 4 MiB | a long page of markdown is a few hundred KB |
//! | theme file | 16 MiB | templates, stylesheets, fonts and images |
//! | content asset | 64 MiB | images and documents published beside pages |
//!
//! Part of the model layer.

use std::collections::HashMap;
use std::fs::{File, FileType, Metadata};
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::model::diagnostics::Finding;
use crate::model::yaml::Pos;

const MIB: u64 = 1 << 20;

/// What a file is read as; each kind has its size cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Config,
    Manifest,
    Content,
    Theme,
    Asset,
}

impl Kind {
    /// The most bytes a file of this kind may hold.
    pub const fn limit(self) -> u64 {
        match self {
            Kind::Config | Kind::Manifest => MIB,
            Kind::Content => 4 * MIB,
            Kind::Theme => 16 * MIB,
            Kind::Asset => 64 * MIB,
        }
    }

    /// The kind of a text file by its path relative to the site root.
    pub fn of(rel: &str) -> Kind {
        if rel.starts_with("releases/") {
            Kind::Manifest
        } else if rel.starts_with("content/") {
            Kind::Content
        } else if rel.starts_with("themes/") {
            Kind::Theme
        } else {
            Kind::Config
        }
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// `unsafe-path`: never opened. Says what the entry is, to follow "is".
    Unsafe(&'static str),
    /// Larger than the cap of its kind: never read.
    TooLarge {
        limit: u64,
    },
    /// Text holding a NUL byte, at that byte.
    Nul(Pos),
    /// Text that is not UTF-8, at the first bad byte.
    NotUtf8(Pos),
    Io(io::Error),
}

impl ReadError {
    /// What is wrong, for a finding or an error message.
    pub fn message(&self) -> String {
        match self {
            ReadError::Unsafe(what) => format!("the entry is {what}, so it is never read"),
            ReadError::TooLarge { limit } => format!(
                "the file is too large: more than {} MiB; it is not read",
                limit / MIB
            ),
            ReadError::Nul(_) => "the file holds a NUL byte; text files may not".into(),
            ReadError::NotUtf8(_) => "the file is not UTF-8 text".into(),
            ReadError::Io(e) => format!("cannot read: {e}"),
        }
    }

    /// Where in the file, if anywhere.
    pub fn pos(&self) -> Option<Pos> {
        match self {
            ReadError::Nul(p) | ReadError::NotUtf8(p) => Some(*p),
            _ => None,
        }
    }

    /// The finding for `file`: `unsafe-path` for an unsafe entry, `size`
    /// for one too large, else `text` (a NUL, not UTF-8, unreadable).
    pub fn finding(&self, file: &str, text: &'static str, size: &'static str) -> Finding {
        let code = match self {
            ReadError::Unsafe(_) => "unsafe-path",
            ReadError::TooLarge { .. } => size,
            _ => text,
        };
        let mut f = Finding::error(code, file, self.message()).at(self.pos());
        match self {
            ReadError::Unsafe(_) => {
                f = f.help(
                    "replace it with a regular file (or folder) inside the site, or remove it",
                );
            }
            ReadError::TooLarge { .. } => f = f.help("split it, or move the bulk elsewhere"),
            ReadError::Nul(_) => f = f.help("remove the NUL byte"),
            _ => {}
        }
        f
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ReadError {}

/// What an entry of a type other than file or folder is, or `None` for a
/// regular file or folder.
pub fn unsafe_type(ft: FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if ft.is_fifo() {
            return Some("a FIFO (named pipe), not a regular file");
        }
        if ft.is_socket() {
            return Some("a socket, not a regular file");
        }
        if ft.is_block_device() || ft.is_char_device() {
            return Some("a device, not a regular file");
        }
    }
    if ft.is_file() || ft.is_dir() {
        None
    } else {
        Some("not a regular file or folder")
    }
}

/// The message of a symbolic link that resolves outside the site.
pub const LINK_OUTSIDE: &str = "a symbolic link that resolves outside the site";

/// A folder that files are read from, and nothing outside it: the site
/// root (or, for a theme, its folder).
pub struct Root {
    canonical: PathBuf,
    /// Real paths of the folders files were read from: files share them.
    dirs: Mutex<HashMap<PathBuf, PathBuf>>,
}

impl Root {
    pub fn new(root: &Path) -> io::Result<Root> {
        Ok(Root {
            canonical: std::fs::canonicalize(root)?,
            dirs: Mutex::new(HashMap::new()),
        })
    }

    /// Whether `path` (which exists) resolves outside the root.
    pub fn outside(&self, path: &Path) -> io::Result<bool> {
        Ok(!std::fs::canonicalize(path)?.starts_with(&self.canonical))
    }

    /// The real path of `path` and the metadata of what it names, checked
    /// to be a regular file inside the root. Nothing is opened.
    fn resolve(&self, path: &Path) -> Result<(PathBuf, Metadata), ReadError> {
        let meta = std::fs::symlink_metadata(path).map_err(ReadError::Io)?;
        let (real, meta) = if meta.file_type().is_symlink() {
            let real = std::fs::canonicalize(path).map_err(ReadError::Io)?;
            let meta = std::fs::metadata(&real).map_err(ReadError::Io)?;
            (real, meta)
        } else {
            let parent = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path.file_name().ok_or_else(|| {
                ReadError::Io(io::Error::new(io::ErrorKind::InvalidInput, "not a file"))
            })?;
            (self.real_dir(parent)?.join(name), meta)
        };
        if !real.starts_with(&self.canonical) {
            return Err(ReadError::Unsafe(LINK_OUTSIDE));
        }
        if meta.is_dir() {
            return Err(ReadError::Io(io::Error::other("a folder, not a file")));
        }
        if let Some(what) = unsafe_type(meta.file_type()) {
            return Err(ReadError::Unsafe(what));
        }
        Ok((real, meta))
    }

    fn real_dir(&self, dir: &Path) -> Result<PathBuf, ReadError> {
        let mut dirs = self.dirs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(real) = dirs.get(dir) {
            return Ok(real.clone());
        }
        let real = std::fs::canonicalize(dir).map_err(ReadError::Io)?;
        dirs.insert(dir.to_path_buf(), real.clone());
        Ok(real)
    }

    /// The bytes of the file at `path`: a regular file inside the root, of
    /// at most `kind`'s cap. This is the one place cadence opens a file of
    /// the site.
    pub fn read(&self, path: &Path, kind: Kind) -> Result<Vec<u8>, ReadError> {
        let limit = kind.limit();
        let (real, meta) = self.resolve(path)?;
        if meta.len() > limit {
            return Err(ReadError::TooLarge { limit });
        }
        // Checked above; opened without following a link and without
        // waiting (a FIFO put there since would otherwise block), then the
        // handle itself is checked again.
        let mut options = std::fs::OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        }
        let file: File = options.open(&real).map_err(ReadError::Io)?;
        let meta = file.metadata().map_err(ReadError::Io)?;
        if let Some(what) = unsafe_type(meta.file_type()) {
            return Err(ReadError::Unsafe(what));
        }
        if meta.len() > limit {
            return Err(ReadError::TooLarge { limit });
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(ReadError::Io)?;
        if bytes.len() as u64 > limit {
            return Err(ReadError::TooLarge { limit });
        }
        Ok(bytes)
    }

    /// [`Root::read`] as text: UTF-8 without a NUL byte.
    pub fn read_text(&self, path: &Path, kind: Kind) -> Result<String, ReadError> {
        text(self.read(path, kind)?)
    }
}

/// Read one file of the folder `root` (see [`Root::read`]).
pub fn read(root: &Path, path: &Path, kind: Kind) -> Result<Vec<u8>, ReadError> {
    Root::new(root).map_err(ReadError::Io)?.read(path, kind)
}

/// Read one text file of the folder `root` (see [`Root::read_text`]).
pub fn read_text(root: &Path, path: &Path, kind: Kind) -> Result<String, ReadError> {
    text(read(root, path, kind)?)
}

/// `bytes` as text: UTF-8 holding no NUL, else where the first fault is.
pub fn text(bytes: Vec<u8>) -> Result<String, ReadError> {
    let (valid, bad) = match String::from_utf8(bytes) {
        Ok(text) => {
            return match text.find('\0') {
                Some(nul) => Err(ReadError::Nul(position(&text, nul))),
                None => Ok(text),
            };
        }
        Err(e) => {
            let n = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(n);
            (String::from_utf8(bytes).expect("valid up to here"), n)
        }
    };
    // The fault the text meets first.
    match valid.find('\0') {
        Some(nul) => Err(ReadError::Nul(position(&valid, nul))),
        None => Err(ReadError::NotUtf8(position(&valid, bad))),
    }
}

/// The 1-based line and column (in characters) of a byte offset.
pub fn position(text: &str, offset: usize) -> Pos {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Pos::new(line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_finds_the_first_nul_or_bad_byte() {
        assert_eq!(text(b"a\nb".to_vec()).unwrap(), "a\nb");
        assert!(matches!(
            text(b"ab\ncd\0e".to_vec()),
            Err(ReadError::Nul(p)) if p == Pos::new(2, 3)
        ));
        assert!(matches!(
            text(b"\xc3\xa9\xff\0".to_vec()),
            Err(ReadError::NotUtf8(p)) if p == Pos::new(1, 2)
        ));
        assert!(matches!(
            text(b"\0\xff".to_vec()),
            Err(ReadError::Nul(p)) if p == Pos::new(1, 1)
        ));
    }

    #[test]
    fn kinds_by_path() {
        assert_eq!(Kind::of("releases/m/c/1.0.0.yaml"), Kind::Manifest);
        assert_eq!(Kind::of("content/about.md"), Kind::Content);
        assert_eq!(Kind::of("themes/t/templates/base.html"), Kind::Theme);
        assert_eq!(Kind::of("cadence.toml"), Kind::Config);
        assert_eq!(Kind::Manifest.limit(), 1 << 20);
    }

    #[cfg(unix)]
    #[test]
    fn reads_only_regular_files_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("a")).unwrap();
        std::fs::write(site.join("a/in.txt"), "in").unwrap();
        std::fs::write(dir.path().join("out.txt"), "out").unwrap();
        std::os::unix::fs::symlink("../../out.txt", site.join("a/link.txt")).unwrap();
        std::os::unix::fs::symlink("in.txt", site.join("a/ok.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), site.join("up")).unwrap();
        let root = Root::new(&site).unwrap();
        assert_eq!(
            root.read(&site.join("a/in.txt"), Kind::Config).unwrap(),
            b"in"
        );
        assert_eq!(
            root.read(&site.join("a/ok.txt"), Kind::Config).unwrap(),
            b"in"
        );
        for bad in ["a/link.txt", "up/out.txt"] {
            assert!(
                matches!(
                    root.read(&site.join(bad), Kind::Config),
                    Err(ReadError::Unsafe(_))
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            root.read(&site.join("a"), Kind::Config),
            Err(ReadError::Io(_))
        ));
        std::fs::write(site.join("big"), vec![b'x'; (MIB + 1) as usize]).unwrap();
        assert!(matches!(
            root.read(&site.join("big"), Kind::Manifest),
            Err(ReadError::TooLarge { .. })
        ));
        assert!(root.read(&site.join("big"), Kind::Content).is_ok());
    }
}
