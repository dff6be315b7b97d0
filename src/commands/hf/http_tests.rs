//! Tests of the one request path against tiny servers on 127.0.0.1 (and a
//! resolver that fails, for DNS). The hf-sync integration tests cover the
//! same rules end to end through the binary.

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use reqwest::Method;
use tiny_http::{Header, Response, Server};

use super::*;

/// What a test server saw of one request.
#[derive(Debug, Clone)]
struct Got {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: String,
}

/// How a test server answers: status, headers, body, and a delay first.
type Reply = (u16, Vec<(&'static str, String)>, String, Duration);

struct TestServer {
    url: String,
    got: Arc<Mutex<Vec<Got>>>,
    server: Arc<Server>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    fn start(reply: impl Fn(&Got) -> Reply + Send + Sync + 'static) -> TestServer {
        let server = Arc::new(Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let (s, log, reply) = (server.clone(), got.clone(), Arc::new(reply));
        let thread = std::thread::spawn(move || {
            for mut request in s.incoming_requests() {
                let mut body = String::new();
                let _ = request.as_reader().read_to_string(&mut body);
                let one = Got {
                    method: request.method().to_string(),
                    url: request.url().to_string(),
                    headers: request
                        .headers()
                        .iter()
                        .map(|h| {
                            (
                                h.field.to_string().to_ascii_lowercase(),
                                h.value.to_string(),
                            )
                        })
                        .collect(),
                    body,
                };
                log.lock().unwrap().push(one.clone());
                let reply = reply.clone();
                std::thread::spawn(move || {
                    let (status, headers, text, delay) = reply(&one);
                    std::thread::sleep(delay);
                    let mut response = Response::from_string(text).with_status_code(status);
                    for (k, v) in headers {
                        response = response.with_header(Header::from_bytes(k, v).unwrap());
                    }
                    let _ = request.respond(response);
                });
            }
        });
        TestServer {
            url: format!("http://127.0.0.1:{port}"),
            got,
            server,
            thread: Some(thread),
        }
    }

    fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn reply(status: u16, body: &str) -> Reply {
    (status, vec![], body.to_string(), Duration::ZERO)
}

fn fast() -> Settings {
    Settings {
        timeout: Duration::from_secs(5),
        backoff: Duration::from_millis(10),
        ..Settings::default()
    }
}

fn http(endpoint: &str, settings: Settings) -> Http {
    Http::new(
        Endpoint::parse(endpoint).unwrap(),
        Some("hf_secret".into()),
        settings,
    )
    .unwrap()
}

fn get(url: &str) -> Request {
    Request::new(
        Method::GET,
        Url::parse(url).unwrap(),
        "o/r",
        "reading the refs of o/r".into(),
    )
}

fn retries_noticed(http: &mut Http) -> Arc<Mutex<u32>> {
    let count = Arc::new(Mutex::new(0));
    let c = count.clone();
    http.set_notices(Box::new(move |n| {
        if let Notice::Retry { .. } = n {
            *c.lock().unwrap() += 1;
        }
    }));
    count
}

#[test]
fn the_defaults_are_those_of_spec_9() {
    let s = Settings::default();
    assert_eq!(s.timeout, Duration::from_secs(10));
    assert_eq!(s.budget, Duration::from_secs(60));
    assert_eq!(MAX_ANSWER, 32 * 1024 * 1024);
}

/// A resolver that knows no name.
struct NoDns;

impl reqwest::dns::Resolve for NoDns {
    fn resolve(&self, _: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async {
            Err::<reqwest::dns::Addrs, _>(Box::new(std::io::Error::other("no such host")) as _)
        })
    }
}

#[test]
fn a_dns_failure_is_reported_at_once() {
    let builder = reqwest::blocking::Client::builder().dns_resolver(Arc::new(NoDns));
    let endpoint = Endpoint::parse("http://hub.invalid").unwrap();
    let mut http = Http::with_builder(endpoint, None, fast(), builder).unwrap();
    let retries = retries_noticed(&mut http);
    let e = http.send(&get("http://hub.invalid/api/models/o/r/refs"));
    match e {
        Err(HubError::Network {
            attempts, message, ..
        }) => {
            assert_eq!(attempts, 1);
            assert!(message.contains("no such host"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(*retries.lock().unwrap(), 0);
}

#[test]
fn backoffs_stop_at_the_retry_budget() {
    let server = TestServer::start(|_| reply(503, "busy"));
    let settings = Settings {
        backoff: Duration::from_millis(200),
        max_backoff: Duration::from_secs(10),
        retries: 10,
        budget: Duration::from_millis(300),
        ..fast()
    };
    let http = http(&server.url, settings);
    // 200 ms fits in the budget, 400 ms after it does not. The second try
    // has only the 100 ms left of the budget: on a busy machine it may run
    // out, and then the request ends as a timeout after two tries.
    let attempts = match http.send(&get(&format!("{}/x", server.url))) {
        Ok(answer) => {
            assert_eq!(answer.status, 503);
            answer.attempts
        }
        Err(HubError::Timeout { attempts: 2, .. }) => 2,
        Err(other) => panic!("{other:?}"),
    };
    assert!(attempts <= 2, "{attempts} attempts");
    let got = server.got().len() as u32;
    assert!(
        (1..=attempts).contains(&got),
        "{got} requests for {attempts} tries"
    );
}

#[test]
fn a_try_never_outlasts_the_retry_budget() {
    let server = TestServer::start(|_| (200, vec![], "{}".into(), Duration::from_secs(3)));
    let settings = Settings {
        budget: Duration::from_millis(300),
        ..fast()
    };
    let http = http(&server.url, settings);
    // The server answers in 3 s, within the 5 s timeout but not the budget.
    match http.send(&get(&format!("{}/x", server.url))) {
        Err(HubError::Timeout { attempts: 1, .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_retry_after_past_the_budget_is_not_waited_for() {
    let server = TestServer::start(|_| {
        (
            429,
            vec![("Retry-After", "61".into())],
            String::new(),
            Duration::ZERO,
        )
    });
    let mut http = http(&server.url, fast());
    let retries = retries_noticed(&mut http);
    let answer = http.send(&get(&format!("{}/x", server.url))).unwrap();
    assert_eq!(answer.wait_refused, Some(Duration::from_secs(61)));
    assert_eq!(answer.attempts, 1);
    assert_eq!(*retries.lock().unwrap(), 0);
}

#[test]
fn an_answer_over_the_limit_is_refused() {
    let server = TestServer::start(|_| reply(200, "0123456789A"));
    let http = http(&server.url, fast());
    let request = get(&format!("{}/x", server.url)).limit(10);
    match http.send(&request) {
        Err(e @ HubError::TooLarge { .. }) => {
            let text = e.to_string();
            assert!(text.contains("reading the refs of o/r"), "{text}");
            assert!(text.contains("10 bytes"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    let answer = http.send(&get(&format!("{}/x", server.url)).limit(11));
    assert_eq!(answer.unwrap().body, b"0123456789A");
}

#[test]
fn a_form_body_is_sent_urlencoded_with_repeated_names() {
    let server = TestServer::start(|_| reply(200, "[]"));
    let http = http(&server.url, fast());
    let url = Url::parse(&format!("{}/api/models/o/r/paths-info/main", server.url)).unwrap();
    let request =
        Request::new(Method::POST, url, "o/r", "reading paths".into()).body(Body::Form(vec![
            ("paths".into(), "a b.gguf".into()),
            ("paths".into(), "c&d".into()),
            ("expand".into(), "false".into()),
        ]));
    assert!(http.send(&request).unwrap().success());
    let got = server.got();
    assert_eq!(got[0].method, "POST");
    assert_eq!(got[0].body, "paths=a+b.gguf&paths=c%26d&expand=false");
    assert!(
        got[0].headers.contains(&(
            "content-type".into(),
            "application/x-www-form-urlencoded".into()
        )),
        "{got:?}"
    );
    assert!(
        got[0]
            .headers
            .contains(&("authorization".into(), "Bearer hf_secret".into()))
    );
}

#[test]
fn redirects_that_are_not_followed() {
    let server = TestServer::start(|got| {
        let location = match got.url.as_str() {
            "/file" => Some("file:///etc/passwd"),
            "/none" => None,
            _ => Some("http://user:pw@127.0.0.1:9/x"),
        };
        let headers = location
            .map(|l| vec![("Location", l.to_string())])
            .unwrap_or_default();
        (302, headers, String::new(), Duration::ZERO)
    });
    let http = http(&server.url, fast());
    for (path, problem) in [
        ("/file", "not http(s)"),
        ("/none", "without a usable Location"),
    ] {
        match http.send(&get(&format!("{}{path}", server.url))) {
            Err(e @ HubError::Redirect { .. }) => {
                assert!(e.to_string().contains(problem), "{e}")
            }
            other => panic!("{path}: {other:?}"),
        }
    }
    // A POST is never followed; the message shows the target without userinfo.
    let url = Url::parse(&format!("{}/post", server.url)).unwrap();
    let request = Request::new(Method::POST, url, "o/r", "creating tag v1 on o/r".into())
        .body(Body::Json(serde_json::json!({"tag": "v1"})));
    match http.send(&request) {
        Err(e @ HubError::Redirect { .. }) => {
            let text = e.to_string();
            assert!(
                text.starts_with(
                    "the Hub answered 302 while creating tag v1 on o/r: a redirect to http://127.0.0.1:9/x of a POST"
                ),
                "{text}"
            );
            assert!(!text.contains("pw"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.got().len(), 3);
}

#[test]
fn userinfo_in_a_location_is_not_sent() {
    let other = TestServer::start(|_| reply(200, "{}"));
    let target = other.url.replace("http://", "http://user:pw@");
    let server = TestServer::start(move |_| {
        (
            307,
            vec![("Location", format!("{target}/y"))],
            String::new(),
            Duration::ZERO,
        )
    });
    let http = http(&server.url, fast());
    assert!(
        http.send(&get(&format!("{}/x", server.url)))
            .unwrap()
            .success()
    );
    let got = other.got();
    assert_eq!(got.len(), 1);
    assert!(
        !got[0].headers.iter().any(|(k, _)| k == "authorization"),
        "{got:?}"
    );
}

#[test]
fn the_token_is_redacted_and_never_debug_printed() {
    let http = http("http://127.0.0.1:9", Settings::default());
    assert_eq!(http.redact("Bearer hf_secret is bad"), "Bearer *** is bad");
    assert!(!format!("{http:?}").contains("hf_secret"));
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

/// A sink that keeps what it is given and counts restarts.
#[derive(Default)]
struct Kept {
    bytes: Vec<u8>,
    restarts: u32,
}

impl Sink for Kept {
    fn restart(&mut self) {
        self.bytes.clear();
        self.restarts += 1;
    }
    fn write(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }
}

#[test]
fn a_streamed_body_goes_to_the_sink_and_not_the_answer() {
    let text = "x".repeat(200_000);
    let body = text.clone();
    let server = TestServer::start(move |_| reply(200, &body));
    let http = http(&server.url, fast());
    let mut kept = Kept::default();
    let answer = http
        .send_into(&get(&format!("{}/file", server.url)), &mut kept)
        .unwrap();
    assert_eq!(answer.status, 200);
    assert!(answer.body.is_empty());
    assert_eq!(kept.bytes, text.as_bytes());
    assert_eq!(kept.restarts, 1);
}

#[test]
fn a_streamed_error_answer_is_read_as_usual() {
    let server = TestServer::start(|_| reply(404, r#"{"error":"Entry not found"}"#));
    let http = http(&server.url, fast());
    let mut kept = Kept::default();
    let answer = http
        .send_into(&get(&format!("{}/file", server.url)), &mut kept)
        .unwrap();
    assert_eq!(answer.status, 404);
    assert_eq!(answer.message.as_deref(), Some("Entry not found"));
    assert!(kept.bytes.is_empty() && kept.restarts == 0);
}

#[test]
fn a_streamed_body_over_the_limit_is_refused() {
    let server = TestServer::start(|_| reply(200, &"y".repeat(5000)));
    let http = http(&server.url, fast());
    let mut kept = Kept::default();
    let request = get(&format!("{}/file", server.url)).limit(4096);
    match http.send_into(&request, &mut kept) {
        Err(HubError::TooLarge { limit: 4096, .. }) => {}
        other => panic!("{other:?}"),
    }
    // Never more than one byte past the limit was taken in.
    assert!(kept.bytes.len() <= 4097, "{}", kept.bytes.len());
}

#[test]
fn a_request_may_take_longer_than_the_settings_allow() {
    let server = TestServer::start(|_| (200, vec![], "slow".into(), Duration::from_millis(400)));
    let settings = Settings {
        timeout: Duration::from_millis(100),
        retries: 0,
        ..fast()
    };
    let http = http(&server.url, settings);
    let url = format!("{}/file", server.url);
    assert!(matches!(
        http.send(&get(&url)),
        Err(HubError::Timeout { .. })
    ));
    let mut kept = Kept::default();
    let request = get(&url).timeout(Duration::from_secs(5));
    let answer = http.send_into(&request, &mut kept).unwrap();
    assert_eq!((answer.status, kept.bytes.as_slice()), (200, &b"slow"[..]));
}
