//! `cadence serve`: the real binary on a free port of 127.0.0.1, fetched
//! over HTTP while the test edits the site on disk.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::build::site;
use crate::prelude::*;

const RELEASE: &str = "releases/granite-7b-lab/versioned/1.1.0.yaml";
const PAGE: &str = "/granite-7b-lab/versioned/1.1.0/";

/// A running `cadence serve`, killed on drop.
struct Server {
    child: Child,
    port: u16,
    // Kept so that the threads draining stdout and stderr keep running.
    _lines: mpsc::Receiver<String>,
}

impl Server {
    /// `cadence serve --port 0` on `site`: the port it took.
    fn start(site: &SiteTest) -> Server {
        let mut child = site
            .command(["serve", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let tx2 = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx2.send(line);
            }
        });
        // Findings of a first build that failed come before the address.
        let port = loop {
            let line = lines
                .recv_timeout(Duration::from_secs(30))
                .expect("serve printed its address");
            if let Some(port) = line
                .split("http://127.0.0.1:")
                .nth(1)
                .and_then(|r| r.split('/').next())
                .and_then(|p| p.parse().ok())
            {
                break port;
            }
        };
        Server {
            child,
            port,
            _lines: lines,
        }
    }

    /// GET a raw request target: (status, content type, body).
    fn get(&self, target: &str) -> (u16, String, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let ctype = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Type: "))
            .unwrap_or("")
            .to_string();
        (status, ctype, body.to_string())
    }

    /// Poll `target` until `pred` holds of its body; the body, or a panic
    /// after a generous deadline (this is not a timing test).
    fn wait_for(&self, target: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let (_, _, body) = self.get(target);
            if pred(&body) {
                return body;
            }
            assert!(Instant::now() < deadline, "{target} never showed {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The manifest of [`RELEASE`], for `SiteTest::manifest`.
const RELEASE_ID: &str = "granite-7b-lab/versioned/1.1.0";

#[test]
fn serves_pages_and_feeds_with_their_types_and_local_links() {
    let site = site();
    let server = Server::start(&site);
    let local = format!("http://127.0.0.1:{}/", server.port);

    let (status, ctype, body) = server.get("/");
    assert_eq!(status, 200);
    assert_eq!(ctype, "text/html; charset=utf-8");
    assert!(
        body.contains(&format!("href=\"{local}atom.xml\"")),
        "base_url is not the local address"
    );
    assert!(body.contains("/__cadence/live.js"), "no live-reload script");

    for (target, want) in [
        ("/atom.xml", "application/atom+xml"),
        ("/rss.xml", "application/rss+xml"),
        ("/calendar.ics", "text/calendar; charset=utf-8"),
        ("/api/v1/releases.json", "application/json"),
        ("/static/style.css", "text/css; charset=utf-8"),
        (PAGE, "text/html; charset=utf-8"),
    ] {
        let (status, ctype, _) = server.get(target);
        assert_eq!((status, ctype.as_str()), (200, want), "{target}");
    }
    let (_, _, feed) = server.get("/atom.xml");
    assert!(
        feed.contains(&format!("<link href=\"{local}atom.xml\" rel=\"self\"")),
        "{feed}"
    );

    // `/schedule` redirects to `/schedule/`; an unknown page is the 404 page.
    let (status, _, _) = server.get("/schedule");
    assert_eq!(status, 301);
    let (status, _, body) = server.get("/no-such-page/");
    assert_eq!(status, 404);
    assert!(body.contains("<html"), "the 404 page is served");
}

#[test]
fn path_traversal_is_not_found() {
    let site = site();
    // A file outside the build that a traversal would reach.
    std::fs::write(site.beside("secret.txt"), "secret").unwrap();
    let server = Server::start(&site);
    for target in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/static/..%2f..%2fsecret.txt",
        "/static/%2e%2e/%2e%2e/cadence.toml",
        "/..\\secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/cadence.toml",
        "/releases/granite-7b-lab/versioned/1.1.0.yaml",
        "/%00",
    ] {
        let (status, _, body) = server.get(target);
        assert_eq!(status, 404, "{target}");
        assert!(
            !body.contains("secret") || body.contains("<html"),
            "{target}"
        );
        assert!(!body.contains("base_url ="), "{target} served cadence.toml");
    }
}

#[test]
fn a_changed_manifest_is_served_and_a_broken_one_keeps_the_last_good_build() {
    let mut site = site();
    let server = Server::start(&site);
    let (_, _, before) = server.get(PAGE);
    assert!(!before.contains("Edited while serving"));

    // Every open page is told to reload.
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(events, "GET /__cadence/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut events = BufReader::new(events);
    let mut line = String::new();
    events.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");

    site.manifest(RELEASE_ID, "summary: Edited while serving.");
    server.wait_for(PAGE, "the new summary", |b| {
        b.contains("Edited while serving.")
    });
    // The feeds and the API that carry it changed too: the API a moment
    // after the pages (a rebuild renders the calendars and the API after
    // it has reloaded the open pages, `Outcome::deferred`).
    server.wait_for(
        "/api/v1/releases.json",
        "the API with the new summary",
        |b| b.contains("Edited while serving."),
    );
    let mut saw_reload = false;
    for _ in 0..50 {
        line.clear();
        if events.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if line.trim() == "event: reload" {
            saw_reload = true;
            break;
        }
    }
    assert!(saw_reload, "no reload event was sent");

    // Break it: the last good page is still served, with the findings over it.
    let good = site.read(RELEASE);
    site.manifest(RELEASE_ID, "sumary: typo");
    let page = server.wait_for(PAGE, "the error overlay", |b| b.contains("cadence-overlay"));
    assert!(
        page.contains("Edited while serving."),
        "the last good build is gone"
    );
    assert!(page.contains("error[schema]"), "{page}");
    assert!(page.contains(RELEASE), "the overlay names the file");
    assert!(page.contains("did you mean `summary`?"));
    // Every page shows it, not only the one that broke.
    let (_, _, home) = server.get("/");
    assert!(home.contains("cadence-overlay"));

    // Fix it: the overlay is gone.
    site.write(
        RELEASE,
        good.replace("Edited while serving.", "Fixed again."),
    );
    let page = server.wait_for(PAGE, "the fixed page", |b| b.contains("Fixed again."));
    assert!(!page.contains("cadence-overlay"));
}

#[test]
fn editor_swap_files_do_not_trigger_a_rebuild_and_new_manifests_appear() {
    let mut site = site();
    let server = Server::start(&site);
    site.write(
        "releases/granite-7b-lab/versioned/.1.1.0.yaml.swp",
        "\0\0junk",
    )
    .write("releases/granite-7b-lab/versioned/1.1.0.yaml~", "junk: [")
    // A content page added while serving is published.
    .write(
        "content/new-page.md",
        "---\ntitle: Added live\n---\nHello from a new page.\n",
    );
    server.wait_for("/new-page/", "the new page", |b| {
        b.contains("Hello from a new page.")
    });
    let (_, _, home) = server.get("/");
    assert!(
        !home.contains("cadence-overlay"),
        "a swap file broke the build"
    );
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let out = site().run(["serve", "--port", &port]);
    assert_eq!(out.status, 2);
    let err = &out.stderr;
    assert!(
        err.contains("already in use") && err.contains("--port"),
        "{err}"
    );
}

#[test]
fn the_live_reload_script_is_never_in_build_output() {
    let site = site();
    let out = site.beside("public");
    site.run(["build", "-q", "--out", out.to_str().unwrap()])
        .success();
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("__cadence"), "{}", entry.path().display());
        }
    }
}

