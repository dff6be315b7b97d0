//! Themes: tera templates and static files. The built-in `default` theme is
//! compiled into the binary; a site's `themes/<name>/templates/` and
//! `themes/<name>/static/` replace its files one by one (as mdBook and Zola
//! do), so a user overrides one template without copying the theme.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use include_dir::{Dir, include_dir};

static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub struct Theme {
    /// Every template by its path under `templates/` (`release.html`,
    /// `announce/release.txt`).
    pub tera: tera::Tera,
    /// Static files by their path under `static/`.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// The templates rendered by [`super::compiled`] instead of tera: the
    /// compiled ones the site does not override (nor `base.html` or
    /// `macros.html`).
    compiled: Vec<&'static str>,
}

fn built_in_files(prefix: &str) -> Vec<(String, &'static [u8])> {
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

fn disk_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        if entry.file_type().is_file() {
            let rel = crate::load::relative(dir, entry.path());
            let bytes = crate::read::read(dir, entry.path(), crate::read::Kind::Theme)
                .with_context(|| format!("reading {}", entry.path().display()))?;
            out.push((rel, bytes));
        }
    }
    Ok(out)
}

impl Theme {
    /// The built-in theme with the site's `themes/<name>/` files over it.
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let dir = root.join("themes").join(name);
        if name != "default" && !dir.is_dir() {
            bail!(
                "theme `{name}` (cadence.toml `theme`) is not in {}",
                dir.display()
            );
        }
        let mut templates: BTreeMap<String, String> = built_in_files("templates/")
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8_lossy(v).into_owned()))
            .collect();
        let mut overridden = Vec::new();
        for (rel, bytes) in disk_files(&dir.join("templates"))? {
            let text = String::from_utf8(bytes)
                .with_context(|| format!("themes/{name}/templates/{rel} is not UTF-8"))?;
            // A copy of a built-in template (the repository's own
            // themes/default/) overrides nothing.
            if templates.get(&rel) != Some(&text) {
                overridden.push(rel.clone());
            }
            templates.insert(rel, text);
        }
        let shared_kept = !super::compiled::SHARED
            .iter()
            .any(|t| overridden.iter().any(|o| o == t));
        let compiled = super::compiled::TEMPLATES
            .into_iter()
            .filter(|t| shared_kept && !overridden.iter().any(|o| o == t))
            .collect();
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape);
        tera.add_raw_templates(templates.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| anyhow::anyhow!(tera_error(&e)))
            .with_context(|| format!("loading the templates of theme `{name}`"))?;
        let mut statics: BTreeMap<String, Vec<u8>> = built_in_files("static/")
            .into_iter()
            .map(|(k, v)| (k, v.to_vec()))
            .collect();
        statics.extend(disk_files(&dir.join("static"))?);
        Ok(Theme {
            tera,
            statics,
            compiled,
        })
    }

    /// The same theme with every page rendered by tera (to compare the
    /// compiled templates with their source).
    pub fn interpreted(mut self) -> Theme {
        self.compiled.clear();
        self
    }

    /// Whether `template` is rendered by [`super::compiled`].
    pub fn is_compiled(&self, template: &str) -> bool {
        self.compiled.contains(&template)
    }

    /// Render a page template with its context: compiled when it can be,
    /// else by tera.
    pub fn render_page(
        &self,
        template: &str,
        context: &super::context::PageContext,
    ) -> Result<String> {
        if self.is_compiled(template)
            && let Some(html) = super::compiled::render(template, context)
        {
            return Ok(html);
        }
        let ctx = tera::Context::from_value(serde_json::Value::Object(context.to_map()))
            .map_err(|e| anyhow::anyhow!("building the context of {template}: {e}"))?;
        self.render(template, &ctx)
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

/// [`escape`], appending to `out`; characters no page may carry
/// ([`super::refused`]) are dropped.
pub fn escape_into(out: &mut String, input: &str) {
    let bytes = input.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !ATTENTION[bytes[i] as usize] {
            i += 1;
            continue;
        }
        let (rep, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            _ => match super::refused::refused_at(input, i) {
                Some(len) => ("", len),
                None => {
                    i += 1;
                    continue;
                }
            },
        };
        // `i` is on a character boundary: the five are ASCII, and a
        // refused character is whole.
        out.push_str(&input[start..i]);
        out.push_str(rep);
        i += len;
        start = i;
    }
    out.push_str(&input[start..]);
}

/// The bytes [`escape_into`] looks at: the five it escapes and those a
/// refused character can start with.
static ATTENTION: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = matches!(b as u8, b'&' | b'<' | b'>' | b'"' | b'\'')
            || super::refused::may_start_const(b as u8);
        b += 1;
    }
    t
};

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
    }
}
