//! The files of the fake Hub, for the verify tests: a [`FakeFile`] per
//! path and commit, `GET /<repo>/resolve/<rev>/<file>` and
//! `POST paths-info/<rev>` answered as the Hub answers them.

use std::collections::BTreeMap;

use serde_json::json;

use super::{Answer, Repo, State, decode, error, ok};

/// A file of a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeFile {
    pub content: String,
    /// Stored with LFS: paths-info gives its sha256 as `lfs.oid`.
    pub lfs: bool,
    /// The size paths-info says, when not the content's (a big file that
    /// is never downloaded, or a Hub that lies).
    pub size: Option<u64>,
    /// The `lfs.oid` paths-info says, when not the content's sha256.
    pub oid: Option<String>,
}

impl FakeFile {
    /// A file stored with LFS.
    pub fn lfs(content: &str) -> FakeFile {
        FakeFile {
            content: content.into(),
            lfs: true,
            size: None,
            oid: None,
        }
    }

    /// A file stored in git, without LFS.
    pub fn git(content: &str) -> FakeFile {
        FakeFile {
            lfs: false,
            ..FakeFile::lfs(content)
        }
    }

    /// The size paths-info reports.
    pub fn size(&self) -> u64 {
        self.size.unwrap_or(self.content.len() as u64)
    }

    /// The sha256 of the content, lower-case hex.
    pub fn sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        format!("{:x}", Sha256::digest(self.content.as_bytes()))
    }
}

/// `GET /<org>/<name>/resolve/<rev>/<file...>`: the file's bytes.
pub(super) fn resolve(st: &State, path: &str, auth: Option<&str>) -> Option<Answer> {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if parts.len() < 5 || parts[2] != "resolve" {
        return None;
    }
    if auth.is_some() && auth != Some(format!("Bearer {}", st.token).as_str()) {
        return Some(error(
            401,
            None,
            "Invalid credentials in Authorization header",
        ));
    }
    let repo_id = format!("{}/{}", decode(parts[0]), decode(parts[1]));
    let Some(repo) = st.repos.get(&repo_id) else {
        return Some(error(404, Some("RepoNotFound"), "Repository not found"));
    };
    let rev = decode(parts[3]);
    let Some(sha) = repo.resolve(&rev) else {
        return Some(error(
            404,
            Some("RevisionNotFound"),
            &format!("Invalid rev id: {rev}"),
        ));
    };
    let file = parts[4..]
        .iter()
        .map(|p| decode(p))
        .collect::<Vec<_>>()
        .join("/");
    match repo.files.get(&sha).and_then(|f| f.get(&file)) {
        Some(f) => Some((200, vec![], f.content.clone())),
        None => Some(error(404, Some("EntryNotFound"), "Entry not found")),
    }
}

/// `POST paths-info/<rev>` with a form body: what the repo has of each path
/// asked, as the Hub answers it.
pub(super) fn paths_info(repo: &Repo, rev: &str, body: &str) -> Answer {
    let Some(sha) = repo.resolve(rev) else {
        return error(
            404,
            Some("RevisionNotFound"),
            &format!("Invalid rev id: {rev}"),
        );
    };
    let empty = BTreeMap::new();
    let files = repo.files.get(&sha).unwrap_or(&empty);
    let mut out = Vec::new();
    for (key, path) in url::form_urlencoded::parse(body.as_bytes()) {
        if key != "paths" {
            continue;
        }
        let path = path.into_owned();
        if let Some(f) = files.get(&path) {
            let mut entry = json!({
                "type": "file",
                "oid": "0123456789abcdef0123456789abcdef01234567",
                "size": f.size(),
                "path": path,
            });
            if f.lfs {
                entry["lfs"] = json!({
                    "oid": f.oid.clone().unwrap_or_else(|| f.sha256()),
                    "size": f.size(),
                    "pointerSize": 134,
                });
            }
            out.push(entry);
        } else if files.keys().any(|k| k.starts_with(&format!("{path}/"))) {
            out.push(json!({ "type": "directory", "oid": "0000", "size": 0, "path": path }));
        }
    }
    ok(json!(out))
}
