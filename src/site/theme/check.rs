//! The `template` rule (SPEC 5): every template of the theme in use is
//! parsed, and every filter, test, function, macro and template it names
//! is resolved, so that a broken override fails `check`, not a deploy.
//!
//! tera 1.x parses a template without resolving names: an unknown filter,
//! test, function, macro or included template is an error only when the
//! line is rendered, and only if the page takes that branch. So this walks
//! each template's syntax tree as tera parsed it (`tera::ast`, the nodes
//! tera itself renders from) and resolves every name the way tera's
//! renderer does: filters, tests and functions against those the `Tera`
//! registers; a macro call `ns::name` against the files imported into the
//! template, its parents and the files they import (tera's
//! `MacroCollection`); `extends`, `import` and `include` against the
//! theme's template names. The tree has no positions, so the line is that
//! of the first tag in the source that uses the name ([`locate`]); a
//! template that does not parse gets the line tera's parser reports.
//!
//! Part of the site layer.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tera::ast::{Expr, ExprVal, FunctionCall, Node};

use super::locate::{Use, locate, pos_of};
use crate::model::diagnostics::Finding;
use crate::model::yaml::Pos;

/// A template of the theme in use: its name as tera knows it
/// (`release.html`, `announce/skip.txt`), the file a finding names
/// (`builtin:release.html`, `themes/plain/templates/release.html`) and its
/// text.
pub struct Source {
    pub name: String,
    pub file: String,
    pub text: String,
}

impl Source {
    /// Templates of a theme `t` in a site, for tests: `(name, text)` each.
    #[cfg(test)]
    pub(super) fn overrides(files: &[(&str, &str)]) -> Vec<Source> {
        files
            .iter()
            .map(|(name, text)| Source {
                name: name.to_string(),
                file: format!("themes/t/templates/{name}"),
                text: text.to_string(),
            })
            .collect()
    }
}

/// Every `template` finding of these sources, and the templates that
/// parse (for the `Tera` that renders, so that each is parsed once);
/// `tera` is a `Tera` with the filters, tests and functions the site
/// renders with.
pub fn check(
    sources: &[Source],
    tera: &tera::Tera,
) -> (Vec<Finding>, BTreeMap<String, tera::Template>) {
    let mut findings = Vec::new();
    let mut parsed: BTreeMap<String, tera::Template> = BTreeMap::new();
    for s in sources {
        if let Some((at, why)) = super::shape::too_deep(&s.text) {
            findings.push(
                Finding::error("template", &s.file, format!("`{}` {why}", s.name))
                    .at(Some(pos_of(&s.text, at)))
                    .help("tera recurses once for each level: split the tag, or move the levels into the data"),
            );
            continue;
        }
        match tera::Template::new(&s.name, None, &s.text) {
            Ok(t) => {
                parsed.insert(s.name.clone(), t);
            }
            Err(e) => findings.push(syntax(s, &e)),
        }
    }
    // A template that does not parse still exists: what names it is not
    // reported again.
    let names: BTreeSet<&str> = sources.iter().map(|s| s.name.as_str()).collect();
    let resolver = Resolver {
        tera,
        names: &names,
        parsed: &parsed,
    };
    for s in sources {
        if let Some(t) = parsed.get(s.name.as_str()) {
            findings.extend(resolver.template(s, t));
        }
    }
    (findings, parsed)
}

/// A template that does not parse, at the line tera's parser reports.
fn syntax(s: &Source, e: &tera::Error) -> Finding {
    let chain = super::tera_error(e);
    // pest's report: ` --> 3:7`, the source line, a caret, `= expected ...`.
    let pos = chain.split_once("--> ").and_then(|(_, rest)| {
        let (line, rest) = rest.split_once(':')?;
        let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some(Pos::new(line.trim().parse().ok()?, col.parse().ok()?))
    });
    let detail = chain
        .lines()
        .find_map(|l| l.trim().strip_prefix("= "))
        .map(str::to_string)
        .unwrap_or_else(|| {
            chain
                .split_once(": ")
                .map_or(chain.clone(), |(_, d)| d.to_string())
        });
    Finding::error(
        "template",
        &s.file,
        format!("`{}` does not parse: {detail}", s.name),
    )
    .at(pos)
    .help("fix the tag at this line (https://keats.github.io/tera/docs/ has the syntax)")
}

