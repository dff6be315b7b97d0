//! A small blocking client for the Hub's refs and tags API.
//!
//! Every request has a timeout; a timeout, a connection failure, a 429 and a
//! 5xx are retried with capped exponential backoff, honouring `Retry-After`.
//! Errors are read from the `X-Error-Code` and `X-Error-Message` headers and
//! `{"error": ...}` bodies, and become a [`HubError`] whose message says what
//! to do. The token is sent as `Authorization: Bearer` (also on reads) and is
//! never part of an error, a notice or `Debug` output.

use std::fmt;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use reqwest::blocking::Response;
use serde::Deserialize;

use crate::hf::error::{HubError, seconds};

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
pub fn encode_repo(repo: &str) -> String {
    repo.split('/')
        .map(encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

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

/// How hard the client tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Per request, connecting and reading included.
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub retries: u32,
    /// The first backoff; it doubles per retry up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// A `Retry-After` longer than this is not waited for: the request fails.
    pub max_retry_after: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timeout: Duration::from_secs(30),
            retries: 5,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

impl Settings {
    /// The defaults, with `CADENCE_HF_TIMEOUT_MS`, `CADENCE_HF_RETRY_BASE_MS`
    /// and `CADENCE_HF_RETRIES` where set (tests use them to run fast).
    pub fn from_env() -> Settings {
        let ms = |k: &str| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_millis)
        };
        let mut s = Settings::default();
        if let Some(t) = ms("CADENCE_HF_TIMEOUT_MS").filter(|t| !t.is_zero()) {
            s.timeout = t;
        }
        if let Some(b) = ms("CADENCE_HF_RETRY_BASE_MS") {
            s.backoff = b;
        }
        if let Some(n) = std::env::var("CADENCE_HF_RETRIES")
            .ok()
            .and_then(|v| v.trim().parse().ok())
        {
            s.retries = n;
        }
        s
    }

    /// The wait before retry number `retry` (1-based) without `Retry-After`.
    pub fn backoff_for(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

/// What the client tells its caller while it works (for logs and progress).
/// Never holds the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A request is about to be sent.
    Request { method: String, url: String },
    /// A request failed in a way worth retrying; the client waits `wait`.
    Retry {
        method: String,
        url: String,
        reason: String,
        wait: Duration,
        attempt: u32,
        attempts: u32,
    },
}

type NoticeFn = Box<dyn Fn(&Notice) + Send + Sync>;

/// The token, kept out of `Debug` output.
#[derive(Clone)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A Hub client for one endpoint and token.
pub struct Client {
    endpoint: String,
    token: Option<Secret>,
    http: reqwest::blocking::Client,
    settings: Settings,
    notices: Option<NoticeFn>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.endpoint)
            .field("token", &self.token)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// What a request is for; decides how a 404 or 403 reads.
#[derive(Debug, Clone, Copy)]
enum Op<'a> {
    Refs,
    Revision(&'a str),
    Create { tag: &'a str, revision: &'a str },
    Delete { tag: &'a str },
}

impl Op<'_> {
    fn doing(&self, repo: &str) -> String {
        match self {
            Op::Refs => format!("reading the refs of {repo}"),
            Op::Revision(r) => format!("looking up revision {r} in {repo}"),
            Op::Create { tag, .. } => format!("creating tag {tag} on {repo}"),
            Op::Delete { tag } => format!("deleting tag {tag} on {repo}"),
        }
    }
    fn writes(&self) -> bool {
        matches!(self, Op::Create { .. } | Op::Delete { .. })
    }
}

/// A final answer, read whole.
struct Answer {
    status: u16,
    code: Option<String>,
    message: Option<String>,
    retry_after: Option<Duration>,
    body: String,
    attempts: u32,
}

impl Client {
    /// A client for `endpoint` (no trailing `/`) with `token`, tuned by
    /// [`Settings::from_env`].
    pub fn new(endpoint: &str, token: Option<String>) -> Result<Client, HubError> {
        Client::with_settings(endpoint, token, Settings::from_env())
    }

    pub fn with_settings(
        endpoint: &str,
        token: Option<String>,
        settings: Settings,
    ) -> Result<Client, HubError> {
        let http = reqwest::blocking::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .user_agent(concat!("cadence/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HubError::Setup {
                message: e.to_string(),
            })?;
        Ok(Client {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            token: token.filter(|t| !t.is_empty()).map(Secret),
            http,
            settings,
            notices: None,
        })
    }

    /// Call `f` with every [`Notice`].
    pub fn on_notice(mut self, f: impl Fn(&Notice) + Send + Sync + 'static) -> Self {
        self.notices = Some(Box::new(f));
        self
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The tags, branches and converts of `repo`.
    pub fn refs(&self, repo: &str) -> Result<Refs, HubError> {
        let answer = self.call(Method::GET, repo, "refs", None, Op::Refs)?;
        serde_json::from_str(&answer.body).map_err(|e| HubError::BadAnswer {
            repo: repo.to_string(),
            message: format!("the refs are not the expected JSON ({e})"),
        })
    }

    /// Whether `revision` is in `repo` (`Err` when the repo cannot be read).
    pub fn revision_exists(&self, repo: &str, revision: &str) -> Result<bool, HubError> {
        let tail = format!("revision/{}", encode_segment(revision));
        match self.call(Method::GET, repo, &tail, None, Op::Revision(revision)) {
            Ok(_) => Ok(true),
            Err(HubError::RevisionNotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
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
            Some(&body),
            Op::Create { tag, revision },
        )
        .map(|_| ())
    }

    /// Delete `tag`; [`HubError::TagNotFound`] when it is not there.
    pub fn delete_tag(&self, repo: &str, tag: &str) -> Result<(), HubError> {
        let tail = format!("tag/{}", encode_segment(tag));
        self.call(Method::DELETE, repo, &tail, None, Op::Delete { tag })
            .map(|_| ())
    }

    fn notify(&self, notice: Notice) {
        if let Some(f) = &self.notices {
            f(&notice);
        }
    }

    /// Remove the token from text that came from elsewhere.
    fn redact(&self, text: &str) -> String {
        match &self.token {
            Some(Secret(t)) if !t.is_empty() => text.replace(t.as_str(), "***"),
            _ => text.to_string(),
        }
    }

    /// Send with retries; a 2xx comes back, anything else as a [`HubError`].
    fn call(
        &self,
        method: Method,
        repo: &str,
        tail: &str,
        body: Option<&serde_json::Value>,
        op: Op<'_>,
    ) -> Result<Answer, HubError> {
        let url = format!("{}/api/models/{}/{tail}", self.endpoint, encode_repo(repo));
        let attempts = self.settings.retries.saturating_add(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.notify(Notice::Request {
                method: method.to_string(),
                url: url.clone(),
            });
            let mut request = self.http.request(method.clone(), &url);
            if let Some(Secret(token)) = &self.token {
                request = request.bearer_auth(token);
            }
            if let Some(b) = body {
                request = request.json(b);
            }
            let outcome = request.send().and_then(|r| self.read(r, attempt));
            let (reason, wait) = match outcome {
                Ok(answer) if (200..300).contains(&answer.status) => return Ok(answer),
                Ok(answer) if answer.status == 429 || (500..600).contains(&answer.status) => {
                    if let Some(after) = answer.retry_after
                        && after > self.settings.max_retry_after
                    {
                        return Err(self.classify(repo, op, answer));
                    }
                    if attempt >= attempts {
                        return Err(self.classify(repo, op, answer));
                    }
                    let wait = answer
                        .retry_after
                        .unwrap_or_else(|| self.settings.backoff_for(attempt));
                    (format!("the Hub answered {}", answer.status), wait)
                }
                Ok(answer) => return Err(self.classify(repo, op, answer)),
                Err(e) => {
                    let timed_out = e.is_timeout();
                    if attempt >= attempts {
                        return Err(if timed_out {
                            HubError::Timeout {
                                repo: repo.to_string(),
                                doing: op.doing(repo),
                                timeout: self.settings.timeout,
                                attempts,
                            }
                        } else {
                            HubError::Network {
                                repo: repo.to_string(),
                                doing: op.doing(repo),
                                message: self.redact(&error_chain(&e)),
                                attempts,
                            }
                        });
                    }
                    let reason = if timed_out {
                        format!("no answer within {}", seconds(self.settings.timeout))
                    } else {
                        self.redact(&error_chain(&e))
                    };
                    (reason, self.settings.backoff_for(attempt))
                }
            };
            self.notify(Notice::Retry {
                method: method.to_string(),
                url: url.clone(),
                reason,
                wait,
                attempt,
                attempts,
            });
            std::thread::sleep(wait);
        }
    }

    fn read(&self, response: Response, attempts: u32) -> Result<Answer, reqwest::Error> {
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let code = header("x-error-code");
        let header_message = header("x-error-message");
        let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v));
        let body = response.text()?;
        let message = header_message
            .or_else(|| body_message(&body))
            .map(|m| self.redact(&shorten(&m)));
        Ok(Answer {
            status,
            code,
            message,
            retry_after,
            body,
            attempts,
        })
    }

    fn classify(&self, repo: &str, op: Op<'_>, answer: Answer) -> HubError {
        let repo_s = repo.to_string();
        let Answer {
            status,
            code,
            message,
            retry_after,
            attempts,
            ..
        } = answer;
        let code = code.as_deref();
        let not_found = |code: Option<&str>| match (code, op) {
            (Some("RepoNotFound"), _) | (None, Op::Refs) => HubError::RepoNotFound {
                repo: repo_s.clone(),
                endpoint: self.endpoint.clone(),
            },
            (_, Op::Delete { tag }) => HubError::TagNotFound {
                repo: repo_s.clone(),
                tag: tag.to_string(),
            },
            (_, Op::Revision(revision)) | (_, Op::Create { revision, .. }) => {
                HubError::RevisionNotFound {
                    repo: repo_s.clone(),
                    revision: revision.to_string(),
                }
            }
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
                retry_after: retry_after.filter(|w| *w > self.settings.max_retry_after),
            },
            500..=599 => HubError::Server {
                repo: repo_s,
                status,
                message,
                attempts,
            },
            _ => HubError::Unexpected {
                repo: repo_s,
                status,
                message,
            },
        }
    }
}