#[test]
fn a_symlink_out_of_the_site_is_not_served() {
    let mut site = site();
    std::fs::write(site.beside("secret.txt"), "top secret").unwrap();
    let inside = site.path("content/inside.txt");
    site.symlink(site.beside("secret.txt"), "content/leak.txt")
        // A link inside the site is fine.
        .write("content/inside.txt", "inside")
        .symlink(inside, "content/alias.txt");
    let server = Server::start(&site);
    let (status, _, body) = server.get("/leak.txt");
    assert_eq!(status, 404);
    assert!(!body.contains("top secret"));
    // The link out of the site is an `unsafe-path` error (SPEC 5): nothing
    // builds until it is gone; then the link inside is served.
    assert!(body.contains("unsafe-path"), "{body}");
    site.remove("content/leak.txt");
    let body = server.wait_for("/alias.txt", "the linked file", |b| b == "inside");
    assert_eq!(body, "inside");
    let (status, _, body) = server.get("/leak.txt");
    assert_eq!(status, 404);
    assert!(!body.contains("top secret"));
}

#[test]
fn a_site_that_never_built_shows_its_findings_then_the_site_once_fixed() {
    let mut site = site();
    let good = site.read(RELEASE);
    site.write(RELEASE, format!("{good}sumary: typo\n"));
    let server = Server::start(&site);
    let (status, _, page) = server.get(PAGE);
    assert_eq!(status, 404);
    assert!(
        page.contains("cadence-overlay") && page.contains("error[schema]"),
        "{page}"
    );
    // The page can reload itself once the site builds.
    assert!(page.contains("/__cadence/live.js?g=0"), "{page}");
    site.write(RELEASE, good);
    let page = server.wait_for(PAGE, "the built page", |b| b.contains("<h1"));
    assert!(!page.contains("cadence-overlay"));
    assert!(
        page.contains("/__cadence/live.js?g=1"),
        "the generation did not move"
    );
}

