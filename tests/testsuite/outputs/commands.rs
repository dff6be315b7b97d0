//! Commands shown for copy and paste (release pages, the JSON API's
//! `ollama_command`, announcements) and the Hugging Face links, from
//! values a rule should have refused (put straight into the loaded site):
//! a command, split as a shell splits it, gives back exactly the values as
//! single arguments, and a URL's path segments are percent-encoded.

use std::collections::BTreeMap;

use cadence_site::commands::workflow::announcement::{self, Target};
use cadence_site::model::load::Site;
use cadence_site::site::build::render_site;
use cadence_site::site::catalog::Catalog;
use cadence_site::site::theme::Theme;

use super::fixture;
use crate::support::SiteTest;

const MODEL: &str = "granite-7b-lab";
const VERSION: &str = "1.1.0";
const FILE: &str = "x.gguf; touch pwned #.gguf";
const QUANT: &str = "Q4$(id)`id`";
const OLLAMA: &str = "instructlab/granite;id:1.1.0";
const REVISION: &str = "ref's/héads #1?x=%41";
const SUB_FILE: &str = "dir one/é #2?.gguf";
/// The release's own revision (its first 12 bytes are ASCII: pages show
/// them as the short revision).
const RELEASE_REVISION: &str = "0123456789ab/é #?x";

/// The fixture with hostile values in 1.1.0 of the versioned channel: a
/// GGUF artifact with a file and quantization that need quoting, an
/// artifact whose revision and file need percent-encoding, and an Ollama
/// name with `;`.
fn hostile_site() -> (SiteTest, Site, usize) {
    let (dir, mut site) = fixture::site();
    let i = site
        .releases
        .iter()
        .position(|r| r.model == MODEL && r.channel == "versioned" && r.version == VERSION)
        .expect("the fixture has 1.1.0");
    let r = &mut site.releases[i];
    let gguf = r
        .artifacts
        .iter_mut()
        .find(|a| a.quantization.is_some())
        .expect("1.1.0 has a GGUF");
    gguf.file = FILE.into();
    gguf.quantization = Some(QUANT.into());
    let other = r
        .artifacts
        .iter_mut()
        .find(|a| a.quantization.is_none())
        .expect("1.1.0 has safetensors");
    other.file = SUB_FILE.into();
    other.revision = Some(REVISION.into());
    r.ollama = Some(OLLAMA.into());
    r.revision = Some(RELEASE_REVISION.into());
    (dir, site, i)
}

/// The words a POSIX shell makes of a command line: `sh` runs it with
/// `printf` in front, in an empty folder, which must stay empty (the
/// `touch` in a value never runs).
fn words(command: &str) -> Vec<String> {
    let work = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("printf '%s\\0' {command}"))
        .current_dir(work.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{command}: {out:?}");
    assert_eq!(
        std::fs::read_dir(work.path()).unwrap().count(),
        0,
        "{command} ran a command of its own"
    );
    let text = String::from_utf8(out.stdout).unwrap();
    text.strip_suffix('\0')
        .unwrap_or_else(|| panic!("{command}: no word"))
        .split('\0')
        .map(String::from)
        .collect()
}

