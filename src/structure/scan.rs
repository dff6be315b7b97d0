//! Reading Rust source as tokens, enough to find its imports, its long
//! functions and its printing (comments and literals skipped).

use std::collections::BTreeSet;

pub(super) const MAX_FN_LINES: usize = 120;
/// The one module that writes to the terminal.
pub(super) const PRINTER: &str = "commands::terminal";
/// Macros and functions that write to the terminal.
const PRINTING: &[&str] = &["print", "println", "eprint", "eprintln", "dbg"];
const STREAMS: &[&str] = &["stdout", "stderr"];

/// The module a file holds, by its path (`site/theme/check.rs` is
/// `site::theme::check`); `lib.rs` is the crate root, `main.rs` is `main`.
pub(super) fn module_of(path: &str) -> Vec<String> {
    let stem = path.strip_suffix(".rs").unwrap_or(path);
    let mut parts: Vec<String> = stem.split('/').map(String::from).collect();
    if parts.last().is_some_and(|p| p == "mod") || parts == ["lib"] {
        parts.pop();
    }
    parts
}

/// A module as the graphs see it: a `tests` module is part of the module
/// it tests.
fn unit(module: &[String]) -> Vec<String> {
    let mut m = module.to_vec();
    while m.len() > 1 && m.last().is_some_and(|p| p == "tests") {
        m.pop();
    }
    m
}

/// One import: from a module to a module, with where it is written.
pub(super) struct Import {
    pub(super) from: Vec<String>,
    pub(super) to: Vec<String>,
    pub(super) at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Ident(String),
    Str(String),
    /// `::`
    Path,
    Other(char),
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    tok: Tok,
    line: usize,
}

