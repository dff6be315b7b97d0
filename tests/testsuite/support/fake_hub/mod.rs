//! A fake Hugging Face Hub on 127.0.0.1 for the hf-sync and verify tests:
//! refs per repo in memory, answering the refs, revision and tag endpoints
//! as the Hub does (JSON refs, `X-Error-Code` 404s, 409 for an existing tag,
//! 401 without a valid token), with scripted faults (429 with `Retry-After`,
//! 5xx, slow answers, redirects, oversized answers). Every request is
//! recorded.
//!
//! For `cadence verify` it also holds files per commit ([`FakeFile`]: stored
//! with LFS or in git) and answers `POST paths-info/<rev>` (a form body with
//! `paths` repeated; a path it does not have is left out of the list, as the
//! Hub does) and `GET /<repo>/resolve/<rev>/<file>` (the file's bytes). A
//! branch resolves to its commit in every endpoint.
//!
//! [`Recorder`] is a second server, another origin, that records every
//! request it gets (method, headers, body): the redirect tests point the
//! fake Hub's `Location` at it and check what reached it.
//!
//! [`isolate`] prepares a [`SiteTest`]'s runs for talking to it: an empty
//! environment with a home folder of the test's own.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use serde_json::json;
use tiny_http::{Header, Response, Server};

mod files;
pub use files::FakeFile;
use files::{paths_info, resolve};

use super::SiteTest;

/// Make `site`'s runs independent of this machine: an empty environment
/// but `NO_COLOR`, and `HOME` and `HF_HOME` in the test's folder (so no
/// token file, no proxy, no `HF_TOKEN` unless the test sets one).
pub fn isolate(site: &mut SiteTest) -> &mut SiteTest {
    let home = site.beside("home");
    site.env_clear()
        .env("HOME", &home)
        .env("HF_HOME", home.join("hf"))
}

#[derive(Debug, Clone, Default)]
pub struct Repo {
    pub commits: BTreeSet<String>,
    pub branches: BTreeMap<String, String>,
    /// tag -> (commit, message)
    pub tags: BTreeMap<String, (String, Option<String>)>,
    /// Writes answer 403 when false.
    pub read_only: bool,
    /// commit -> path -> file
    pub files: BTreeMap<String, BTreeMap<String, FakeFile>>,
}

impl Repo {
    pub fn new(commits: &[&str]) -> Repo {
        let mut repo = Repo {
            commits: commits.iter().map(|c| c.to_string()).collect(),
            ..Repo::default()
        };
        if let Some(last) = commits.last() {
            repo.branches.insert("main".into(), last.to_string());
        }
        repo
    }

    pub fn tag(mut self, name: &str, commit: &str) -> Repo {
        self.tags.insert(name.into(), (commit.into(), None));
        self
    }

    /// A branch `name` at `commit` (`main` is the last commit already).
    #[allow(dead_code)]
    pub fn branch(mut self, name: &str, commit: &str) -> Repo {
        self.branches.insert(name.into(), commit.into());
        self
    }

    /// `file` at `path` in `commit`.
    pub fn file(mut self, commit: &str, path: &str, file: FakeFile) -> Repo {
        self.files
            .entry(commit.into())
            .or_default()
            .insert(path.into(), file);
        self
    }

    fn resolve(&self, rev: &str) -> Option<String> {
        if self.commits.contains(rev) {
            return Some(rev.to_string());
        }
        self.branches
            .get(rev)
            .cloned()
            .or_else(|| self.tags.get(rev).map(|(c, _)| c.clone()))
    }
}

/// A request as the fake Hub saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The raw path, percent-encoding kept, query left off.
    pub path: String,
    pub authorization: Option<String>,
    /// Every header, names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn changes(&self) -> bool {
        self.method != "GET" && self.method != "HEAD"
    }

    fn of(request: &mut tiny_http::Request) -> Seen {
        let headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .map(|h| {
                (
                    h.field.to_string().to_ascii_lowercase(),
                    h.value.to_string(),
                )
            })
            .collect();
        let authorization = headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .map(|(_, v)| v.clone());
        let mut body = String::new();
        let _ = request.as_reader().read_to_string(&mut body);
        Seen {
            method: request.method().to_string(),
            path: request.url().split('?').next().unwrap_or("").to_string(),
            authorization,
            headers,
            body,
        }
    }
}

/// A scripted answer for the next `times` requests of `method` on `path`.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer this status (with `Retry-After` when given) without doing anything.
    Status {
        status: u16,
        retry_after: Option<u64>,
    },
    /// Do the work, then wait this long before answering.
    Slow(Duration),
    /// Answer 403 with the request's Authorization header in the message
    /// (a hostile server; the client must not repeat it).
    EchoAuth,
    /// Answer this redirect status with this `Location`, doing nothing.
    Redirect { status: u16, location: String },
    /// Answer 200 with valid refs JSON padded with spaces to `bytes`, with a
    /// `Content-Length` or, when `content_length` is false, chunked.
    Big { bytes: usize, content_length: bool },
}

