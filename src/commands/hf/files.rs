//! What the Hub says of files: a `paths-info` answer, read and checked
//! ([`read_paths_info`]), and a file's sha256 computed while it downloads
//! ([`Hasher`], a [`Sink`] of the one request path).
//!
//! Part of the commands layer.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::commands::hf::http::Sink;

/// One entry of a `paths-info` answer, checked: what the Hub says a path at
/// a revision is. The answer is a list of `{"type", "path", "size", "oid",
/// "lfs": {"oid", "size", "pointerSize"}}` (as `huggingface_hub`'s
/// `get_paths_info` reads it into `RepoFile`, `lfs.oid` becoming
/// `BlobLfsInfo.sha256`); a path that does not exist is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathInfo {
    pub path: String,
    /// `file`, or `directory` (anything else is not a file either).
    pub kind: String,
    /// Bytes of the file (the real file for LFS, not its pointer).
    pub size: u64,
    /// An LFS file's sha256 (`lfs.oid`), lower-case hex; `None` for a file
    /// stored in git, whose `oid` is a git blob id, not a sha256.
    pub sha256: Option<String>,
}

impl PathInfo {
    pub fn is_file(&self) -> bool {
        self.kind == "file"
    }
}

#[derive(Deserialize)]
struct RawPath {
    #[serde(rename = "type")]
    kind: String,
    path: String,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    lfs: Option<RawLfs>,
}

#[derive(Deserialize)]
struct RawLfs {
    oid: String,
    #[serde(default)]
    size: Option<u64>,
}

/// Read a `paths-info` answer; anything that is not its shape (a size
/// that is not a whole number, an `lfs.oid` that is not a sha256, LFS and
/// file sizes that disagree) is refused with what is wrong.
pub fn read_paths_info(body: &[u8]) -> Result<Vec<PathInfo>, String> {
    let raw: Vec<RawPath> = serde_json::from_slice(body)
        .map_err(|e| format!("the paths-info answer is not the expected JSON list ({e})"))?;
    let mut out = Vec::with_capacity(raw.len());
    for entry in raw {
        let file = entry.kind == "file";
        let size = match (entry.size, file) {
            (Some(n), _) => n,
            (None, false) => 0,
            (None, true) => return Err("a file in the paths-info answer has no size".into()),
        };
        let sha256 = match entry.lfs {
            None => None,
            Some(lfs) => {
                let oid = lfs.oid.to_ascii_lowercase();
                if oid.len() != 64 || !oid.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err("an `lfs.oid` in the paths-info answer is not a sha256".into());
                }
                if lfs.size.is_some_and(|n| n != size) {
                    return Err(
                        "a file's `size` and `lfs.size` in the paths-info answer differ".into(),
                    );
                }
                Some(oid)
            }
        };
        out.push(PathInfo {
            path: entry.path,
            kind: entry.kind,
            size,
            sha256,
        });
    }
    Ok(out)
}

/// What a downloaded file hashed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hashed {
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
}

/// A sha256 computed as the bytes arrive.
#[derive(Default)]
pub(crate) struct Hasher {
    digest: Sha256,
    size: u64,
}

impl Hasher {
    pub(crate) fn finish(self) -> Hashed {
        Hashed {
            size: self.size,
            sha256: format!("{:x}", self.digest.finalize()),
        }
    }
}

impl Sink for Hasher {
    fn restart(&mut self) {
        *self = Hasher::default();
    }
    fn write(&mut self, bytes: &[u8]) {
        self.digest.update(bytes);
        self.size += bytes.len() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_info_as_the_hub_sends_it() {
        let sha = "6adeaad8c048b35ea54562c55e454cc32c63118a32c7b8152cf706b290611487";
        let body = format!(
            r#"[{{"type":"file","oid":"a4b1c2","size":4080218931,"lfs":{{"oid":"{}","size":4080218931,"pointerSize":135}},"path":"m-Q4_K_M.gguf"}},
               {{"type":"file","oid":"f84cb4","size":2379,"path":"README.md"}},
               {{"type":"directory","oid":"dc943c","size":0,"path":"en"}}]"#,
            sha.to_uppercase()
        );
        let info = read_paths_info(body.as_bytes()).unwrap();
        assert_eq!(info.len(), 3);
        assert_eq!(info[0].size, 4080218931);
        assert_eq!(info[0].sha256.as_deref(), Some(sha));
        assert!(info[1].is_file() && info[1].sha256.is_none());
        assert!(!info[2].is_file());
        assert_eq!(read_paths_info(b"[]").unwrap(), vec![]);
    }

    #[test]
    fn a_paths_info_answer_of_another_shape_is_refused() {
        for body in [
            r#"{"error":"x"}"#,
            r#"[{"type":"file","path":"a","size":-1}]"#,
            r#"[{"type":"file","path":"a"}]"#,
            r#"[{"type":"file","path":"a","size":1,"lfs":{"oid":"abc
revision: x","size":1}}]"#,
            r#"[{"type":"file","path":"a","size":1,"lfs":{"oid":"0000000000000000000000000000000000000000000000000000000000000000","size":2}}]"#,
        ] {
            assert!(read_paths_info(body.as_bytes()).is_err(), "{body}");
        }
    }
}