/// What `serve` adds to an HTML page.
fn strip_live(body: &str) -> String {
    match body.find("<script src=\"/__cadence/live.js") {
        Some(start) => {
            let end = body[start..]
                .find("</script>")
                .map_or(body.len(), |e| start + e + 9);
            format!("{}{}", &body[..start], &body[end..])
        }
        None => body.to_string(),
    }
}

#[test]
fn an_incremental_rebuild_serves_what_a_full_build_writes() {
    let mut site = site();
    let server = Server::start(&site);
    // Edit a final, add a stream build, delete a candidate: each rebuild
    // renders only what the change touches.
    site.edit(RELEASE, "summary: ", "summary: Incremental. ");
    server.wait_for(PAGE, "the edit", |b| b.contains("Incremental."));
    let stream = site.path("releases/granite-7b-lab/stream");
    let newest = std::fs::read_dir(&stream)
        .unwrap()
        .map(|e| e.unwrap().path())
        .max()
        .unwrap();
    let text = std::fs::read_to_string(&newest).unwrap();
    let old_version = newest.file_stem().unwrap().to_str().unwrap().to_string();
    let new_version = "2025-05-19";
    let added = text
        .replace(
            &format!("version: {old_version}"),
            &format!("version: {new_version}"),
        )
        .lines()
        .map(|l| {
            if l.starts_with("date:") {
                format!("date: {new_version}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    std::fs::write(stream.join(format!("{new_version}.yaml")), added).unwrap();
    server.wait_for(
        &format!("/granite-7b-lab/stream/{new_version}/"),
        "the new build",
        |b| b.contains(new_version) && !b.contains("Not found"),
    );

    let out = site.beside("full");
    let base_url = format!("http://127.0.0.1:{}/", server.port);
    site.run([
        "build",
        "-q",
        "--base-url",
        &base_url,
        "--out",
        out.to_str().unwrap(),
    ])
    .success();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut differ = Vec::new();
        for entry in walkdir::WalkDir::new(&out) {
            let entry = entry.unwrap();
            if !entry.file_type().is_file() || entry.file_name() == ".cadence-build" {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let want = std::fs::read_to_string(entry.path()).unwrap();
            let (status, _, body) = server.get(&format!("/{rel}"));
            if status != 200 || strip_live(&body) != want {
                differ.push(rel);
            }
        }
        if differ.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "served files differ from a full build: {differ:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // A deleted manifest's page is gone.
    std::fs::remove_file(stream.join(format!("{new_version}.yaml"))).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while server
        .get(&format!("/granite-7b-lab/stream/{new_version}/"))
        .0
        != 404
    {
        assert!(
            Instant::now() < deadline,
            "the deleted build is still served"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
