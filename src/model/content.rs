//! Content pages: `content/<slug>.md` with YAML front matter between `---`
//! lines, and `content/_index.md`, the home page's introduction.
//!
//! Part of the model layer.

use crate::model::diagnostics::{Finding, suggest};
use crate::model::yaml::{self, Pos};

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// `about` for `content/about.md`; `_index` for the home introduction.
    pub slug: String,
    pub file: String,
    pub title: String,
    pub description: Option<String>,
    pub weight: i64,
    pub draft: bool,
    /// Markdown after the front matter.
    pub body: String,
}

const KEYS: &[&str] = &["title", "description", "weight", "draft"];

/// Split `---` front matter from the body: (front matter, body, line the body starts on).
fn split(text: &str) -> Option<(&str, &str, usize)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Some((front, body, front.lines().count() + 3));
        }
        offset += line.len();
    }
    None
}

/// A body that would nest too deep for the sanitiser ([`nesting`]), at
/// its line; the body starts on line `first` of `file`.
///
/// [`nesting`]: crate::model::nesting
fn too_deep(file: &str, body: &str, first: usize) -> Option<Finding> {
    let (at, depth) = crate::model::nesting::too_deep(body)?;
    let line = first + body[..at].matches('\n').count();
    Some(
        Finding::error(
            "content",
            file,
            format!(
                "the page nests {depth} levels deep here (quotes, lists and HTML tags inside one another), more than the {} cadence renders",
                crate::model::nesting::MAX_DEPTH
            ),
        )
        .at(Some(Pos::new(line, 1)))
        .help("close the HTML tags you open, and nest quotes and lists less deep"),
    )
}

/// Read one content page. `slug` is the file stem.
pub fn parse(file: &str, slug: &str, text: &str) -> Result<Page, Vec<Finding>> {
    let content = |pos: Option<Pos>, msg: String| Finding::error("content", file, msg).at(pos);
    let index = slug == "_index";
    let Some((front, body, first)) = split(text) else {
        if let Some(f) = too_deep(file, text, 1) {
            return Err(vec![f]);
        } else if index {
            return Ok(Page {
                slug: slug.into(),
                file: file.into(),
                title: String::new(),
                description: None,
                weight: 0,
                draft: false,
                body: text.to_string(),
            });
        }
        return Err(vec![content(
            Some(Pos::new(1, 1)),
            "a content page starts with front matter between `---` lines, with at least `title:`"
                .into(),
        )]);
    };
    let root = match yaml::parse(front) {
        Ok(r) => r,
        Err(e) => {
            // Front matter starts on line 2 of the file.
            let (pos, help) = yaml::hint::syntax_help(front, &e);
            let pos = Pos::new(pos.line + 1, pos.column);
            let mut f = content(Some(pos), format!("invalid front matter: {}", e.message));
            if let Some(help) = help {
                f = f.help(help);
            }
            return Err(vec![f]);
        }
    };
    let shift = |p: Pos| Some(Pos::new(p.line + 1, p.column));
    let mut findings: Vec<Finding> = too_deep(file, body, first).into_iter().collect();
    let Some(root) = root.filter(|r| r.as_map().is_some()) else {
        return Err(vec![content(
            Some(Pos::new(1, 1)),
            "front matter must be a mapping with at least `title:`".into(),
        )]);
    };
    // Plain text; a description may span lines.
    crate::model::text::check_yaml(&root, &["description"], &mut |pos, msg| {
        findings.push(content(shift(pos), msg));
    });
    for (key, _) in root.as_map().unwrap_or_default() {
        if !KEYS.contains(&key.name.as_str()) {
            let mut f = content(
                shift(key.pos),
                format!("unknown front matter key `{}`", key.name),
            );
            if let Some(s) = suggest(&key.name, KEYS.iter().copied()) {
                f = f.help(format!("did you mean `{s}`?"));
            }
            findings.push(f);
        }
    }
    let title = match root.get("title") {
        Some(n) => match n.as_str() {
            Some(t) if !t.trim().is_empty() => t.to_string(),
            _ => {
                findings.push(content(shift(n.pos), "`title` must be text".into()));
                String::new()
            }
        },
        None if index => String::new(),
        None => {
            findings.push(content(
                Some(Pos::new(1, 1)),
                "front matter is missing the required key `title`".into(),
            ));
            String::new()
        }
    };
    let description = match root.get("description") {
        None => None,
        Some(n) => match n.as_str() {
            Some(t) => Some(t.to_string()),
            None => {
                findings.push(content(shift(n.pos), "`description` must be text".into()));
                None
            }
        },
    };
    let weight = match root.get("weight") {
        None => 0,
        Some(n) => n.as_i64().unwrap_or_else(|| {
            findings.push(content(
                shift(n.pos),
                format!("`weight` must be a whole number, found {}", n.kind()),
            ));
            0
        }),
    };
    let draft = match root.get("draft") {
        None => false,
        Some(n) => n.as_bool().unwrap_or_else(|| {
            findings.push(content(
                shift(n.pos),
                format!("`draft` must be true or false, found {}", n.kind()),
            ));
            false
        }),
    };
    if !findings.is_empty() {
        return Err(findings);
    }
    Ok(Page {
        slug: slug.into(),
        file: file.into(),
        title,
        description,
        weight,
        draft,
        body: body.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_front_matter() {
        let p = parse(
            "content/about.md",
            "about",
            "---\ntitle: About\nweight: 2\n---\n# Hi\n",
        )
        .unwrap();
        assert_eq!(p.title, "About");
        assert_eq!(p.weight, 2);
        assert_eq!(p.body, "# Hi\n");
    }

    #[test]
    fn bad_front_matter_names_the_line() {
        let f = parse(
            "content/about.md",
            "about",
            "---\ntitle: About\ndraft: maybe\n---\n",
        )
        .unwrap_err();
        assert_eq!(f[0].code, "content");
        assert_eq!(f[0].line, Some(3));
        let f = parse("content/about.md", "about", "# no front matter\n").unwrap_err();
        assert_eq!(f[0].line, Some(1));
        let f = parse("content/about.md", "about", "---\ntitel: About\n---\n").unwrap_err();
        assert!(
            f.iter()
                .any(|f| f.help.as_deref() == Some("did you mean `title`?"))
        );
    }
}