/// What to tell the user to do about a fault.
enum Help {
    Text(String),
    /// The closest name that exists ([`known`]).
    Closest,
}

/// The unresolved names of one template located and reported one by one;
/// past these, one finding counts the rest.
const MAX_FAULTS: usize = 20;

pub(super) struct Resolver<'r> {
    tera: &'r tera::Tera,
    names: &'r BTreeSet<&'r str>,
    pub parsed: &'r BTreeMap<String, tera::Template>,
}

impl<'r> Resolver<'r> {
    /// Resolves names among the templates `names`, of which `parsed` parse.
    pub(super) fn new(
        tera: &'r tera::Tera,
        names: &'r BTreeSet<&'r str>,
        parsed: &'r BTreeMap<String, tera::Template>,
    ) -> Self {
        Resolver {
            tera,
            names,
            parsed,
        }
    }

    /// The findings of one parsed template.
    fn template(&self, s: &Source, t: &tera::Template) -> Vec<Finding> {
        let mut uses = Uses::new();
        nodes(&t.ast, &mut uses);
        for m in t.macros.values() {
            nodes(&m.body, &mut uses);
            for default in m.args.values().flatten() {
                expr(default, &mut uses);
            }
        }
        let namespaces = self.namespaces(&t.name, &mut Vec::new());
        let mut findings = Vec::new();
        let faults: Vec<_> = uses
            .keys()
            .filter_map(|u| Some((u, self.fault(u, t, &namespaces)?)))
            .collect();
        // Each is located by a scan of the template: past MAX_FAULTS, one
        // finding, at the first of the rest, counts them.
        let more = faults
            .get(MAX_FAULTS)
            .map(|(u, _)| (locate(&s.text, u), faults.len() - MAX_FAULTS));
        for (u, (message, help)) in faults.into_iter().take(MAX_FAULTS) {
            findings.push(
                Finding::error("template", &s.file, format!("`{}` {message}", s.name))
                    .at(locate(&s.text, u))
                    .help(self.help(u, help)),
            );
        }
        if let Some((at, more)) = more {
            findings.push(
                Finding::error(
                    "template",
                    &s.file,
                    format!(
                        "`{}` has {more} more uses of names that do not resolve, from here on",
                        s.name
                    ),
                )
                .at(at)
                .help("fix the ones above, then `cadence check` lists the rest"),
            );
        }
        if let Some(cycle) = self.cycle(&t.name) {
            findings.push(
                Finding::error(
                    "template",
                    &s.file,
                    format!("`{}` extends itself: {cycle}", s.name),
                )
                .at(locate(&s.text, &Use::Extends(String::new())))
                .help("make one of these templates extend another, or none"),
            );
        }
        findings
    }

    /// What is wrong with one use, if anything: a message and a help.
    fn fault(
        &self,
        u: &Use,
        t: &tera::Template,
        namespaces: &HashMap<String, String>,
    ) -> Option<(String, Help)> {
        let theme =
            "theme templates are the built-in ones and the files under themes/<name>/templates/";
        match u {
            Use::Filter(f)
                if !self.tera.filters.contains_key(f) && f != "safe" && f != "default" =>
            {
                Some((
                    format!("uses the filter `{f}`, which does not exist"),
                    Help::Closest,
                ))
            }
            Use::Test(n) if !self.tera.testers.contains_key(n) => Some((
                format!("uses the test `{n}`, which does not exist"),
                Help::Closest,
            )),
            Use::Function(n) if !self.tera.functions.contains_key(n) => Some((
                format!("calls the function `{n}`, which does not exist"),
                Help::Closest,
            )),
            Use::Macro(ns, name) => match namespaces.get(ns) {
                None if ns == "self" => Some((
                    format!("calls `self::{name}`, but defines no macro"),
                    Help::Text(format!("define `{{% macro {name}() %}}` in `{}`", t.name)),
                )),
                None => Some((
                    format!("calls the macro `{ns}::{name}`, but imports nothing as `{ns}`"),
                    Help::Text(format!(
                        "add `{{% import \"macros.html\" as {ns} %}}` (or the file that defines it) at the top"
                    )),
                )),
                Some(file) => {
                    let defined = self
                        .parsed
                        .get(file.as_str())
                        .is_none_or(|m| m.macros.contains_key(name));
                    (!defined).then(|| {
                        (
                            format!(
                                "calls the macro `{ns}::{name}`, which `{file}` does not define"
                            ),
                            Help::Text(format!(
                                "define `{name}` in `{file}`, or call one of its macros"
                            )),
                        )
                    })
                }
            },
            Use::Include(all) if !all.iter().any(|n| self.names.contains(n.as_str())) => {
                let n = all.join("`, `");
                Some((
                    format!("includes the template `{n}`, which does not exist"),
                    Help::Text(theme.to_string()),
                ))
            }
            Use::Import(n) | Use::Extends(n) if !self.names.contains(n.as_str()) => {
                let verb = if matches!(u, Use::Import(_)) {
                    "imports macros from"
                } else {
                    "extends"
                };
                Some((
                    format!("{verb} the template `{n}`, which does not exist"),
                    Help::Text(theme.to_string()),
                ))
            }
            Use::Infinite => Some((
                "writes a number too large to hold (more than 308 digits)".to_string(),
                Help::Text("write a smaller number".to_string()),
            )),
            Use::Super => Some((
                "uses `super()` outside a block of its own (in an `if`, a `for`, a macro or the top of the file), where tera cannot render it".to_string(),
                Help::Text("call `super()` only in a `{% block %}` that overrides its parent's, directly (or in another such block)".to_string()),
            )),
            _ => None,
        }
    }

