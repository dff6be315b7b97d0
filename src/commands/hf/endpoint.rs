//! The Hub endpoint as a checked base URL, and URLs as they may be shown.
//!
//! An endpoint is `http(s)://host[:port][/path]`: nothing else is accepted.
//! Credentials in it (`http://user:secret@host/`) are refused, not stripped
//! and not sent: the Hub takes a token (`Authorization: Bearer`), and
//! reqwest would turn userinfo into a second, Basic `Authorization` sent to
//! every URL of that origin; stripping it silently would leave the user
//! believing it was used. A query or fragment is refused too: it cannot be
//! part of a base URL (the API path would land in it), and it is where
//! tokens are put (`?token=...`). The refusal never repeats what it refused:
//! [`redact`] shows `***` in place of userinfo, query and fragment.
//!
//! [`shown`] is how every URL appears in logs, notices and errors: no
//! userinfo, no query, no fragment (a redirect's target may carry a signed
//! query).
//!
//! Part of the commands layer.

use std::fmt;

use url::{Origin, Url};

use crate::model::diagnostics::for_terminal;

/// A checked endpoint: http(s), a host, no credentials, no query.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Without a trailing `/`.
    base: String,
    origin: Origin,
}

/// Why an endpoint was refused; the message shows the endpoint redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError {
    pub shown: String,
    pub problem: &'static str,
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the Hub endpoint {}, from --endpoint or HF_ENDPOINT, {}",
            self.shown, self.problem
        )
    }
}

impl Endpoint {
    pub fn parse(text: &str) -> Result<Endpoint, EndpointError> {
        let refuse = |problem| EndpointError {
            shown: redact(text),
            problem,
        };
        let url = Url::parse(text.trim())
            .map_err(|_| refuse("is not a URL: give one such as https://huggingface.co"))?;
        if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
            return Err(refuse(
                "is not an http(s) URL: give one such as https://huggingface.co",
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(refuse(
                "has no host: give one such as https://huggingface.co",
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse(
                "holds credentials (user:password@), which cadence never sends: \
                 remove them, and give the token in HF_TOKEN",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(refuse(
                "has a query or fragment: an endpoint is scheme://host[:port][/path]; \
                 give a token in HF_TOKEN, never in the URL",
            ));
        }
        Ok(Endpoint {
            base: url.as_str().trim_end_matches('/').to_string(),
            origin: url.origin(),
        })
    }

    /// The endpoint without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// `<endpoint><path>`, where `path` starts with `/` and is already
    /// percent-encoded. `None` when the URL would not be exactly that text
    /// (a `.` or `..` segment, which URL parsing removes, could otherwise
    /// turn a request on a tag into one on the repo).
    pub fn join(&self, path: &str) -> Option<Url> {
        let text = format!("{}{path}", self.base);
        Url::parse(&text).ok().filter(|url| url.as_str() == text)
    }

    /// Whether `url` has the endpoint's scheme, host and port.
    pub fn same_origin(&self, url: &Url) -> bool {
        url.origin() == self.origin
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({})", self.base)
    }
}

/// A URL for logs and messages: scheme, host, port and path only.
pub fn shown(url: &Url) -> String {
    let mut url = url.clone();
    let hidden = url.query().is_some() || url.fragment().is_some();
    // Both fail only for URLs that cannot have them, which have none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    let mut text = url.to_string();
    if hidden {
        text.push_str("?***");
    }
    text
}

/// Endpoint text as given by the user, safe to print: credentials, query
/// and fragment replaced by `***`. Text that is not a URL is shown only when
/// it has none of `@`, `?`, `#`; control characters are escaped.
pub fn redact(text: &str) -> String {
    let text = text.trim();
    let shown_text = match Url::parse(text) {
        Ok(url) if !url.cannot_be_a_base() => {
            let credentials = !url.username().is_empty() || url.password().is_some();
            let mut s = shown(&url);
            if credentials && let Some(at) = s.find("://").map(|i| i + 3) {
                s.insert_str(at, "***@");
            }
            s
        }
        _ if text.contains(['@', '?', '#']) => {
            return "(not shown: it may hold credentials)".into();
        }
        _ => text.to_string(),
    };
    format!("`{}`", for_terminal(&shown_text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_endpoint_with_or_without_a_path() {
        let e = Endpoint::parse("https://huggingface.co/").unwrap();
        assert_eq!(e.as_str(), "https://huggingface.co");
        let e = Endpoint::parse("http://127.0.0.1:8080/mirror/").unwrap();
        assert_eq!(e.as_str(), "http://127.0.0.1:8080/mirror");
        assert_eq!(
            e.join("/api/models/o/r/refs").unwrap().as_str(),
            "http://127.0.0.1:8080/mirror/api/models/o/r/refs"
        );
    }

    #[test]
    fn credentials_query_and_other_schemes_are_refused_unshown() {
        for (text, problem) in [
            ("http://user:secret@hub.example/", "credentials"),
            ("http://secret@hub.example/", "credentials"),
            ("http://hub.example/?token=secret", "query"),
            ("http://hub.example/#secret", "query"),
            ("ftp://user:secret@hub.example/", "http(s)"),
            ("hub.example/?secret", "not a URL"),
            ("http://user:secret@", "not a URL"),
        ] {
            let e = Endpoint::parse(text).unwrap_err();
            let message = e.to_string();
            assert!(message.contains(problem), "{text}: {message}");
            assert!(!message.contains("secret"), "{text}: {message}");
        }
        let e = Endpoint::parse("http://user:secret@hub.example:8/p").unwrap_err();
        assert_eq!(e.shown, "`http://***@hub.example:8/p`");
    }

    #[test]
    fn dot_segments_make_no_url() {
        let e = Endpoint::parse("http://hub.example").unwrap();
        assert!(e.join("/api/models/o/r/tag/..").is_none());
        assert!(e.join("/api/models/o/r/tag/%2e%2E").is_none());
        assert!(e.join("/api/models/o/r/tag/.").is_none());
        assert!(e.join("/api/models/o/r/tag/v1..2").is_some());
        assert!(e.join("/api/models/o/r/tag/refs%2Fpr%2F1").is_some());
    }

    #[test]
    fn origin_is_scheme_host_and_port() {
        let e = Endpoint::parse("http://127.0.0.1:8080").unwrap();
        let same = |u: &str| e.same_origin(&Url::parse(u).unwrap());
        assert!(same("http://127.0.0.1:8080/other/path?x=1"));
        assert!(!same("http://127.0.0.1:8081/"));
        assert!(!same("https://127.0.0.1:8080/"));
        assert!(!same("http://localhost:8080/"));
        let e = Endpoint::parse("https://huggingface.co").unwrap();
        assert!(e.same_origin(&Url::parse("https://huggingface.co:443/x").unwrap()));
        assert!(!e.same_origin(&Url::parse("https://cdn-lfs.huggingface.co/x").unwrap()));
    }

    #[test]
    fn shown_urls_hold_no_secrets() {
        let url = Url::parse("https://u:p@cdn.example/file?X-Amz-Signature=abc#f").unwrap();
        assert_eq!(shown(&url), "https://cdn.example/file?***");
        assert_eq!(
            redact("http://hub.example/\u{1b}]0;x"),
            "`http://hub.example/%1B]0;x`"
        );
        assert_eq!(redact("not a url"), "`not a url`");
        assert_eq!(redact("bad\u{1b}"), "`bad\\u{1b}`");
    }
}