#[derive(Debug)]
struct Scripted {
    method: String,
    path: String,
    fault: Fault,
    times: usize,
}

#[derive(Debug, Default)]
pub struct State {
    pub token: String,
    pub repos: BTreeMap<String, Repo>,
    pub seen: Vec<Seen>,
    script: Vec<Scripted>,
}

pub struct FakeHub {
    pub url: String,
    state: Arc<Mutex<State>>,
    server: Arc<Server>,
    thread: Option<JoinHandle<()>>,
}

impl FakeHub {
    /// A Hub that accepts `Bearer <token>`.
    pub fn start(token: &str) -> FakeHub {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let state = Arc::new(Mutex::new(State {
            token: token.into(),
            ..State::default()
        }));
        let (s, st) = (server.clone(), state.clone());
        let thread = std::thread::spawn(move || {
            for request in s.incoming_requests() {
                let st = st.clone();
                std::thread::spawn(move || handle(&st, request));
            }
        });
        FakeHub {
            url: format!("http://127.0.0.1:{port}"),
            state,
            server,
            thread: Some(thread),
        }
    }

    pub fn with_repo(self, id: &str, repo: Repo) -> FakeHub {
        self.state().repos.insert(id.into(), repo);
        self
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The tags of a repo, name -> commit.
    pub fn tags(&self, repo: &str) -> BTreeMap<String, String> {
        self.state().repos[repo]
            .tags
            .iter()
            .map(|(k, (c, _))| (k.clone(), c.clone()))
            .collect()
    }

    pub fn tag_message(&self, repo: &str, tag: &str) -> Option<String> {
        self.state().repos[repo]
            .tags
            .get(tag)
            .and_then(|(_, m)| m.clone())
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state().seen.clone()
    }

    pub fn clear_seen(&self) {
        self.state().seen.clear();
    }

    /// "METHOD path" of every request, in order.
    pub fn log(&self) -> Vec<String> {
        self.seen()
            .iter()
            .map(|s| format!("{} {}", s.method, s.path))
            .collect()
    }

    pub fn script(&self, method: &str, path: &str, fault: Fault, times: usize) {
        self.state().script.push(Scripted {
            method: method.into(),
            path: path.into(),
            fault,
            times,
        });
    }
}

impl Drop for FakeHub {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

type Answer = (u16, Vec<(&'static str, String)>, String);

fn error(status: u16, code: Option<&str>, message: &str) -> Answer {
    let mut headers = vec![("X-Error-Message", message.to_string())];
    if let Some(c) = code {
        headers.push(("X-Error-Code", c.to_string()));
    }
    (status, headers, json!({ "error": message }).to_string())
}

fn ok(body: serde_json::Value) -> Answer {
    (200, vec![], body.to_string())
}

fn handle(state: &Arc<Mutex<State>>, mut request: tiny_http::Request) {
    let seen = Seen::of(&mut request);
    let (method, path) = (seen.method.clone(), seen.path.clone());
    let authorization = seen.authorization.clone();
    let body = seen.body.clone();

    let (fault, answer) = {
        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
        st.seen.push(seen);
        let fault = st
            .script
            .iter_mut()
            .find(|s| s.times > 0 && s.method == method && s.path == path)
            .map(|s| {
                s.times -= 1;
                s.fault.clone()
            });
        let answer = match &fault {
            Some(Fault::Status {
                status,
                retry_after,
            }) => {
                let mut a = error(*status, None, "scripted failure");
                if let Some(secs) = retry_after {
                    a.1.push(("Retry-After", secs.to_string()));
                }
                a
            }
            Some(Fault::EchoAuth) => error(
                403,
                None,
                &format!(
                    "credentials {} cannot write here",
                    authorization.clone().unwrap_or_default()
                ),
            ),
            Some(Fault::Redirect { status, location }) => {
                (*status, vec![("Location", location.clone())], String::new())
            }
            Some(Fault::Big { bytes, .. }) => {
                let mut text = r#"{"branches":[],"converts":[],"tags":[]}"#.to_string();
                let pad = bytes.saturating_sub(text.len());
                text.push_str(&" ".repeat(pad));
                (200, vec![], text)
            }
            Some(Fault::Slow(_)) | None => {
                route(&mut st, &method, &path, authorization.as_deref(), &body)
            }
        };
        (fault, answer)
    };
    if let Some(Fault::Slow(wait)) = fault {
        std::thread::sleep(wait);
    }
    let chunked = matches!(
        fault,
        Some(Fault::Big {
            content_length: false,
            ..
        })
    );
    respond(request, answer, chunked);
}

/// Send `answer` as JSON, with a `Content-Length` unless `chunked`.
fn respond(request: tiny_http::Request, answer: Answer, chunked: bool) {
    let (status, headers, text) = answer;
    let length = (!chunked).then_some(text.len());
    let mut response = Response::new(
        tiny_http::StatusCode(status),
        vec![Header::from_bytes("Content-Type", "application/json").unwrap()],
        std::io::Cursor::new(text.into_bytes()),
        length,
        None,
    );
    if !chunked {
        // tiny_http sends bodies over 32 KiB chunked unless told otherwise.
        response = response.with_chunked_threshold(usize::MAX);
    }
    for (k, v) in headers {
        response = response.with_header(Header::from_bytes(k, v.as_bytes()).unwrap());
    }
    let _ = request.respond(response);
}

/// A second local server (another origin) that records every request and
/// answers each with 200 and the same body.
pub struct Recorder {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    server: Arc<Server>,
    thread: Option<JoinHandle<()>>,
}

impl Recorder {
    pub fn start(body: &str) -> Recorder {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (s, log, body) = (server.clone(), seen.clone(), body.to_string());
        let thread = std::thread::spawn(move || {
            for mut request in s.incoming_requests() {
                let one = Seen::of(&mut request);
                log.lock().unwrap_or_else(|e| e.into_inner()).push(one);
                respond(request, ok_text(&body), false);
            }
        });
        Recorder {
            url: format!("http://127.0.0.1:{port}"),
            seen,
            server,
            thread: Some(thread),
        }
    }

    /// Every request it received, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn ok_text(body: &str) -> Answer {
    (200, vec![], body.to_string())
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn route(st: &mut State, method: &str, path: &str, auth: Option<&str>, body: &str) -> Answer {
    if method == "GET"
        && let Some(answer) = resolve(st, path, auth)
    {
        return answer;
    }
    let Some(rest) = path.strip_prefix("/api/models/") else {
        return error(404, None, "Not Found");
    };
    let parts: Vec<&str> = rest.split('/').collect();
    if parts.len() < 3 {
        return error(404, None, "Not Found");
    }
    let repo_id = format!("{}/{}", decode(parts[0]), decode(parts[1]));
    let kind = parts[2];
    // An unencoded `/` in a revision or tag would make more segments.
    let arg = (parts.len() == 4).then(|| decode(parts[3]));
    if parts.len() > 4 {
        return error(404, None, "Not Found");
    }

    let valid = auth == Some(format!("Bearer {}", st.token).as_str());
    if auth.is_some() && !valid {
        return error(401, None, "Invalid credentials in Authorization header");
    }
    // paths-info is a read, sent as a POST.
    let writes = method != "GET" && kind != "paths-info";
    if writes && auth.is_none() {
        return error(401, None, "You must be authenticated to do this");
    }
    let Some(repo) = st.repos.get_mut(&repo_id) else {
        return error(404, Some("RepoNotFound"), "Repository not found");
    };
    match (method, kind, arg) {
        ("GET", "refs", None) => {
            let refs = |m: &BTreeMap<String, String>, prefix: &str| {
                m.iter()
                    .map(|(n, c)| json!({ "name": n, "ref": format!("{prefix}{n}"), "targetCommit": c }))
                    .collect::<Vec<_>>()
            };
            let tags: BTreeMap<String, String> = repo
                .tags
                .iter()
                .map(|(k, (c, _))| (k.clone(), c.clone()))
                .collect();
            ok(json!({
                "branches": refs(&repo.branches, "refs/heads/"),
                "converts": [],
                "tags": refs(&tags, "refs/tags/"),
            }))
        }
        ("GET", "revision", Some(rev)) => match repo.resolve(&rev) {
            Some(sha) => ok(json!({ "id": repo_id, "sha": sha, "siblings": [] })),
            None => error(
                404,
                Some("RevisionNotFound"),
                &format!("Invalid rev id: {rev}"),
            ),
        },
        ("POST", "paths-info", Some(rev)) => paths_info(repo, &rev, body),
        ("POST", "tag", Some(rev)) => {
            if repo.read_only {
                return error(
                    403,
                    None,
                    "You don't have the rights to create a tag in this repo",
                );
            }
            let payload: serde_json::Value = serde_json::from_str(body).unwrap_or(json!({}));
            let Some(tag) = payload.get("tag").and_then(|t| t.as_str()) else {
                return error(400, None, "tag is required");
            };
            let Some(sha) = repo.resolve(&rev) else {
                return error(
                    404,
                    Some("RevisionNotFound"),
                    &format!("Invalid rev id: {rev}"),
                );
            };
            if repo.tags.contains_key(tag) {
                return error(409, None, &format!("Tag {tag} already exists"));
            }
            let message = payload
                .get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string);
            repo.tags.insert(tag.to_string(), (sha, message));
            ok(json!({}))
        }
        ("DELETE", "tag", Some(tag)) => {
            if repo.read_only {
                return error(
                    403,
                    None,
                    "You don't have the rights to delete a tag in this repo",
                );
            }
            if repo.tags.remove(&tag).is_none() {
                return error(
                    404,
                    Some("RevisionNotFound"),
                    &format!("Invalid rev id: {tag}"),
                );
            }
            ok(json!({}))
        }
        _ => error(404, None, "Not Found"),
    }
}