    /// The help of a fault, said in words: the closest known name of an
    /// unknown filter, test or function is looked for only here, for the
    /// faults reported.
    fn help(&self, u: &Use, help: Help) -> String {
        match (help, u) {
            (Help::Text(text), _) => text,
            (Help::Closest, Use::Filter(f)) => known("filter", f, self.tera.filters.keys()),
            (Help::Closest, Use::Test(n)) => known("test", n, self.tera.testers.keys()),
            (Help::Closest, Use::Function(n)) => known("function", n, self.tera.functions.keys()),
            (Help::Closest, _) => String::new(),
        }
    }

    /// The macro namespaces a template's own nodes can call, to the file
    /// that defines each: `self`, its imports, and those of the files it
    /// imports and of its parents (tera's `MacroCollection`).
    pub(super) fn namespaces(&self, name: &str, seen: &mut Vec<String>) -> HashMap<String, String> {
        let mut map = HashMap::new();
        let Some(t) = self.parsed.get(name) else {
            return map;
        };
        if seen.iter().any(|s| s == name) {
            return map;
        }
        seen.push(name.to_string());
        if !t.macros.is_empty() {
            map.insert("self".to_string(), name.to_string());
        }
        for (file, ns) in &t.imported_macro_files {
            map.insert(ns.clone(), file.clone());
            for (k, v) in self.namespaces(file, seen) {
                map.entry(k).or_insert(v);
            }
        }
        if let Some(parent) = &t.parent {
            for (k, v) in self.namespaces(parent, seen) {
                map.entry(k).or_insert(v);
            }
        }
        map
    }

    /// `a.html -> b.html -> a.html` when `name`'s parents lead back to it.
    fn cycle(&self, name: &str) -> Option<String> {
        let mut chain = vec![name];
        let mut at = name;
        while let Some(parent) = self.parsed.get(at).and_then(|t| t.parent.as_deref()) {
            chain.push(parent);
            if parent == name {
                return Some(chain.join(" -> "));
            }
            if chain[..chain.len() - 1].contains(&parent) {
                return None; // a cycle above this template, reported there
            }
            at = parent;
        }
        None
    }
}

