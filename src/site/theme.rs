//! Themes: tera templates and static files. The built-in `default` theme is
//! compiled into the binary; a site's `themes/<name>/templates/` and
//! `themes/<name>/static/` replace its files one by one (as mdBook and Zola
//! do), so a user overrides one template without copying the theme.
//!
//! Part of the site layer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use include_dir::{Dir, include_dir};

use crate::model::diagnostics::Finding;
use crate::model::yaml::Pos;
use crate::site::escape::escape;

static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

mod check;
mod locate;
mod recursion;
mod shape;

pub use check::Source;

pub struct Theme {
    /// Every template by its path under `templates/` (`release.html`,
    /// `announce/release.txt`), loaded once for the whole build.
    tera: tera::Tera,
    /// Static files by their path under `static/`.
    pub statics: BTreeMap<String, Vec<u8>>,
}

/// Why a theme cannot be used.
#[derive(Debug)]
pub enum ThemeError {
    /// The theme's folder is missing or a file could not be read (exit 2).
    Io(anyhow::Error),
    /// Templates that do not parse or name what does not exist: `template`
    /// findings (exit 1).
    Templates(Vec<Finding>),
}

impl std::fmt::Display for ThemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ThemeError::Io(e) => write!(f, "{e:#}"),
            ThemeError::Templates(findings) => {
                let all: Vec<String> = findings
                    .iter()
                    .map(|x| match x.line {
                        Some(l) => format!("{}:{l}: {}", x.file, x.message),
                        None => format!("{}: {}", x.file, x.message),
                    })
                    .collect();
                write!(f, "{}", all.join("; "))
            }
        }
    }
}

impl std::error::Error for ThemeError {}

pub(crate) fn built_in_files(prefix: &str) -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    let mut todo = vec![&BUILT_IN];
    while let Some(dir) = todo.pop() {
        for f in dir.files() {
            let path = f.path().to_string_lossy().replace('\\', "/");
            if let Some(rel) = path.strip_prefix(prefix) {
                out.push((rel.to_string(), f.contents()));
            }
        }
        todo.extend(dir.dirs());
    }
    out.sort();
    out
}

/// Every file under `dir`, by its path relative to `dir`, read.
fn disk_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        if entry.file_type().is_file() {
            let rel = crate::model::load::relative(dir, entry.path());
            let bytes =
                crate::model::read::read(dir, entry.path(), crate::model::read::Kind::Theme)
                    .with_context(|| format!("reading {}", entry.path().display()))?;
            out.push((rel, bytes));
        }
    }
    Ok(out)
}

/// The theme's folder, `themes/<name>/`; only the built-in `default` may
/// be missing.
fn folder(root: &Path, name: &str) -> Result<PathBuf, ThemeError> {
    let dir = root.join("themes").join(name);
    if name != "default" && !dir.is_dir() {
        return Err(ThemeError::Io(anyhow::anyhow!(
            "cadence.toml names the theme `{name}`, but there is no themes/{name}/ in {}: \
             create it, or remove `theme` to use the built-in one",
            root.display()
        )));
    }
    Ok(dir)
}

/// The templates of the theme in use: the built-in ones with the site's
/// `themes/<name>/templates/` files over them; a file that is not UTF-8
/// is a finding.
fn sources(root: &Path, name: &str) -> Result<(Vec<Source>, Vec<Finding>), ThemeError> {
    let dir = folder(root, name)?;
    let mut by_name: BTreeMap<String, Source> = built_in_files("templates/")
        .into_iter()
        .map(|(rel, bytes)| {
            let source = Source {
                file: format!("builtin:{rel}"),
                text: String::from_utf8_lossy(bytes).into_owned(),
                name: rel.clone(),
            };
            (rel, source)
        })
        .collect();
    let mut findings = Vec::new();
    for (rel, bytes) in disk_files(&dir.join("templates")).map_err(ThemeError::Io)? {
        let file = format!("themes/{name}/templates/{rel}");
        match String::from_utf8(bytes) {
            Ok(text) => {
                by_name.insert(
                    rel.clone(),
                    Source {
                        name: rel,
                        file,
                        text,
                    },
                );
            }
            Err(e) => {
                let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
                findings.push(
                    Finding::error("template", file, format!("`{rel}` is not UTF-8 text"))
                        .at(Some(Pos::new(line, 1)))
                        .help("save the template as UTF-8"),
                );
                by_name.remove(&rel);
            }
        }
    }
    Ok((by_name.into_values().collect(), findings))
}

/// tera as cadence renders with it: `.html` and `.xml` autoescaped with
/// [`escape`].
fn new_tera() -> tera::Tera {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape);
    tera.register_filter("words", words);
    bound_range(&mut tera);
    // tera registers `get_env` even without its builtins: a theme from a
    // pull request could print HF_TOKEN, or CI's own token, into the
    // published site. Templates see only the site's data.
    tera.functions.remove("get_env");
    tera
}

