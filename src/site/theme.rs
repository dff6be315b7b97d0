//! Themes: tera templates and static files. The built-in `default` theme is
//! compiled into the binary; a site's `themes/<name>/templates/` and
//! `themes/<name>/static/` replace its files one by one (as mdBook and Zola
//! do), so a user overrides one template without copying the theme.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use include_dir::{Dir, include_dir};

use crate::model::diagnostics::Finding;
use crate::model::yaml::Pos;

static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

mod check;
mod locate;

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
    tera
}

/// The `template` findings of the theme in use (SPEC 5): every template,
/// built-in and overridden, parsed and its names resolved.
pub fn check(root: &Path, name: &str) -> Result<Vec<Finding>, ThemeError> {
    let (sources, mut findings) = sources(root, name)?;
    findings.extend(check::check(&sources, &new_tera()).0);
    Ok(findings)
}

impl Theme {
    /// The built-in theme with the site's `themes/<name>/` files over it,
    /// every template checked ([`check`]) and loaded into one `Tera`.
    pub fn load(root: &Path, name: &str) -> Result<Theme, ThemeError> {
        let (sources, mut findings) = sources(root, name)?;
        let mut tera = new_tera();
        let (more, parsed) = check::check(&sources, &tera);
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

    /// Render a template, with tera's whole error chain in the message.
    pub fn render(&self, template: &str, context: &tera::Context) -> Result<String> {
        self.tera
            .render(template, context)
            .map_err(|e| anyhow::anyhow!("template `{template}`: {}", tera_error(&e)))
    }
}

/// Autoescaping for HTML and XML: tera's default also writes `/` as
/// `&#x2F;`, which makes every URL and command in a page unreadable in its
/// source and is not needed in text or quoted attributes.
pub fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    escape_into(&mut out, input);
    out
}

/// The five bytes [`escape`] replaces, as bits of a `u64` (all are below
/// 64: `"` 0x22, `&` 0x26, `'` 0x27, `<` 0x3C, `>` 0x3E).
const SPECIAL: u64 = 1 << b'"' | 1 << b'&' | 1 << b'\'' | 1 << b'<' | 1 << b'>';

/// Whether byte `b` needs a look: one of the five, or a byte that may
/// start a character no page may carry ([`super::refused`]).
fn attention(b: u8) -> bool {
    (b < 64 && SPECIAL >> b & 1 == 1) || super::refused::may_start_const(b)
}

/// The offset of the first byte in `bytes` that needs a look: eight bytes
/// at a time (a byte equal to `c` is a zero byte of `w ^ c…c`; a byte
/// below 0x20 sets its high bit in `w - 0x20…20` and not in `w`; the
/// lowest flagged byte is the first, whatever the borrows flag above it),
/// then one by one. Runs of printable ASCII are skipped whole; any byte
/// from 0x7F up is looked at (most are then passed over).
fn find_attention(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_of = |w: u64, c: u8| {
        let x = w ^ (ONES * u64::from(c));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let hits = zero_of(w, b'&')
            | zero_of(w, b'<')
            | zero_of(w, b'>')
            | zero_of(w, b'"')
            | zero_of(w, b'\'')
            | zero_of(w, 0x7F)
            | (w.wrapping_sub(ONES * 0x20) & !w & HIGHS)
            | (w & HIGHS);
        if hits != 0 {
            let first = at + (hits.trailing_zeros() / 8) as usize;
            if let Some(k) = bytes[first..at + 8].iter().position(|&b| attention(b)) {
                return Some(first + k);
            }
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| attention(b))
        .map(|k| at + k)
}

/// The length of the UTF-8 character whose first byte is `lead`.
fn char_len(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// [`escape`], appending to `out`; characters no page may carry
/// ([`super::refused`]) are dropped. Tera calls it for every value a page
/// prints: runs of printable ASCII are found eight bytes at a time and
/// copied whole.
pub fn escape_into(out: &mut String, input: &str) {
    let bytes = input.as_bytes();
    // `start`: the first byte not yet copied; `pos`: where the scan goes
    // on. Both are always on a character boundary: a scan from a boundary
    // stops first at an ASCII byte or a lead byte.
    let mut start = 0;
    let mut pos = 0;
    while let Some(off) = find_attention(&bytes[pos..]) {
        let i = pos + off;
        let (rep, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            b => match super::refused::refused_at(input, i) {
                Some(len) => ("", len),
                None => {
                    pos = i + char_len(b);
                    continue;
                }
            },
        };
        out.push_str(&input[start..i]);
        out.push_str(rep);
        pos = i + len;
        start = pos;
    }
    out.push_str(&input[start..]);
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

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_the_five_and_nothing_else() {
        assert_eq!(
            super::escape(r#"a & <b> "c" 'd' /e/ é€"#),
            "a &amp; &lt;b&gt; &quot;c&quot; &#39;d&#39; /e/ é€"
        );
        assert_eq!(super::escape(""), "");
        assert_eq!(super::escape("plain"), "plain");
        assert_eq!(
            super::escape("a\u{1}b\u{1b}[0m\u{85}c\u{fffe}d\te\n"),
            "ab[0mcd\te\n",
            "characters a page may not carry are dropped"
        );
        assert_eq!(super::escape("<<&>>"), "&lt;&lt;&amp;&gt;&gt;");
        // At every offset of an eight-byte run, after other specials,
        // beside multi-byte characters.
        for n in 0..20 {
            let text = format!("{}<é{}\"&", "a".repeat(n), "b".repeat(n % 9));
            let want = format!("{}&lt;é{}&quot;&amp;", "a".repeat(n), "b".repeat(n % 9));
            assert_eq!(super::escape(&text), want);
        }
        // Against the plain definition, on many mixed strings.
        let naive = |s: &str| -> String {
            s.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect()
        };
        let alphabet = [
            'a',
            '&',
            '<',
            '>',
            '"',
            '\'',
            'é',
            '€',
            '/',
            ' ',
            '\u{1F600}',
        ];
        let mut seed: u64 = 7;
        for _ in 0..5000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = (seed >> 58) as usize;
            let text: String = (0..len)
                .map(|k| alphabet[((seed >> (k % 50)) as usize + k) % alphabet.len()])
                .collect();
            assert_eq!(super::escape(&text), naive(&text), "{text:?}");
        }
        // Every byte: the five are replaced, refused controls dropped,
        // every other byte kept.
        for b in 0..=127u8 {
            let c = char::from(b).to_string();
            let e = super::escape(&c);
            if "&<>\"'".contains(b as char) {
                assert_ne!(e, c, "{b}");
            } else if crate::site::refused::refused(char::from(b)) {
                assert_eq!(e, "", "{b}");
            } else {
                assert_eq!(e, c, "{b}");
            }
        }
        // Refused characters among long runs, at every offset.
        for n in 0..20 {
            let text = format!(
                "{}\u{1}é{}\u{85}<\u{fffe}x",
                "a".repeat(n),
                "b".repeat(n % 9)
            );
            let want = format!("{}é{}&lt;x", "a".repeat(n), "b".repeat(n % 9));
            assert_eq!(super::escape(&text), want);
        }
    }
}
