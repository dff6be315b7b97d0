//! The one request path of the Hub client: every call (refs, revision,
//! tag create and delete, and any later one such as `paths-info` with a form
//! body or a file download) is a [`Request`] sent by [`Http::send`], which
//! applies the rules of SPEC 9 in one place:
//!
//! - **Redirects.** reqwest follows none; this module decides. A redirect
//!   (301, 302, 303, 307, 308) answering anything but `GET`/`HEAD` ends the
//!   request with [`HubError::Redirect`]: a change is never re-sent, so its
//!   body and token reach no other URL. A `GET` follows at most
//!   [`MAX_REDIRECTS`] hops, a relative `Location` resolved against the URL
//!   it answered, to http(s) URLs only (userinfo in a `Location` dropped).
//! - **Token.** `Authorization: Bearer` goes only to the endpoint's own
//!   origin (scheme, host, port): once a hop leaves it, no later hop of that
//!   try gets the token, even one that comes back.
//! - **Faults.** A connection that cannot be made (refused, DNS failure,
//!   TLS failure: any connect error but a timeout) ends the request at once.
//!   Each try has a timeout ([`Settings::timeout`], 10 s, redirects
//!   included). A timeout, a dropped connection, a 429 and a 5xx are
//!   retried with exponential backoff honouring `Retry-After`, until the
//!   tries ([`Settings::retries`]) or the retry budget ([`Settings::budget`],
//!   60 s from the first try, waits included) run out: a wait that would end
//!   past the budget is not started, a `Retry-After` beyond it ends the
//!   request at once, and a try's timeout is cut to the budget left.
//! - **Size.** An answer over the request's limit ([`MAX_ANSWER`], 32 MiB,
//!   unless the request sets another) is refused with
//!   [`HubError::TooLarge`]: at once when `Content-Length` says so, and by
//!   counting the bytes read either way (chunked or lying answers). Every
//!   API call keeps the default; only a caller that must read a larger body
//!   (SPEC 11's download of a non-LFS file to hash it) raises it, for that
//!   request alone, and gives that request a longer timeout
//!   ([`Request::timeout`]).
//! - **Streaming.** [`Http::send_into`] hands a successful answer's body to
//!   a [`Sink`] as it arrives instead of holding it (a file hashed while it
//!   downloads); the sink is told when a retry starts over.
//! - **Secrets.** The token is in no notice, error or `Debug` output (server
//!   text is redacted); URLs in notices and errors are
//!   [`shown`](crate::commands::hf::endpoint::shown): no userinfo, no query.
//!
//! Part of the commands layer.

use std::fmt;
use std::io::Read;
use std::time::{Duration, Instant};

use reqwest::blocking::Response;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use url::Url;

use crate::commands::hf::endpoint::{Endpoint, shown};
use crate::commands::hf::error::{HubError, seconds};
pub use crate::commands::hf::request::{
    Answer, Body, MAX_ANSWER, Request, Sink, parse_retry_after,
};
use crate::commands::hf::request::{body_message, error_chain, shorten, stream};

/// Redirects a `GET` follows in one try.
pub const MAX_REDIRECTS: u32 = 5;

/// How hard the client tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Per try, connecting, redirects and reading included.
    pub timeout: Duration,
    /// Retries after the first try.
    pub retries: u32,
    /// The first backoff; it doubles per retry up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// Every try of one request, and the waits between, end within this.
    pub budget: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timeout: Duration::from_secs(10),
            retries: 5,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            budget: Duration::from_secs(60),
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
/// Never holds the token; URLs are [`shown`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A request (or a redirect hop) is about to be sent.
    Request { method: String, url: String },
    /// A `GET` is redirected and followed; `token` says whether the token
    /// goes along (`None`: there is no token).
    Redirect {
        method: String,
        status: u16,
        from: String,
        to: String,
        token: Option<bool>,
    },
    /// A try failed in a way worth retrying; the client waits `wait`.
    Retry {
        method: String,
        url: String,
        reason: String,
        wait: Duration,
        attempt: u32,
        attempts: u32,
    },
}

pub type NoticeFn = Box<dyn Fn(&Notice) + Send + Sync>;

/// How one try ended.
enum Tried {
    Answer(Answer),
    /// A timeout or a dropped connection: worth another try.
    Again {
        timed_out: bool,
        message: String,
    },
    /// No connection could be made: reported at once.
    Unreachable(String),
    /// Not worth another try (a redirect not followed, an answer too large).
    Failed(HubError),
}

/// The token, kept out of `Debug` output.
#[derive(Clone)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Sends [`Request`]s to one endpoint with one token.
pub struct Http {
    endpoint: Endpoint,
    token: Option<Secret>,
    inner: reqwest::blocking::Client,
    settings: Settings,
    notices: Option<NoticeFn>,
}

