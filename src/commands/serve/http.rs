//! A small HTTP/1.1 server for `cadence serve`: files from the in-memory
//! build only, Server-Sent Events for live reload, nothing else.
//!
//! It is written on `std::net` rather than a framework because it needs two
//! things general servers make awkward: an unbuffered event stream, and a
//! guarantee that nothing outside the build is ever read (files are served
//! from memory, so `..`, encoded dots, absolute paths and symlinks cannot
//! reach the disk).
//!
//! Part of the commands layer.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// Path of the live-reload script and the event stream.
pub const LIVE_JS: &str = "/__cadence/live.js";
pub const EVENTS: &str = "/__cadence/events";

/// What is served: the last good build, and the findings of a failed one.
#[derive(Default)]
pub struct State {
    /// Output files by path relative to the output root (`index.html`).
    pub files: HashMap<String, Arc<Vec<u8>>>,
    /// An HTML fragment shown over every page while the last build failed.
    pub overlay: Option<String>,
    /// Counts rebuilds; a page knows the one it was served from, so that a
    /// page that missed a reload event (it was loading) catches up.
    pub generation: u64,
}

/// Shared between the server threads and the rebuild loop.
pub struct Shared {
    pub state: RwLock<State>,
    clients: Mutex<Vec<Sender<String>>>,
}

impl Shared {
    pub fn new(state: State) -> Arc<Shared> {
        Arc::new(Shared {
            state: RwLock::new(state),
            clients: Mutex::new(Vec::new()),
        })
    }

    /// Tell every open page to reload (to `generation`).
    pub fn reload(&self, generation: u64) {
        let mut clients = self.clients.lock().expect("no panics hold this lock");
        clients.retain(|c| c.send(generation.to_string()).is_ok());
    }

    fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = mpsc::channel();
        self.clients
            .lock()
            .expect("no panics hold this lock")
            .push(tx);
        rx
    }
}

pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if path.ends_with("atom.xml") => "application/atom+xml",
        "xml" if path.ends_with("rss.xml") => "application/rss+xml",
        "xml" => "application/xml",
        "ics" => "text/calendar; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The output path a request target names, or `None` for anything that is
/// not a clean path inside the build (`..`, `.`, encoded slashes or dots
/// that decode to them, backslashes, NUL, invalid UTF-8).
pub fn resolve(target: &str) -> Option<String> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return None;
    }
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let (h, l) = (
                bytes.get(i + 1).and_then(|b| hex(*b))?,
                bytes.get(i + 2).and_then(|b| hex(*b))?,
            );
            decoded.push(h * 16 + l);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(decoded).ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/').skip(1) {
        match seg {
            "" => {}
            "." | ".." => return None,
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if decoded.ends_with('/') || out.is_empty() {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str("index.html");
    }
    Some(out)
}

/// Put the live-reload script (and the overlay, if any) into an HTML page
/// served from build `generation`.
pub fn inject(html: &[u8], overlay: Option<&str>, generation: u64) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let mut extra = format!("<script src=\"{LIVE_JS}?g={generation}\" defer></script>");
    if let Some(o) = overlay {
        extra.push_str(o);
    }
    let at = text.rfind("</body>").unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + extra.len());
    out.push_str(&text[..at]);
    out.push_str(&extra);
    out.push_str(&text[at..]);
    out.into_bytes()
}

const LIVE_SCRIPT: &str = r#"(function () {
  // The build this page was served from; the server says which build is
  // current when the stream opens and after every rebuild.
  var me = document.currentScript && document.currentScript.src.match(/[?&]g=(\d+)/);
  var served = me ? me[1] : null;
  var source = new EventSource("/__cadence/events");
  function check(e) { if (served !== null && e.data !== served) { location.reload(); } }
  source.addEventListener("hello", check);
  source.addEventListener("reload", check);
  source.onerror = function () {
    source.close();
    setTimeout(function retry() {
      fetch(location.href, { cache: "no-store" }).then(function () { location.reload(); }, function () { setTimeout(retry, 1000); });
    }, 1000);
  };
})();
"#;

/// Bind the listener; a port in use is a clear error.
pub fn bind(bind: &str, port: u16) -> anyhow::Result<TcpListener> {
    TcpListener::bind((bind, port)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::anyhow!("port {port} on {bind} is already in use; pass another with --port (for example --port {})", port.wrapping_add(1).max(1024))
        } else {
            anyhow::anyhow!("cannot listen on {bind}:{port}: {e}; pass another --bind or --port")
        }
    })
}