/// The help for an unknown filter, test or function: the closest known one.
fn known<'k>(kind: &str, name: &str, names: impl Iterator<Item = &'k String>) -> String {
    let close = names
        .map(|k| (strsim::jaro_winkler(name, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match close {
        Some((_, k)) => format!(
            "did you mean the {kind} `{k}`? (tera's built-in {kind}s are listed at https://keats.github.io/tera/docs/)"
        ),
        None => format!("tera's built-in {kind}s are listed at https://keats.github.io/tera/docs/"),
    }
}

/// The names a template uses, each with how many times it does.
pub(super) type Uses = BTreeMap<Use, usize>;

fn add(uses: &mut Uses, u: Use) {
    *uses.entry(u).or_default() += 1;
}

pub(super) fn nodes(ast: &[Node], uses: &mut Uses) {
    walk(ast, uses, true, Place::Top);
}

/// What a template renders itself, macro definitions left out (a macro's
/// body runs where it is called).
pub(super) fn outside_macros(ast: &[Node], uses: &mut Uses) {
    walk(ast, uses, false, Place::Top);
}

/// Where a node stands: at the top of a template, in a block reached
/// through blocks only, or anywhere else (an `if`, a `for`, a macro...).
/// tera renders `super()` only in the second, and panics on it inside a
/// block inside an `if`.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Top,
    Block,
    Other,
}

fn walk(ast: &[Node], uses: &mut Uses, macros: bool, place: Place) {
    let inner = Place::Other;
    for node in ast {
        match node {
            Node::VariableBlock(_, e) => expr(e, uses),
            Node::MacroDefinition(_, m, _) if macros => {
                walk(&m.body, uses, macros, inner);
                for default in m.args.values().flatten() {
                    expr(default, uses);
                }
            }
            Node::Extends(_, parent) => {
                add(uses, Use::Extends(parent.clone()));
            }
            Node::Include(_, names, ignore_missing) => {
                add(
                    uses,
                    if *ignore_missing {
                        Use::IncludeOptional(names.clone())
                    } else {
                        Use::Include(names.clone())
                    },
                );
            }
            Node::ImportMacro(_, file, _) => {
                add(uses, Use::Import(file.clone()));
            }
            Node::Set(_, set) => expr(&set.value, uses),
            Node::FilterSection(_, section, _) => {
                call(&section.filter, uses, Use::Filter);
                walk(&section.body, uses, macros, inner);
            }
            Node::Block(_, block, _) => {
                let place = if place == Place::Other {
                    inner
                } else {
                    Place::Block
                };
                walk(&block.body, uses, macros, place);
            }
            Node::Forloop(_, l, _) => {
                expr(&l.container, uses);
                walk(&l.body, uses, macros, inner);
                if let Some(empty) = &l.empty_body {
                    walk(empty, uses, macros, inner);
                }
            }
            Node::If(i, _) => {
                for (_, cond, body) in &i.conditions {
                    expr(cond, uses);
                    walk(body, uses, macros, inner);
                }
                if let Some((_, body)) = &i.otherwise {
                    walk(body, uses, macros, inner);
                }
            }
            Node::Super if place != Place::Block => add(uses, Use::Super),
            Node::Super
            | Node::MacroDefinition(..)
            | Node::Text(_)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }
}

fn call(f: &FunctionCall, uses: &mut Uses, kind: fn(String) -> Use) {
    add(uses, kind(f.name.clone()));
    for arg in f.args.values() {
        expr(arg, uses);
    }
}

fn expr(e: &Expr, uses: &mut Uses) {
    value(&e.val, uses);
    for f in &e.filters {
        call(f, uses, Use::Filter);
    }
}

fn value(v: &ExprVal, uses: &mut Uses) {
    match v {
        ExprVal::Math(m) => {
            expr(&m.lhs, uses);
            expr(&m.rhs, uses);
        }
        ExprVal::Logic(l) => {
            expr(&l.lhs, uses);
            expr(&l.rhs, uses);
        }
        ExprVal::In(i) => {
            expr(&i.lhs, uses);
            expr(&i.rhs, uses);
        }
        ExprVal::Test(t) => {
            add(uses, Use::Test(t.name.clone()));
            for arg in &t.args {
                expr(arg, uses);
            }
        }
        ExprVal::MacroCall(m) => {
            add(uses, Use::Macro(m.namespace.clone(), m.name.clone()));
            for arg in m.args.values() {
                expr(arg, uses);
            }
        }
        ExprVal::FunctionCall(f) => call(f, uses, Use::Function),
        ExprVal::Array(items) => {
            for item in items {
                expr(item, uses);
            }
        }
        ExprVal::StringConcat(c) => {
            for v in &c.values {
                value(v, uses);
            }
        }
        // tera panics on a number literal it cannot hold (`1` and 400 zeros).
        ExprVal::Float(f) if !f.is_finite() => add(uses, Use::Infinite),
        ExprVal::String(_)
        | ExprVal::Int(_)
        | ExprVal::Float(_)
        | ExprVal::Bool(_)
        | ExprVal::Ident(_) => {}
    }
}

#[cfg(test)]
mod tests;