impl fmt::Debug for Http {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Http")
            .field("endpoint", &self.endpoint)
            .field("token", &self.token)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Http {
    pub fn new(
        endpoint: Endpoint,
        token: Option<String>,
        settings: Settings,
    ) -> Result<Http, HubError> {
        Http::with_builder(
            endpoint,
            token,
            settings,
            reqwest::blocking::Client::builder(),
        )
    }

    /// As [`Http::new`], from a reqwest builder (tests give it a resolver);
    /// the redirect policy, timeouts and user agent are set here.
    fn with_builder(
        endpoint: Endpoint,
        token: Option<String>,
        settings: Settings,
        builder: reqwest::blocking::ClientBuilder,
    ) -> Result<Http, HubError> {
        let inner = builder
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .user_agent(concat!("cadence/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HubError::Setup {
                message: e.to_string(),
            })?;
        Ok(Http {
            endpoint,
            token: token.filter(|t| !t.is_empty()).map(Secret),
            inner,
            settings,
            notices: None,
        })
    }

    pub fn set_notices(&mut self, f: NoticeFn) {
        self.notices = Some(f);
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    fn notify(&self, notice: Notice) {
        if let Some(f) = &self.notices {
            f(&notice);
        }
    }

    /// Remove the token from text that came from elsewhere.
    pub fn redact(&self, text: &str) -> String {
        match &self.token {
            Some(Secret(t)) if !t.is_empty() => text.replace(t.as_str(), "***"),
            _ => text.to_string(),
        }
    }

    /// Send `request` under the rules of the module doc. Any final answer
    /// comes back (2xx or not: the caller reads its status); a request that
    /// got no answer to read is a [`HubError`].
    pub fn send(&self, request: &Request) -> Result<Answer, HubError> {
        self.send_with(request, None)
    }

    /// [`Http::send`], with a 2xx answer's body written to `sink` as it
    /// arrives (the [`Answer`]'s `body` stays empty); the request's limit
    /// still applies. Any other answer is read as by [`Http::send`].
    pub fn send_into(&self, request: &Request, sink: &mut dyn Sink) -> Result<Answer, HubError> {
        self.send_with(request, Some(sink))
    }

    /// The time one try of `request` may take.
    fn timeout_of(&self, request: &Request) -> Duration {
        request.timeout.unwrap_or(self.settings.timeout)
    }

    fn send_with(
        &self,
        request: &Request,
        mut sink: Option<&mut dyn Sink>,
    ) -> Result<Answer, HubError> {
        let start = Instant::now();
        let timeout = self.timeout_of(request);
        // A request with its own timeout (a download) gets a budget that
        // holds one such try.
        let budget = match request.timeout {
            Some(own) => self.settings.budget.max(own),
            None => self.settings.budget,
        };
        let budget_left = || budget.saturating_sub(start.elapsed());
        let attempts = self.settings.retries.saturating_add(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let tried = self.try_once(request, budget_left().min(timeout), sink.as_deref_mut());
            let left = budget_left();
            let backoff = self.settings.backoff_for(attempt);
            let (reason, wait) = match tried {
                Tried::Answer(mut answer) => {
                    answer.attempts = attempt;
                    if !answer.retryable() {
                        return Ok(answer);
                    }
                    if let Some(after) = answer.retry_after
                        && after >= left
                    {
                        answer.wait_refused = Some(after);
                        return Ok(answer);
                    }
                    let wait = answer.retry_after.unwrap_or(backoff);
                    if attempt >= attempts || wait >= left {
                        return Ok(answer);
                    }
                    (format!("the Hub answered {}", answer.status), wait)
                }
                Tried::Again { timed_out, message } => {
                    if attempt >= attempts || backoff >= left {
                        return Err(self.gave_up(request, timed_out, message, attempt));
                    }
                    let reason = if timed_out {
                        format!("no answer within {}", seconds(timeout))
                    } else {
                        message
                    };
                    (reason, backoff)
                }
                Tried::Unreachable(message) => {
                    return Err(HubError::Network {
                        repo: request.repo.clone(),
                        doing: request.doing.clone(),
                        message,
                        attempts: attempt,
                    });
                }
                Tried::Failed(e) => return Err(e),
            };
            self.notify(Notice::Retry {
                method: request.method.to_string(),
                url: shown(&request.url),
                reason,
                wait,
                attempt,
                attempts,
            });
            std::thread::sleep(wait);
        }
    }

    fn gave_up(&self, request: &Request, timed_out: bool, message: String, n: u32) -> HubError {
        let (repo, doing) = (request.repo.clone(), request.doing.clone());
        if timed_out {
            HubError::Timeout {
                repo,
                doing,
                timeout: self.timeout_of(request),
                attempts: n,
            }
        } else {
            HubError::Network {
                repo,
                doing,
                message,
                attempts: n,
            }
        }
    }

    /// One try: send, follow a `GET`'s redirects, read the answer; all
    /// within `timeout`.
    fn try_once(
        &self,
        request: &Request,
        timeout: Duration,
        sink: Option<&mut (dyn Sink + '_)>,
    ) -> Tried {
        let deadline = Instant::now() + timeout;
        let method = &request.method;
        let mut url = request.url.clone();
        let mut with_token = self.token.is_some();
        let mut hops = 0;
        loop {
            with_token = with_token && self.endpoint.same_origin(&url);
            self.notify(Notice::Request {
                method: method.to_string(),
                url: shown(&url),
            });
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Tried::Again {
                    timed_out: true,
                    message: String::new(),
                };
            }
            let mut builder = self
                .inner
                .request(method.clone(), url.clone())
                .timeout(left);
            if let (true, Some(Secret(token))) = (with_token, &self.token) {
                builder = builder.bearer_auth(token);
            }
            if hops == 0 {
                builder = match &request.body {
                    Body::Empty => builder,
                    Body::Json(value) => builder.json(value),
                    Body::Form(fields) => builder
                        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(
                            url::form_urlencoded::Serializer::new(String::new())
                                .extend_pairs(fields)
                                .finish(),
                        ),
                };
            }
            let response = match builder.send() {
                Ok(r) => r,
                Err(e) => return self.transport(e),
            };
            let status = response.status().as_u16();
            if !matches!(status, 301 | 302 | 303 | 307 | 308) {
                return self.read(request, response, sink);
            }
            let target = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|location| url.join(location).ok());
            drop(response);
            match self.redirect_to(request, status, target, hops) {
                Ok(mut next) => {
                    let _ = next.set_username("");
                    let _ = next.set_password(None);
                    let keeps = with_token && self.endpoint.same_origin(&next);
                    self.notify(Notice::Redirect {
                        method: method.to_string(),
                        status,
                        from: shown(&url),
                        to: shown(&next),
                        token: self.token.is_some().then_some(keeps),
                    });
                    url = next;
                    hops += 1;
                }
                Err(e) => return Tried::Failed(e),
            }
        }
    }

    /// Whether a redirect to `target` may be followed; the error says why not.
    fn redirect_to(
        &self,
        request: &Request,
        status: u16,
        target: Option<Url>,
        hops: u32,
    ) -> Result<Url, HubError> {
        let to = |t: &Option<Url>| match t {
            Some(u) => format!(" to {}", shown(u)),
            None => String::new(),
        };
        let problem = match &target {
            _ if !request.follows_redirects() => format!(
                "a redirect{} of a {}, which cadence never follows, so nothing was sent \
                 there: if the repo was renamed, put its new id under [models.*.repos] in \
                 cadence.toml; if the Hub moved, give its new address with --endpoint or HF_ENDPOINT",
                to(&target),
                request.method
            ),
            None => "a redirect without a usable Location header".to_string(),
            Some(t) if !matches!(t.scheme(), "http" | "https") => {
                "a redirect to a URL that is not http(s)".to_string()
            }
            Some(_) if hops >= MAX_REDIRECTS => format!(
                "more than {MAX_REDIRECTS} redirects in a row (the last{}): check --endpoint or HF_ENDPOINT",
                to(&target)
            ),
            Some(t) => return Ok(t.clone()),
        };
        Err(HubError::Redirect {
            repo: request.repo.clone(),
            doing: request.doing.clone(),
            status,
            problem,
        })
    }

    fn transport(&self, e: reqwest::Error) -> Tried {
        let e = e.without_url();
        let message = self.redact(&error_chain(&e));
        if e.is_timeout() {
            Tried::Again {
                timed_out: true,
                message,
            }
        } else if e.is_connect() {
            Tried::Unreachable(message)
        } else {
            Tried::Again {
                timed_out: false,
                message,
            }
        }
    }

    /// Read a final answer, refusing one over the request's limit; a 2xx
    /// body goes to `sink` when there is one.
    fn read(
        &self,
        request: &Request,
        mut response: Response,
        sink: Option<&mut (dyn Sink + '_)>,
    ) -> Tried {
        let too_large = |length| {
            Tried::Failed(HubError::TooLarge {
                repo: request.repo.clone(),
                doing: request.doing.clone(),
                limit: request.limit,
                length,
            })
        };
        if let Some(length) = response.content_length()
            && length > request.limit
        {
            return too_large(Some(length));
        }
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
        let mut body = Vec::new();
        let streamed = match sink {
            Some(sink) if (200..300).contains(&status) => {
                stream(&mut response, request.limit, sink)
            }
            _ => response
                .by_ref()
                .take(request.limit.saturating_add(1))
                .read_to_end(&mut body)
                .map(|n| n as u64),
        };
        let length = match streamed {
            Ok(n) => n,
            Err(e) => {
                let timed_out = e.kind() == std::io::ErrorKind::TimedOut
                    || e.get_ref()
                        .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
                        .is_some_and(reqwest::Error::is_timeout);
                return Tried::Again {
                    timed_out,
                    message: self.redact(&format!("the answer broke off: {e}")),
                };
            }
        };
        if length > request.limit {
            return too_large(None);
        }
        let message = (!(200..300).contains(&status))
            .then(|| header_message.or_else(|| body_message(&String::from_utf8_lossy(&body))))
            .flatten()
            .map(|m| self.redact(&shorten(&m)));
        Tried::Answer(Answer {
            status,
            code,
            message,
            retry_after,
            body,
            attempts: 1,
            wait_refused: None,
        })
    }
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;
