//! A small blocking client for the Hub's refs and tags API, and the reads
//! `cadence verify` makes: a revision's commit, `paths-info`, and a file
//! hashed while it downloads.
//!
//! Each call builds a [`Request`] (URL with percent-encoded segments, body,
//! what it is doing) and sends it through [`Http::send`], the one request
//! path, which owns redirects, timeouts, the retry budget, the size cap and
//! where the token goes (see [`crate::commands::hf::http`]). This module turns the
//! answer's status, `X-Error-Code` and message into a [`HubError`] that says
//! what to do, depending on what the call was for. The token is sent as
//! `Authorization: Bearer` (also on reads) and is never part of an error, a
//! notice or `Debug` output.
//!
//! Part of the commands layer.

use std::fmt;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use serde::Deserialize;

use crate::commands::hf::endpoint::Endpoint;
use crate::commands::hf::error::HubError;
use crate::commands::hf::files::{Hashed, Hasher, PathInfo, read_paths_info};
use crate::commands::hf::http::{Answer, Body, Http, Request};
pub use crate::commands::hf::http::{Notice, Settings, parse_retry_after};

/// Characters left as they are in a path segment: what Python's
/// `quote(s, safe="")` leaves, so `/` becomes `%2F`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encode one path segment (a revision or a tag).
pub fn encode_segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// The repo id as a path: each part encoded, the `/` between them kept.
/// A file path in a repo is encoded the same way.
pub fn encode_repo(repo: &str) -> String {
    repo.split('/')
        .map(encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a string is a full commit id, 40 hex digits.
pub use crate::model::manifest::is_commit;

/// One ref of a repo, as the Hub lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GitRef {
    pub name: String,
    #[serde(rename = "ref", default)]
    pub reference: String,
    #[serde(rename = "targetCommit")]
    pub target_commit: String,
}

/// `GET /api/models/<repo>/refs`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Refs {
    #[serde(default)]
    pub branches: Vec<GitRef>,
    #[serde(default)]
    pub converts: Vec<GitRef>,
    #[serde(default)]
    pub tags: Vec<GitRef>,
}

impl Refs {
    /// The commit a tag points at.
    pub fn tag(&self, name: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.target_commit.as_str())
    }
}

/// A Hub client for one endpoint and token. Every call is a
/// [`Request`] sent through [`Http::send`], the one request path.
pub struct Client {
    http: Http,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("http", &self.http).finish()
    }
}