/// The most numbers `range` gives: tera's own allocates them all, so
/// `range(end=10000000000000)` in a theme took the memory of the machine.
const MAX_RANGE: u64 = 1_000_000;

/// tera's `range`, refusing more than [`MAX_RANGE`] numbers and a step
/// of 0.
fn bound_range(tera: &mut tera::Tera) {
    let Some(range) = tera.functions.get("range").cloned() else {
        return;
    };
    tera.register_function(
        "range",
        move |args: &std::collections::HashMap<String, tera::Value>| {
            let arg = |k: &str, default: u64| {
                args.get(k).and_then(tera::Value::as_u64).unwrap_or(default)
            };
            // tera's loop never ends with a step of 0, filling the memory.
            if args.contains_key("step_by") && arg("step_by", 0) == 0 {
                return Err(tera::Error::msg("`range` needs a `step_by` of 1 or more"));
            }
            let count = arg("end", 0).saturating_sub(arg("start", 0)) / arg("step_by", 1).max(1);
            if count > MAX_RANGE {
                return Err(tera::Error::msg(format!(
                    "`range` would give {count} numbers; cadence allows at most {MAX_RANGE}"
                )));
            }
            range.call(args)
        },
    );
}

/// The filter `words`: a command line as HTML, each shell word escaped in
/// a `<span class="word">` (a quoted argument is one word), one space
/// between them; printed with `| safe`.
fn words(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let line = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("the filter `words` takes a string"))?;
    let html: Vec<String> = crate::site::shell::words(line)
        .into_iter()
        .map(|w| format!("<span class=\"word\">{}</span>", escape(w)))
        .collect();
    Ok(tera::Value::String(html.join(" ")))
}

/// The `template` findings of the theme in use (SPEC 5): every template,
/// built-in and overridden, parsed and its names resolved.
pub fn check(root: &Path, name: &str) -> Result<Vec<Finding>, ThemeError> {
    let (sources, mut findings) = sources(root, name)?;
    findings.extend(checked(&sources, &new_tera()).0);
    Ok(findings)
}

/// Every `template` finding of the theme's sources: names that do not
/// resolve ([`check`]), then templates and macros that would render
/// themselves ([`recursion`]); and the templates that parse.
fn checked(
    sources: &[check::Source],
    tera: &tera::Tera,
) -> (Vec<Finding>, BTreeMap<String, tera::Template>) {
    let (mut findings, parsed) = check::check(sources, tera);
    findings.extend(recursion::findings(sources, tera, &parsed));
    (findings, parsed)
}

impl Theme {
    /// The built-in theme with the site's `themes/<name>/` files over it,
    /// every template checked ([`check`]) and loaded into one `Tera`.
    pub fn load(root: &Path, name: &str) -> Result<Theme, ThemeError> {
        let (sources, mut findings) = sources(root, name)?;
        let mut tera = new_tera();
        let (more, parsed) = checked(&sources, &tera);
        findings.extend(more);
        if !findings.is_empty() {
            return Err(ThemeError::Templates(findings));
        }
        // The templates the check parsed, as `add_raw_templates` would
        // add them (each parsed once).
        tera.templates.extend(parsed);
        tera.build_inheritance_chains()
            .and_then(|()| tera.check_macro_files())
            .map_err(|e| {
                // What the check does not see, tera still refuses.
                ThemeError::Templates(vec![Finding::error(
                    "template",
                    format!("themes/{name}/templates/"),
                    tera_error(&e),
                )])
            })?;
        let mut statics: BTreeMap<String, Vec<u8>> = built_in_files("static/")
            .into_iter()
            .map(|(k, v)| (k, v.to_vec()))
            .collect();
        let dir = folder(root, name)?;
        statics.extend(disk_files(&dir.join("static")).map_err(ThemeError::Io)?);
        Ok(Theme { tera, statics })
    }

    /// Render a template, with tera's whole error chain in the message. A
    /// panic in tera (it unwraps a float sum that overflows, for one) is
    /// an error naming the template too, not a crash ([`quietly`]).
    pub fn render(&self, template: &str, context: &tera::Context) -> Result<String> {
        match quietly(|| self.tera.render(template, context)) {
            Ok(Ok(html)) => Ok(html),
            Ok(Err(e)) => Err(anyhow::anyhow!(
                "template `{template}`: {}; fix the template, or the value it renders",
                tera_error(&e)
            )),
            Err(why) => Err(anyhow::anyhow!(
                "template `{template}`: tera failed while rendering it ({why}); fix the template"
            )),
        }
    }
}

thread_local! {
    /// Whether this thread is in [`quietly`].
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f`, a panic in it caught and returned as its message, which the
/// panic hook does not print (the caller reports it as an error); other
/// threads' panics print as before.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                default(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    out.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string())
    })
}

/// Tera's error with its causes, which hold the useful part.
pub fn tera_error(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}