fn unescape_html(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The commands of a page: the text of each `<pre class="command" ...><code>`
/// (each word in a `<span class="word">` of its own).
fn page_commands(html: &str) -> Vec<String> {
    const OPEN: &str = "<pre class=\"command\"";
    html.split(OPEN)
        .skip(1)
        .map(|rest| {
            let code = &rest[rest.find("<code>").expect("<code>") + 6..];
            let code = &code[..code.find("</code>").expect("</code>")];
            let words = code
                .replace("<span class=\"word\">", "")
                .replace("</span>", "");
            assert!(!words.contains('<'), "markup left in a command: {code}");
            unescape_html(&words)
        })
        .collect()
}

fn repo_of(catalog: &Catalog, i: usize) -> String {
    catalog.info[i].repo.clone()
}

#[test]
fn release_page_commands_split_into_the_values() {
    let (dir, site, i) = hostile_site();
    let catalog = Catalog::new(&site, fixture::today());
    let theme = Theme::load(dir.root(), &site.config.theme).unwrap();
    let files: BTreeMap<String, Vec<u8>> = render_site(&catalog, &theme, false)
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    let page = String::from_utf8(files[&format!("{MODEL}/versioned/{VERSION}/index.html")].clone())
        .unwrap();
    let commands: Vec<Vec<String>> = page_commands(&page).iter().map(|c| words(c)).collect();
    let gguf_repo = "instructlab/granite-7b-lab-GGUF";
    let repo = repo_of(&catalog, i);
    let quantized = format!("hf.co/{gguf_repo}:{QUANT}");
    let want = [
        vec!["ollama", "run", OLLAMA],
        vec!["hf", "download", gguf_repo, FILE, "--revision", "main"],
        vec!["ollama", "run", &quantized],
        vec!["hf", "download", &repo, SUB_FILE, "--revision", REVISION],
        vec!["hf", "download", &repo, "--revision", RELEASE_REVISION],
    ];
    for w in want {
        assert!(
            commands.contains(&w.iter().map(|s| s.to_string()).collect()),
            "no command {w:?} in {commands:#?}"
        );
    }
    // Each `<span class="word">` is one argument, quotes and all: a quoted
    // file name holding spaces does not wrap inside itself.
    let spans: Vec<String> = page
        .split("<span class=\"word\">")
        .skip(1)
        .map(|rest| unescape_html(&rest[..rest.find("</span>").unwrap()]))
        .collect();
    assert!(spans.len() >= 20, "{spans:#?}");
    for span in &spans {
        assert_eq!(words(span).len(), 1, "{span:?} is not one argument");
    }
    assert!(
        spans.contains(&shlex::try_quote(FILE).unwrap().into_owned()),
        "{spans:#?}"
    );
    // The repo at the release's revision: one percent-encoded segment.
    let tree = format!(
        "href=\"https://huggingface.co/{}/tree/0123456789ab%2F%C3%A9%20%23%3Fx\"",
        repo_of(&catalog, i)
    );
    assert!(page.contains(&tree), "no {tree} in {page}");
}

#[test]
fn api_ollama_command_splits_into_the_values() {
    let (_dir, site, i) = hostile_site();
    let catalog = Catalog::new(&site, fixture::today());
    let release = catalog.release_json(i);
    let commands: Vec<Vec<String>> = release["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["ollama_command"].as_str())
        .map(words)
        .collect();
    assert_eq!(
        commands,
        vec![vec![
            "ollama".to_string(),
            "run".into(),
            format!("hf.co/instructlab/granite-7b-lab-GGUF:{QUANT}")
        ]]
    );
}

#[test]
fn announcement_commands_split_into_the_values() {
    let (dir, site, i) = hostile_site();
    let catalog = Catalog::new(&site, fixture::today());
    let theme = Theme::load(dir.root(), &site.config.theme).unwrap();
    let mail = announcement::render(&theme, &catalog, Target::Release(i)).unwrap();
    let commands: Vec<Vec<String>> = mail
        .body
        .lines()
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|l| l.starts_with("ollama ") || l.starts_with("hf "))
        .map(words)
        .collect();
    let ollama = vec!["ollama".to_string(), "run".into(), OLLAMA.into()];
    assert!(commands.contains(&ollama), "{commands:#?}\n{}", mail.body);
    let quantized = vec![
        "ollama".to_string(),
        "run".into(),
        format!("hf.co/instructlab/granite-7b-lab-GGUF:{QUANT}"),
    ];
    assert!(
        commands.contains(&quantized),
        "{commands:#?}\n{}",
        mail.body
    );
}

#[test]
fn download_urls_percent_encode_every_segment() {
    let (_dir, site, i) = hostile_site();
    let catalog = Catalog::new(&site, fixture::today());
    let release = catalog.release_json(i);
    let urls: Vec<&str> = release["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["url"].as_str().unwrap())
        .collect();
    let repo = repo_of(&catalog, i);
    // The revision is one segment (`/` as `%2F`, as huggingface_hub's
    // `hf_hub_url`); the file keeps its `/` between segments.
    assert!(
        urls.contains(
            &format!(
                "https://huggingface.co/{repo}/resolve/ref%27s%2Fh%C3%A9ads%20%231%3Fx%3D%2541/dir%20one/%C3%A9%20%232%3F.gguf"
            )
            .as_str()
        ),
        "{urls:#?}"
    );
    assert!(
        urls.contains(
            &"https://huggingface.co/instructlab/granite-7b-lab-GGUF/resolve/main/x.gguf%3B%20touch%20pwned%20%23.gguf"
        ),
        "{urls:#?}"
    );
    for u in &urls {
        let parsed = url::Url::parse(u).unwrap();
        assert_eq!(parsed.as_str(), *u, "a URL parses back to itself");
        assert!(
            parsed.query().is_none() && parsed.fragment().is_none(),
            "{u}"
        );
    }
}