/// What a request is for; decides how a 404 or 403 reads.
#[derive(Debug, Clone, Copy)]
enum Op<'a> {
    Refs,
    Revision(&'a str),
    PathsInfo(&'a str),
    Download { revision: &'a str, file: &'a str },
    Create { tag: &'a str, revision: &'a str },
    Delete { tag: &'a str },
}

impl Op<'_> {
    fn doing(&self, repo: &str) -> String {
        match self {
            Op::Refs => format!("reading the refs of {repo}"),
            Op::Revision(r) => format!("looking up revision {r} in {repo}"),
            Op::PathsInfo(r) => format!("reading paths-info of {repo} at {r}"),
            Op::Download { revision, file } => {
                format!("downloading {file} from {repo} at {revision}")
            }
            Op::Create { tag, .. } => format!("creating tag {tag} on {repo}"),
            Op::Delete { tag } => format!("deleting tag {tag} on {repo}"),
        }
    }
    fn writes(&self) -> bool {
        matches!(self, Op::Create { .. } | Op::Delete { .. })
    }
}

impl Client {
    /// A client for `endpoint` (no trailing `/`) with `token`, tuned by
    /// [`Settings::from_env`].
    pub fn new(endpoint: &str, token: Option<String>) -> Result<Client, HubError> {
        Client::with_settings(endpoint, token, Settings::from_env())
    }

    /// A client for `endpoint`, refused ([`HubError::BadEndpoint`]) unless
    /// it is `http(s)://host[:port][/path]` without credentials or query.
    pub fn with_settings(
        endpoint: &str,
        token: Option<String>,
        settings: Settings,
    ) -> Result<Client, HubError> {
        let endpoint = Endpoint::parse(endpoint).map_err(HubError::BadEndpoint)?;
        Ok(Client {
            http: Http::new(endpoint, token, settings)?,
        })
    }

    /// Call `f` with every [`Notice`].
    pub fn on_notice(mut self, f: impl Fn(&Notice) + Send + Sync + 'static) -> Self {
        self.http.set_notices(Box::new(f));
        self
    }

    pub fn endpoint(&self) -> &str {
        self.http.endpoint().as_str()
    }

    pub fn has_token(&self) -> bool {
        self.http.has_token()
    }

    pub fn settings(&self) -> &Settings {
        self.http.settings()
    }

    /// The tags, branches and converts of `repo`.
    pub fn refs(&self, repo: &str) -> Result<Refs, HubError> {
        let answer = self.call(Method::GET, repo, "refs", Body::Empty, Op::Refs)?;
        serde_json::from_slice(&answer.body).map_err(|e| HubError::BadAnswer {
            repo: repo.to_string(),
            message: format!("the refs are not the expected JSON ({e})"),
        })
    }

    /// Whether `revision` is in `repo` (`Err` when the repo cannot be read).
    pub fn revision_exists(&self, repo: &str, revision: &str) -> Result<bool, HubError> {
        let tail = format!("revision/{}", encode_segment(revision));
        match self.call(
            Method::GET,
            repo,
            &tail,
            Body::Empty,
            Op::Revision(revision),
        ) {
            Ok(_) => Ok(true),
            Err(HubError::RevisionNotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The commit `revision` (a branch, tag or commit) of `repo` is now;
    /// `None` when the repo has no such revision (`Err` when the repo
    /// cannot be read: [`HubError::RepoNotFound`] when it does not exist).
    pub fn commit_of(&self, repo: &str, revision: &str) -> Result<Option<String>, HubError> {
        #[derive(Deserialize)]
        struct Info {
            sha: Option<String>,
        }
        let tail = format!("revision/{}", encode_segment(revision));
        let answer = match self.call(
            Method::GET,
            repo,
            &tail,
            Body::Empty,
            Op::Revision(revision),
        ) {
            Ok(a) => a,
            Err(HubError::RevisionNotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let sha = serde_json::from_slice::<Info>(&answer.body)
            .ok()
            .and_then(|i| i.sha)
            .map(|s| s.to_ascii_lowercase())
            .filter(|s| is_commit(s));
        match sha {
            Some(sha) => Ok(Some(sha)),
            None => Err(HubError::BadAnswer {
                repo: repo.to_string(),
                message: format!("the answer for revision {revision} has no 40-hex `sha`"),
            }),
        }
    }

    /// `POST paths-info` at `revision` for `paths` (form fields `paths`,
    /// repeated, and `expand=false`, as `huggingface_hub` sends them): what
    /// the Hub knows of each; a path it does not have is left out.
    pub fn paths_info(
        &self,
        repo: &str,
        revision: &str,
        paths: &[&str],
    ) -> Result<Vec<PathInfo>, HubError> {
        let tail = format!("paths-info/{}", encode_segment(revision));
        let mut fields: Vec<(String, String)> = paths
            .iter()
            .map(|p| ("paths".to_string(), p.to_string()))
            .collect();
        fields.push(("expand".into(), "false".into()));
        let op = Op::PathsInfo(revision);
        let answer = self.call(Method::POST, repo, &tail, Body::Form(fields), op)?;
        read_paths_info(&answer.body).map_err(|message| HubError::BadAnswer {
            repo: repo.to_string(),
            message,
        })
    }

    /// Download `file` of `repo` at `revision`
    /// (`<endpoint>/<repo>/resolve/<revision>/<file>`) and hash it as it
    /// arrives, never holding it: at most `limit` bytes, each try within
    /// `timeout`.
    pub fn download_sha256(
        &self,
        repo: &str,
        revision: &str,
        file: &str,
        limit: u64,
        timeout: Duration,
    ) -> Result<Hashed, HubError> {
        let op = Op::Download { revision, file };
        let path = format!(
            "/{}/resolve/{}/{}",
            encode_repo(repo),
            encode_segment(revision),
            encode_repo(file)
        );
        let request = self
            .request(Method::GET, repo, &path, op)?
            .limit(limit)
            .timeout(timeout);
        let mut hasher = Hasher::default();
        let answer = self.http.send_into(&request, &mut hasher)?;
        if !answer.success() {
            return Err(self.classify(repo, op, answer));
        }
        Ok(hasher.finish())
    }

    /// Create `tag` at `revision`; [`HubError::TagExists`] when it exists.
    pub fn create_tag(
        &self,
        repo: &str,
        revision: &str,
        tag: &str,
        message: &str,
    ) -> Result<(), HubError> {
        let tail = format!("tag/{}", encode_segment(revision));
        let body = serde_json::json!({ "tag": tag, "message": message });
        self.call(
            Method::POST,
            repo,
            &tail,
            Body::Json(body),
            Op::Create { tag, revision },
        )
        .map(|_| ())
    }

    /// Delete `tag`; [`HubError::TagNotFound`] when it is not there.
    pub fn delete_tag(&self, repo: &str, tag: &str) -> Result<(), HubError> {
        let tail = format!("tag/{}", encode_segment(tag));
        self.call(Method::DELETE, repo, &tail, Body::Empty, Op::Delete { tag })
            .map(|_| ())
    }

    /// Build the request for `op` and send it; a 2xx comes back, anything
    /// else as a [`HubError`].
    fn call(
        &self,
        method: Method,
        repo: &str,
        tail: &str,
        body: Body,
        op: Op<'_>,
    ) -> Result<Answer, HubError> {
        let path = format!("/api/models/{}/{tail}", encode_repo(repo));
        let request = self.request(method, repo, &path, op)?.body(body);
        let answer = self.http.send(&request)?;
        if answer.success() {
            Ok(answer)
        } else {
            Err(self.classify(repo, op, answer))
        }
    }

    /// The request for `op` at `<endpoint><path>` (`path` encoded).
    fn request(
        &self,
        method: Method,
        repo: &str,
        path: &str,
        op: Op<'_>,
    ) -> Result<Request, HubError> {
        match self.http.endpoint().join(path) {
            Some(url) => Ok(Request::new(method, url, repo, op.doing(repo))),
            None => Err(HubError::BadPath {
                repo: repo.to_string(),
                doing: op.doing(repo),
            }),
        }
    }

    fn classify(&self, repo: &str, op: Op<'_>, answer: Answer) -> HubError {
        let repo_s = repo.to_string();
        let Answer {
            status,
            code,
            message,
            wait_refused,
            attempts,
            ..
        } = answer;
        let code = code.as_deref();
        let not_found = |code: Option<&str>| match (code, op) {
            (Some("RepoNotFound"), _) | (None, Op::Refs) => HubError::RepoNotFound {
                repo: repo_s.clone(),
                endpoint: self.endpoint().to_string(),
            },
            (_, Op::Delete { tag }) => HubError::TagNotFound {
                repo: repo_s.clone(),
                tag: tag.to_string(),
            },
            (Some("RevisionNotFound"), Op::Download { revision, .. })
            | (_, Op::Revision(revision))
            | (_, Op::PathsInfo(revision))
            | (_, Op::Create { revision, .. }) => HubError::RevisionNotFound {
                repo: repo_s.clone(),
                revision: revision.to_string(),
            },
            (_, Op::Download { .. }) => HubError::Unexpected {
                repo: repo_s.clone(),
                status,
                message: message.clone(),
            },
            (Some(_), Op::Refs) => HubError::Unexpected {
                repo: repo_s.clone(),
                status,
                message: message.clone(),
            },
        };
        match status {
            // The Hub answers 401 with RepoNotFound for a repo that does not
            // exist or that it will not show without a token; with a valid
            // token that cannot see it, that is "not found".
            401 if code == Some("RepoNotFound") && self.has_token() => not_found(code),
            401 => HubError::Unauthorized {
                repo: repo_s,
                token_sent: self.has_token(),
                message,
            },
            403 => HubError::Forbidden {
                repo: repo_s,
                write: op.writes(),
                message,
            },
            404 => not_found(code),
            409 => match op {
                Op::Create { tag, .. } => HubError::TagExists {
                    repo: repo_s,
                    tag: tag.to_string(),
                },
                _ => HubError::Unexpected {
                    repo: repo_s,
                    status,
                    message,
                },
            },
            429 => HubError::RateLimited {
                repo: repo_s,
                attempts,
                retry_after: wait_refused,
                budget: self.settings().budget,
            },
            500..=599 => HubError::Server {
                repo: repo_s,
                status,
                message,
                attempts,
                retry_after: wait_refused,
            },
            _ => HubError::Unexpected {
                repo: repo_s,
                status,
                message,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded_and_repo_keeps_its_slash() {
        assert_eq!(encode_segment("refs/pr/1"), "refs%2Fpr%2F1");
        assert_eq!(encode_segment("v1.0.0-rc.1"), "v1.0.0-rc.1");
        assert_eq!(encode_segment("a b~c_d"), "a%20b~c_d");
        assert_eq!(
            encode_repo("instructlab/granite-7b-lab"),
            "instructlab/granite-7b-lab"
        );
        assert_eq!(encode_repo("org/na me"), "org/na%20me");
    }

    #[test]
    fn commits_are_40_hex() {
        assert!(is_commit("0123456789abcdef0123456789ABCDEF01234567"));
        assert!(!is_commit("main"));
        assert!(!is_commit("0123456789abcdef0123456789abcdef0123456"));
        assert!(!is_commit("0123456789abcdef0123456789abcdef0123456g"));
    }

    #[test]
    fn refs_json_as_the_hub_sends_it() {
        let body = r#"{"branches":[{"name":"main","ref":"refs/heads/main","targetCommit":"aaaa"}],
            "converts":[],"tags":[{"name":"v1.0.0","ref":"refs/tags/v1.0.0","targetCommit":"bbbb"}]}"#;
        let refs: Refs = serde_json::from_str(body).unwrap();
        assert_eq!(refs.branches[0].name, "main");
        assert_eq!(refs.tag("v1.0.0"), Some("bbbb"));
        assert_eq!(refs.tag("v2"), None);
        // Older answers without converts still read.
        let refs: Refs = serde_json::from_str(r#"{"branches":[],"tags":[]}"#).unwrap();
        assert!(refs.tags.is_empty());
    }
}