/// Accept connections until `stop` is set; one thread per connection.
pub fn serve(listener: TcpListener, shared: Arc<Shared>, stop: Arc<AtomicBool>) {
    listener.set_nonblocking(true).ok();
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).ok();
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let _ = handle(stream, &shared);
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    ctype: &str,
    body: &[u8],
    head_only: bool,
    extra: &str,
) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n{extra}\r\n",
        body.len()
    )?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

fn handle(mut stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers; nothing in them changes the answer.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"method not allowed\n",
            false,
            "Allow: GET, HEAD\r\n",
        );
    }
    let head = method == "HEAD";
    let path_only = target.split(['?', '#']).next().unwrap_or("");
    if path_only == EVENTS {
        return events(stream, shared);
    }
    if path_only == LIVE_JS {
        return respond(
            &mut stream,
            "200 OK",
            "text/javascript; charset=utf-8",
            LIVE_SCRIPT.as_bytes(),
            head,
            "",
        );
    }
    let not_found = |stream: &mut TcpStream, state: &State| {
        // Before a first good build there is no 404 page: a bare page that
        // still shows the findings and reloads when they are fixed.
        let bare: &[u8] = b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><p>Not found.</p></body></html>";
        let page = inject(
            state.files.get("404.html").map_or(bare, |b| b.as_slice()),
            state.overlay.as_deref(),
            state.generation,
        );
        respond(
            stream,
            "404 Not Found",
            "text/html; charset=utf-8",
            &page,
            head,
            "",
        )
    };
    let state = shared.state.read().expect("no panics hold this lock");
    let Some(path) = resolve(target) else {
        return not_found(&mut stream, &state);
    };
    if let Some(body) = state.files.get(&path) {
        let ctype = content_type(&path);
        if ctype.starts_with("text/html") {
            let page = inject(body, state.overlay.as_deref(), state.generation);
            return respond(&mut stream, "200 OK", ctype, &page, head, "");
        }
        return respond(&mut stream, "200 OK", ctype, body, head, "");
    }
    // `/x` where `x/index.html` exists: redirect to `/x/`.
    if !path.ends_with("index.html") && state.files.contains_key(&format!("{path}/index.html")) {
        let location = format!("Location: /{path}/\r\n");
        return respond(
            &mut stream,
            "301 Moved Permanently",
            "text/plain",
            b"",
            head,
            &location,
        );
    }
    not_found(&mut stream, &state)
}

fn events(mut stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let rx = shared.subscribe();
    let generation = shared
        .state
        .read()
        .expect("no panics hold this lock")
        .generation;
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n: cadence live reload\n\nevent: hello\ndata: {generation}\n\n"
    )?;
    stream.flush()?;
    loop {
        match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(generation) => write!(stream, "event: reload\ndata: {generation}\n\n")?,
            // A comment keeps the connection open and finds closed ones.
            Err(mpsc::RecvTimeoutError::Timeout) => stream.write_all(b": ping\n\n")?,
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        }
        stream.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_clean_paths_only() {
        assert_eq!(resolve("/").as_deref(), Some("index.html"));
        assert_eq!(
            resolve("/m/c/1.0.0/").as_deref(),
            Some("m/c/1.0.0/index.html")
        );
        assert_eq!(resolve("/atom.xml?x=1").as_deref(), Some("atom.xml"));
        assert_eq!(resolve("/a%20b.txt").as_deref(), Some("a b.txt"));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2e%2e/x",
            "/a/..%2f..%2fx",
            "/a\\..\\x",
            "/%00",
            "etc/passwd",
            "/%zz",
            "/./x",
        ] {
            assert_eq!(resolve(bad), None, "{bad}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("atom.xml"), "application/atom+xml");
        assert_eq!(content_type("m/rss.xml"), "application/rss+xml");
        assert_eq!(content_type("calendar.ics"), "text/calendar; charset=utf-8");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
    }

    #[test]
    fn injects_before_body_end() {
        let out = String::from_utf8(inject(
            b"<html><body><p>x</p></body></html>",
            Some("<div id=o></div>"),
            7,
        ))
        .unwrap();
        assert!(out.ends_with(
            "<script src=\"/__cadence/live.js?g=7\" defer></script><div id=o></div></body></html>"
        ));
    }
}
