//! Errors of Hub requests, with messages that say what to do. A message
//! never holds the token: server text is redacted by the client before it
//! gets here.
//!
//! Part of the commands layer.

use std::fmt;
use std::time::Duration;

use crate::commands::hf::endpoint::EndpointError;

/// Why a Hub request did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HubError {
    /// 401: no token where one is needed, or the token is invalid.
    Unauthorized {
        repo: String,
        token_sent: bool,
        message: Option<String>,
    },
    /// 403: the token may not do this to the repo.
    Forbidden {
        repo: String,
        write: bool,
        message: Option<String>,
    },
    /// 404 `RepoNotFound`.
    RepoNotFound { repo: String, endpoint: String },
    /// 404 `RevisionNotFound` for a commit.
    RevisionNotFound { repo: String, revision: String },
    /// 404 for a tag to delete.
    TagNotFound { repo: String, tag: String },
    /// 409 on create: the tag exists.
    TagExists { repo: String, tag: String },
    /// 429 after every retry, or a `Retry-After` (`retry_after`) longer than
    /// the retry budget left (`budget` in all).
    RateLimited {
        repo: String,
        attempts: u32,
        retry_after: Option<Duration>,
        budget: Duration,
    },
    /// 5xx after every retry, or with a `Retry-After` (`retry_after`)
    /// longer than the retry budget left.
    Server {
        repo: String,
        status: u16,
        message: Option<String>,
        attempts: u32,
        retry_after: Option<Duration>,
    },
    /// No answer in time, after every retry.
    Timeout {
        repo: String,
        doing: String,
        timeout: Duration,
        attempts: u32,
    },
    /// The Hub could not be reached.
    Network {
        repo: String,
        doing: String,
        message: String,
        attempts: u32,
    },
    /// Any other status.
    Unexpected {
        repo: String,
        status: u16,
        message: Option<String>,
    },
    /// An answer cadence cannot read.
    BadAnswer { repo: String, message: String },
    /// A redirect that is not followed: of a change (POST, DELETE), without
    /// a usable `Location`, to another scheme, or one hop too many.
    Redirect {
        repo: String,
        doing: String,
        status: u16,
        problem: String,
    },
    /// An answer over `limit` bytes (`length`: its `Content-Length`).
    TooLarge {
        repo: String,
        doing: String,
        limit: u64,
        length: Option<u64>,
    },
    /// A request whose URL would not be the one built: a name that is `.`
    /// or `..`, which URL parsing removes from the path.
    BadPath { repo: String, doing: String },
    /// The endpoint is not one cadence sends requests to.
    BadEndpoint(EndpointError),
    /// The HTTP client could not be set up.
    Setup { message: String },
}

impl HubError {
    /// The repo the error is about.
    /// Whether the error is about the whole repo (or the token), so that
    /// further writes to it would fail the same way.
    /// A redirect of a change counts: the repo's other changes would be
    /// redirected the same way.
    pub fn blocks_repo(&self) -> bool {
        matches!(
            self,
            HubError::Unauthorized { .. }
                | HubError::Forbidden { .. }
                | HubError::RepoNotFound { .. }
                | HubError::Redirect { .. }
        )
    }

    pub fn repo(&self) -> Option<&str> {
        use HubError::*;
        match self {
            Unauthorized { repo, .. }
            | Forbidden { repo, .. }
            | RepoNotFound { repo, .. }
            | RevisionNotFound { repo, .. }
            | TagNotFound { repo, .. }
            | TagExists { repo, .. }
            | RateLimited { repo, .. }
            | Server { repo, .. }
            | Timeout { repo, .. }
            | Network { repo, .. }
            | Unexpected { repo, .. }
            | BadAnswer { repo, .. }
            | Redirect { repo, .. }
            | TooLarge { repo, .. }
            | BadPath { repo, .. } => Some(repo),
            BadEndpoint(_) | Setup { .. } => None,
        }
    }
}

fn detail(status: u16, message: &Option<String>) -> String {
    match message {
        Some(m) => format!("{status}: {m}"),
        None => status.to_string(),
    }
}