fn is_ident(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// The tokens of Rust source that matter here; comments, lifetimes and
/// the insides of character literals are dropped.
pub(super) fn tokens(text: &str) -> Vec<Token> {
    let b: Vec<char> = text.chars().collect();
    let at = |i: usize| b.get(i).copied().unwrap_or('\0');
    let (mut out, mut i, mut line) = (Vec::new(), 0, 1);
    while i < b.len() {
        let c = b[i];
        let start_line = line;
        let mut push = |tok: Tok| {
            out.push(Token {
                tok,
                line: start_line,
            })
        };
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < b.len() {
                match (b[i], at(i + 1)) {
                    ('/', '*') => (depth, i) = (depth + 1, i + 2),
                    ('*', '/') => (depth, i) = (depth - 1, i + 2),
                    ('\n', _) => (line, i) = (line + 1, i + 1),
                    _ => i += 1,
                }
                if depth == 0 {
                    break;
                }
            }
        } else if let Some(hashes) = raw_string_start(&b, i) {
            // r"..", r#".."#, br#".."#: up to the quote and as many #.
            let open = b[i..].iter().position(|&c| c == '"').unwrap() + i + 1;
            let close: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let mut j = open;
            while j < b.len() && !b[j..].starts_with(&close) {
                j += 1;
            }
            let s: String = b[open..j.min(b.len())].iter().collect();
            line += s.matches('\n').count();
            push(Tok::Str(s));
            i = j + close.len();
        } else if c == '"' || (c == 'b' && at(i + 1) == '"') {
            let mut j = if c == 'b' { i + 2 } else { i + 1 };
            let open = j;
            while j < b.len() && b[j] != '"' {
                j += if b[j] == '\\' { 2 } else { 1 };
            }
            let s: String = b[open..j.min(b.len())].iter().collect();
            line += s.matches('\n').count();
            push(Tok::Str(s));
            i = j + 1;
        } else if c == '\'' || (c == 'b' && at(i + 1) == '\'') {
            let j = if c == 'b' { i + 1 } else { i };
            if at(j + 1) == '\\' {
                // '\n', '\'', '\u{1b}'
                i = j + 3;
                while i < b.len() && b[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(j + 2) == '\'' {
                i = j + 3;
            } else {
                // A lifetime or a label.
                i = j + 1;
                while i < b.len() && is_ident(b[i]) {
                    i += 1;
                }
            }
        } else if is_ident(c) {
            let start = i;
            while i < b.len() && is_ident(b[i]) {
                i += 1;
            }
            push(Tok::Ident(b[start..i].iter().collect()));
        } else if c == ':' && at(i + 1) == ':' {
            push(Tok::Path);
            i += 2;
        } else {
            push(Tok::Other(c));
            i += 1;
        }
    }
    out
}

/// The number of `#` of a raw string literal that starts at `i`.
fn raw_string_start(b: &[char], i: usize) -> Option<usize> {
    if i > 0 && is_ident(b[i - 1]) {
        return None;
    }
    let mut j = i;
    if b.get(j) == Some(&'b') {
        j += 1;
    }
    if b.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|&&c| c == '#').count();
    (b.get(j + hashes) == Some(&'"')).then_some(hashes)
}

/// Where each `#[path = "..."] mod name;` puts a file: its path under
/// `src/` and the module it holds.
pub(super) fn path_attributes(path: &str, toks: &[Token]) -> Vec<(String, Vec<String>)> {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = Vec::new();
    for w in toks.windows(8) {
        if let (Tok::Ident(p), Tok::Str(file), Tok::Ident(m), Tok::Ident(name)) =
            (&w[2].tok, &w[4].tok, &w[6].tok, &w[7].tok)
            && w[0].tok == Tok::Other('#')
            && p == "path"
            && m == "mod"
        {
            let file = if dir.is_empty() {
                file.clone()
            } else {
                format!("{dir}/{file}")
            };
            let mut module = module_of(path);
            module.push(name.clone());
            out.push((file, module));
        }
    }
    out
}

/// The paths of one `use` tree (`a::{b, c::{self, d}}`), from `pos` to
/// the `,`, `}` or end that closes it.
fn use_tree(t: &[Token], pos: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let mut path = prefix.to_vec();
    while let Some(tok) = t.get(*pos).map(|t| &t.tok) {
        match tok {
            Tok::Ident(s) if s == "as" => *pos += 2,
            Tok::Ident(s) if s == "self" && !prefix.is_empty() => *pos += 1,
            Tok::Ident(s) => {
                path.push(s.clone());
                *pos += 1;
            }
            Tok::Path | Tok::Other('*') => *pos += 1,
            Tok::Other('{') => {
                *pos += 1;
                while let Some(tok) = t.get(*pos).map(|t| &t.tok) {
                    match tok {
                        Tok::Other('}') => {
                            *pos += 1;
                            return;
                        }
                        Tok::Other(',') => *pos += 1,
                        _ => use_tree(t, pos, &path, out),
                    }
                }
                return;
            }
            _ => break,
        }
    }
    out.push(path);
}

/// The crate path that a path written in module `scope` names, or `None`
/// for another crate's.
fn absolute(scope: &[String], children: &BTreeSet<String>, segs: &[String]) -> Option<Vec<String>> {
    let first = segs.first()?;
    match first.as_str() {
        "crate" | "cadence_site" => Some(segs[1..].to_vec()),
        "super" => {
            let ups = segs.iter().take_while(|s| *s == "super").count();
            let base = &scope[..scope.len().checked_sub(ups)?];
            Some(base.iter().chain(&segs[ups..]).cloned().collect())
        }
        "self" => Some(scope.iter().chain(&segs[1..]).cloned().collect()),
        child if children.contains(child) => Some(scope.iter().chain(segs).cloned().collect()),
        _ => None,
    }
}

/// The imports written in one file.
pub(super) fn imports(
    path: &str,
    module: &[String],
    toks: &[Token],
    modules: &BTreeSet<Vec<String>>,
) -> Vec<Import> {
    let children: BTreeSet<String> = toks
        .windows(3)
        .filter_map(|w| match (&w[0].tok, &w[1].tok, &w[2].tok) {
            (Tok::Ident(m), Tok::Ident(name), Tok::Other(';')) if m == "mod" => Some(name.clone()),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    let mut record = |scope: &[String], segs: &[String], line: usize| {
        let no_children = BTreeSet::new();
        let kids = if scope == module {
            &children
        } else {
            &no_children
        };
        let Some(abs) = absolute(scope, kids, segs) else {
            return;
        };
        let known = (0..=abs.len())
            .rev()
            .find(|&k| modules.contains(&abs[..k]))
            .unwrap_or(0);
        let (from, to) = (unit(scope), unit(&abs[..known]));
        if from != to {
            out.push(Import {
                from,
                to,
                at: format!("src/{path}:{line}"),
            });
        }
    };
    let mut scopes: Vec<(Vec<String>, usize)> = vec![(module.to_vec(), 0)];
    let (mut depth, mut i) = (0usize, 0);
    while i < toks.len() {
        let scope = scopes.last().unwrap().0.clone();
        match &toks[i].tok {
            Tok::Other('{') => depth += 1,
            Tok::Other('}') => {
                depth = depth.saturating_sub(1);
                while scopes.len() > 1 && depth < scopes.last().unwrap().1 {
                    scopes.pop();
                }
            }
            Tok::Ident(m) if m == "mod" => {
                if let (Some(Tok::Ident(name)), Some(Tok::Other('{'))) = (
                    toks.get(i + 1).map(|t| &t.tok),
                    toks.get(i + 2).map(|t| &t.tok),
                ) {
                    depth += 1;
                    scopes.push(([scope, vec![name.clone()]].concat(), depth));
                    i += 3;
                    continue;
                }
            }
            Tok::Ident(u) if u == "use" => {
                let mut pos = i + 1;
                let mut paths = Vec::new();
                use_tree(toks, &mut pos, &[], &mut paths);
                for p in paths {
                    record(&scope, &p, toks[i].line);
                }
                i = pos.max(i + 1);
                continue;
            }
            Tok::Ident(first)
                if toks.get(i + 1).is_some_and(|t| t.tok == Tok::Path)
                    && (i == 0 || toks[i - 1].tok != Tok::Path) =>
            {
                let mut segs = vec![first.clone()];
                let mut j = i + 1;
                while let (Some(Tok::Path), Some(Tok::Ident(s))) =
                    (toks.get(j).map(|t| &t.tok), toks.get(j + 1).map(|t| &t.tok))
                {
                    segs.push(s.clone());
                    j += 2;
                }
                record(&scope, &segs, toks[i].line);
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Functions whose body runs over [`MAX_FN_LINES`] lines.
pub(super) fn long_functions(path: &str, toks: &[Token]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let (Tok::Ident(kw), Some(Tok::Ident(name))) = (&t.tok, toks.get(i + 1).map(|t| &t.tok))
        else {
            continue;
        };
        if kw != "fn" {
            continue;
        }
        // The body: the first `{` outside the signature's brackets.
        let mut nesting = 0i32;
        let mut j = i + 2;
        while let Some(tok) = toks.get(j).map(|t| &t.tok) {
            match tok {
                Tok::Other('(' | '[') => nesting += 1,
                Tok::Other(')' | ']') => nesting -= 1,
                Tok::Other('{' | ';') if nesting == 0 => break,
                _ => {}
            }
            j += 1;
        }
        if toks.get(j).is_none_or(|t| t.tok != Tok::Other('{')) {
            continue;
        }
        let mut depth = 0;
        for close in &toks[j..] {
            match close.tok {
                Tok::Other('{') => depth += 1,
                Tok::Other('}') => depth -= 1,
                _ => continue,
            }
            if depth == 0 {
                let lines = close.line - t.line + 1;
                if lines > MAX_FN_LINES {
                    out.push(format!(
                        "src/{path}:{}: fn {name} is {lines} lines (at most {MAX_FN_LINES}): split it where its steps part",
                        t.line
                    ));
                }
                break;
            }
        }
    }
    out
}

/// Writing to the terminal outside [`PRINTER`].
pub(super) fn printing(path: &str, toks: &[Token]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, w) in toks.windows(2).enumerate() {
        // `Command::stdout(...)` is a method, not the process's stream.
        let method = i > 0 && toks[i - 1].tok == Tok::Other('.');
        let what = match (&w[0].tok, &w[1].tok) {
            (Tok::Ident(m), Tok::Other('!')) if PRINTING.contains(&m.as_str()) => format!("{m}!"),
            (Tok::Ident(f), Tok::Other('(')) if STREAMS.contains(&f.as_str()) && !method => {
                format!("{f}()")
            }
            _ => continue,
        };
        out.push(format!(
            "src/{path}:{}: {what} outside {PRINTER}: print through {PRINTER}",
            w[0].line
        ));
    }
    out
}
