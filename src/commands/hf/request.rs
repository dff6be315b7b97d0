//! What a Hub request and its answer are: the [`Request`] every call of the
//! client builds (method, URL, body, answer limit, and what it is for, for
//! its errors) and the [`Answer`] read back, with the helpers that read an
//! answer's headers and error text, and the [`Sink`] a streamed body goes
//! to. [`crate::commands::hf::http`] sends them.
//!
//! Part of the commands layer.

use std::io::Read;
use std::time::Duration;

use reqwest::Method;
use url::Url;

use crate::model::diagnostics::for_terminal;

/// The largest answer read (SPEC 9): 32 MiB.
pub const MAX_ANSWER: u64 = 32 * 1024 * 1024;

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Empty,
    Json(serde_json::Value),
    /// `application/x-www-form-urlencoded`; a name may repeat.
    Form(Vec<(String, String)>),
}

/// One request: what to send, how much answer to accept, and what it is
/// for (the repo, and "reading the refs of o/r") for its errors.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    pub body: Body,
    /// The largest answer accepted, in bytes.
    pub limit: u64,
    /// How long one try may take, when not [`Settings::timeout`]
    /// (a download that must fit a larger body); the retry budget grows to
    /// hold one such try.
    ///
    /// [`Settings::timeout`]: crate::commands::hf::http::Settings::timeout
    pub timeout: Option<Duration>,
    pub repo: String,
    pub doing: String,
}

impl Request {
    pub fn new(method: Method, url: Url, repo: &str, doing: String) -> Request {
        Request {
            method,
            url,
            body: Body::Empty,
            limit: MAX_ANSWER,
            timeout: None,
            repo: repo.to_string(),
            doing,
        }
    }

    pub fn body(mut self, body: Body) -> Request {
        self.body = body;
        self
    }

    pub fn limit(mut self, bytes: u64) -> Request {
        self.limit = bytes;
        self
    }

    pub fn timeout(mut self, per_try: Duration) -> Request {
        self.timeout = Some(per_try);
        self
    }

    /// Whether a redirect of it may be followed.
    pub(crate) fn follows_redirects(&self) -> bool {
        matches!(self.method, Method::GET | Method::HEAD)
    }
}

/// A final answer, read whole (within the request's limit).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// `X-Error-Code`.
    pub code: Option<String>,
    /// `X-Error-Message`, else the body's `error`, shortened and redacted;
    /// only for a status that is not 2xx.
    pub message: Option<String>,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
    /// Tries made, this one included.
    pub attempts: u32,
    /// A `Retry-After` that was not waited for: longer than the budget left.
    pub wait_refused: Option<Duration>,
}

impl Answer {
    pub fn success(&self) -> bool {
        (200..300).contains(&self.status)
    }
    pub(crate) fn retryable(&self) -> bool {
        self.status == 429 || (500..600).contains(&self.status)
    }
}

/// Where [`Http::send_into`](crate::commands::hf::http::Http::send_into) puts a successful answer's body.
pub trait Sink {
    /// A try's body starts: forget what an earlier try wrote.
    fn restart(&mut self);
    fn write(&mut self, bytes: &[u8]);
}

/// Copy `response`'s body into `sink` in pieces, up to one byte past
/// `limit` (so that the caller sees it is over); the bytes read.
pub(crate) fn stream(
    response: &mut reqwest::blocking::Response,
    limit: u64,
    sink: &mut dyn Sink,
) -> std::io::Result<u64> {
    sink.restart();
    let mut reader = response.take(limit.saturating_add(1));
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        total += n as u64;
        sink.write(&buffer[..n]);
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
pub(crate) fn body_message(body: &str) -> Option<String> {
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

/// Server text for one line of a terminal: whitespace runs made one space,
/// at most 300 characters, other control characters escaped (by
/// [`for_terminal`], the one escaping function).
pub(crate) fn shorten(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut cut: String = one_line.chars().take(300).collect();
    if one_line.chars().nth(300).is_some() {
        cut.push('…');
    }
    for_terminal(&cut).into_owned()
}

/// A reqwest error with its causes, without the URL (the caller names what
/// it was doing).
pub(crate) fn error_chain(e: &reqwest::Error) -> String {
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
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
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
    fn server_text_is_one_line_without_control_characters() {
        assert_eq!(shorten("a\n b\t c"), "a b c");
        assert_eq!(shorten("x\u{1b}]0;pwned\u{7}y"), "x\\u{1b}]0;pwned\\u{7}y");
        let long = "é".repeat(400);
        assert_eq!(shorten(&long).chars().count(), 301);
    }
}