impl fmt::Display for HubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use HubError::*;
        match self {
            Unauthorized {
                repo,
                token_sent,
                message,
            } => unauthorized(f, repo, *token_sent, message),
            Forbidden {
                repo,
                write,
                message,
            } => forbidden(f, repo, *write, message),
            RepoNotFound { repo, endpoint } => write!(
                f,
                "{repo} is not a model repo on {endpoint} (RepoNotFound), or the token cannot see it: \
                 check the repo id under [models.*.repos] in cadence.toml"
            ),
            RevisionNotFound { repo, revision } => write!(
                f,
                "revision {revision} is not in {repo} (RevisionNotFound): the manifest's `revision` must be \
                 a commit of that repo; push the commit or correct the manifest"
            ),
            TagNotFound { repo, tag } => write!(
                f,
                "tag {tag} is not on {repo}: it changed meanwhile; run `cadence hf-sync` again to plan against the repo's tags now"
            ),
            TagExists { repo, tag } => write!(
                f,
                "tag {tag} already exists on {repo} (409): run `cadence hf-sync` again to plan against the repo's tags now"
            ),
            RateLimited {
                repo,
                attempts,
                retry_after,
                budget,
            } => rate_limited(f, repo, *attempts, *retry_after, *budget),
            Server {
                repo,
                status,
                message,
                attempts,
                retry_after,
            } => server(f, repo, *status, message, *attempts, *retry_after),
            Timeout {
                repo: _,
                doing,
                timeout,
                attempts,
            } => write!(
                f,
                "no answer from the Hub within {} while {doing} ({attempts} attempt{}): check the network, \
                 or allow longer with CADENCE_HF_TIMEOUT_MS",
                seconds(*timeout),
                plural(*attempts)
            ),
            Network {
                repo: _,
                doing,
                message,
                attempts,
            } => write!(
                f,
                "cannot reach the Hub while {doing} ({attempts} attempt{}): {message}; check --endpoint, \
                 HF_ENDPOINT and the network",
                plural(*attempts)
            ),
            Unexpected {
                repo,
                status,
                message,
            } => {
                write!(
                    f,
                    "the Hub answered {} for {repo}: check the repo id in cadence.toml and \
                     --endpoint (or HF_ENDPOINT), then run again",
                    detail(*status, message)
                )
            }
            BadAnswer { repo, message } => {
                write!(
                    f,
                    "the Hub's answer for {repo} is not what cadence expects: {message}; \
                     check that --endpoint or HF_ENDPOINT is the Hub"
                )
            }
            Redirect {
                repo: _,
                doing,
                status,
                problem,
            } => write!(f, "the Hub answered {status} while {doing}: {problem}"),
            TooLarge {
                repo: _,
                doing,
                limit,
                length,
            } => too_large(f, doing, *limit, *length),
            BadPath { repo: _, doing } => write!(
                f,
                "cannot send a request while {doing}: a name in it is `.` or `..`, \
                 which is not a repo, revision or tag name"
            ),
            BadEndpoint(e) => write!(f, "{e}"),
            Setup { message } => write!(
                f,
                "cannot set up the HTTP client: {message}; check the system's TLS certificates and proxy settings"
            ),
        }
    }
}

/// A 401: the token was rejected, or one is needed.
fn unauthorized(
    f: &mut fmt::Formatter<'_>,
    repo: &str,
    token_sent: bool,
    message: &Option<String>,
) -> fmt::Result {
    if token_sent {
        write!(
            f,
            "the Hub rejected the token for {repo} ({}): it is invalid, expired or not allowed to use the API; \
             create a token with write access at https://huggingface.co/settings/tokens and set HF_TOKEN",
            detail(401, message)
        )
    } else {
        write!(
            f,
            "{repo} needs a token ({}): set HF_TOKEN to a token that can read and write the repo",
            detail(401, message)
        )
    }
}

/// A 403: the token may not write (or read) the repo.
fn forbidden(
    f: &mut fmt::Formatter<'_>,
    repo: &str,
    write: bool,
    message: &Option<String>,
) -> fmt::Result {
    if write {
        write!(
            f,
            "the token cannot write to {repo} ({}): give it write access to the repo \
             (a fine-grained token needs write access to {repo} or its organisation)",
            detail(403, message)
        )
    } else {
        write!(
            f,
            "the token cannot read {repo} ({}): give it read access to the repo",
            detail(403, message)
        )
    }
}

/// 429s until the retries ran out, or a wait asked for beyond them.
fn rate_limited(
    f: &mut fmt::Formatter<'_>,
    repo: &str,
    attempts: u32,
    retry_after: Option<Duration>,
    budget: Duration,
) -> fmt::Result {
    match retry_after {
        Some(wait) => write!(
            f,
            "the Hub asks to wait {} s before the next request to {repo} (429, after {attempts} attempt{}), \
             longer than cadence waits for one request ({} in all): run again later",
            wait.as_secs(),
            plural(attempts),
            seconds(budget)
        ),
        None => write!(
            f,
            "the Hub kept answering 429 Too Many Requests for {repo} after {attempts} attempts: \
             wait a while and run again"
        ),
    }
}

/// 5xx answers until the retries ran out.
fn server(
    f: &mut fmt::Formatter<'_>,
    repo: &str,
    status: u16,
    message: &Option<String>,
    attempts: u32,
    retry_after: Option<Duration>,
) -> fmt::Result {
    write!(
        f,
        "the Hub answered {} for {repo} after {attempts} attempt{}",
        detail(status, message),
        plural(attempts)
    )?;
    if let Some(wait) = retry_after {
        write!(
            f,
            " and asks to wait {} s, longer than cadence waits for one request",
            wait.as_secs()
        )?;
    }
    write!(f, ": it may be having trouble; run again later")
}

/// An answer over the size cadence reads.
fn too_large(
    f: &mut fmt::Formatter<'_>,
    doing: &str,
    limit: u64,
    length: Option<u64>,
) -> fmt::Result {
    let size = match length {
        Some(n) => format!(" ({n} bytes)"),
        None => String::new(),
    };
    write!(
        f,
        "the Hub's answer while {doing} is over {}{size}, more than cadence reads: \
         check that --endpoint or HF_ENDPOINT is the Hub",
        bytes(limit)
    )
}

impl std::error::Error for HubError {}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A size for people: `32 MiB`, else bytes.
fn bytes(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else {
        format!("{n} bytes")
    }
}

/// A duration for people: `2 s`, `1.5 s`, `300 ms`.
pub fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_to_do() {
        let e = HubError::Unauthorized {
            repo: "o/r".into(),
            token_sent: true,
            message: None,
        };
        assert!(e.to_string().contains("set HF_TOKEN"), "{e}");
        let e = HubError::Forbidden {
            repo: "o/r".into(),
            write: true,
            message: None,
        };
        assert!(e.to_string().contains("cannot write to o/r"), "{e}");
        let e = HubError::RevisionNotFound {
            repo: "o/r".into(),
            revision: "abc".into(),
        };
        assert!(e.to_string().contains("revision abc is not in o/r"), "{e}");
    }
}