/// `Retry-After`: seconds, or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    if let Ok(secs) = value.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value.trim()).ok()?;
    let secs = (when.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds();
    Some(Duration::from_secs(secs.max(0) as u64))
}

/// The `error` of a JSON body, else a short text body.
fn body_message(body: &str) -> Option<String> {
    let text = body.trim();
    if text.is_empty() {
        return None;
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => match v.get("error") {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(other) if !other.is_null() => Some(other.to_string()),
            _ => v
                .get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string),
        },
        Err(_) if !text.starts_with('<') => Some(text.to_string()),
        Err(_) => None,
    }
}

fn shorten(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 300 {
        let mut s: String = one_line.chars().take(300).collect();
        s.push('…');
        s
    } else {
        one_line
    }
}

/// A reqwest error with its causes, without the URL (the caller names what
/// it was doing).
fn error_chain(e: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    if parts.is_empty() {
        parts.push(e.to_string());
    }
    parts.join(": ")
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

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let s = Settings {
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(5),
            ..Settings::default()
        };
        let waits: Vec<u64> = (1..=5).map(|n| s.backoff_for(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 5, 5]);
    }

    #[test]
    fn error_bodies() {
        assert_eq!(
            body_message(r#"{"error":"Repository not found"}"#).as_deref(),
            Some("Repository not found")
        );
        assert_eq!(body_message("Bad gateway").as_deref(), Some("Bad gateway"));
        assert_eq!(body_message("<html>oops</html>"), None);
        assert_eq!(body_message(""), None);
    }

    #[test]
    fn the_token_is_redacted_and_never_debug_printed() {
        let client = Client::with_settings(
            "http://127.0.0.1:9",
            Some("hf_topsecret".into()),
            Settings::default(),
        )
        .unwrap();
        assert_eq!(
            client.redact("Bearer hf_topsecret is bad"),
            "Bearer *** is bad"
        );
        assert!(!format!("{client:?}").contains("hf_topsecret"));
    }
}
