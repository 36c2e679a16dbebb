//! Parsing and validating bank files. Every problem becomes a [`Diagnostic`] naming the
//! file, the line and what to do; loading reports all of them at once.

use super::{
    normalize_id, suggest, Bank, Criterion, Level, Question, RedFlag, Rubric, Taxonomy, TermGroup, Tool, Topic,
};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

/// One problem in one bank file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Why a bank could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the bank at {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("the bank has {} problem(s):\n{}", .0.len(), .0.iter().map(|d| format!("  {d}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    topics: Vec<RawTopic>,
    tools: Vec<RawTool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTool {
    id: String,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    title: Spanned<String>,
    topic: Spanned<String>,
    #[serde(default)]
    tools: Vec<Spanned<String>>,
    level: Spanned<String>,
    #[serde(default)]
    tags: Vec<String>,
    scenario: Spanned<String>,
    #[serde(default)]
    answer: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRubric {
    question: Spanned<String>,
    #[serde(default = "one")]
    version: u32,
    #[serde(default)]
    criteria: Vec<Spanned<RawCriterion>>,
    #[serde(default)]
    red_flags: Vec<Spanned<RawRedFlag>>,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    id: String,
    idea: String,
    weight: Spanned<f64>,
    statement: String,
    terms: Vec<String>,
    followup: String,
    study: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRedFlag {
    statement: String,
    #[serde(default)]
    terms: Vec<String>,
    penalty: Spanned<f64>,
}

/// Collects diagnostics for one file.
struct FileCheck<'a> {
    file: &'a str,
    text: &'a str,
    out: &'a mut Vec<Diagnostic>,
}

impl FileCheck<'_> {
    fn line_of(&self, span: Range<usize>) -> usize {
        self.text[..span.start.min(self.text.len())].matches('\n').count() + 1
    }
    fn at(&mut self, span: Range<usize>, message: impl Into<String>) {
        let line = Some(self.line_of(span));
        self.out.push(Diagnostic { file: self.file.to_string(), line, message: message.into() });
    }
    fn whole(&mut self, message: impl Into<String>) {
        self.out.push(Diagnostic { file: self.file.to_string(), line: None, message: message.into() });
    }
    fn parse<T: for<'de> Deserialize<'de>>(&mut self) -> Option<T> {
        match toml::from_str::<T>(self.text) {
            Ok(v) => Some(v),
            Err(e) => {
                let msg = e.message().trim().to_string();
                let hint = if msg.contains("missing field") {
                    " (add it; docs/bank-format.md lists every field)"
                } else if msg.contains("unknown field") {
                    " (remove it or fix its spelling; docs/bank-format.md lists every field)"
                } else {
                    " (fix the TOML syntax; long texts go in '''...''')"
                };
                match e.span() {
                    Some(span) => self.at(span, format!("{msg}{hint}")),
                    None => self.whole(format!("{msg}{hint}")),
                }
                None
            }
        }
    }
}

fn did_you_mean(value: &str, known: &[&str]) -> String {
    let close = suggest(value, known);
    if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", close.join(", "))
    }
}

fn file_stem(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.strip_suffix(".toml").unwrap_or(name)
}

fn parse_taxonomy(file: &str, text: &str, out: &mut Vec<Diagnostic>) -> Taxonomy {
    let mut fc = FileCheck { file, text, out };
    let Some(raw) = fc.parse::<RawTaxonomy>() else { return Taxonomy::default() };
    for (kind, ids) in [
        ("topic", raw.topics.iter().map(|t| &t.id).collect::<Vec<_>>()),
        ("tool", raw.tools.iter().map(|t| &t.id).collect()),
    ] {
        let mut seen = HashSet::new();
        for id in ids {
            if !seen.insert(id.clone()) {
                fc.whole(format!("{kind} id '{id}' is defined twice (give each {kind} a distinct id)"));
            }
        }
    }
    Taxonomy {
        topics: raw.topics.into_iter().map(|t| Topic { id: t.id, name: t.name }).collect(),
        tools: raw
            .tools
            .into_iter()
            .map(|t| Tool {
                id: t.id,
                name: t.name,
                aliases: t.aliases.into_iter().map(|a| a.to_lowercase()).collect(),
            })
            .collect(),
    }
}

fn parse_question(file: &str, text: &str, tax: &Taxonomy, out: &mut Vec<Diagnostic>) -> Option<(Question, usize)> {
    let mut fc = FileCheck { file, text, out };
    let raw = fc.parse::<RawQuestion>()?;
    let before = fc.out.len();
    let id = raw.id.get_ref().trim().to_string();
    if normalize_id(&id) != id {
        fc.at(raw.id.span(), format!("id '{id}' is not of the form q001 (a 'q' and three or more digits)"));
    }
    // A file name that does not match the id is reported by `load`, which knows whether
    // another file already has that id.
    let title = raw.title.get_ref().trim().to_string();
    let words = title.split_whitespace().count();
    if words == 0 {
        fc.at(raw.title.span(), "title is empty (write a short title of at most 8 words)");
    } else if words > 8 {
        fc.at(raw.title.span(), format!("title has {words} words (shorten it to at most 8)"));
    }
    let topic = raw.topic.get_ref().trim().to_string();
    if tax.topic(&topic).is_none() {
        let known: Vec<&str> = tax.topics.iter().map(|t| t.id.as_str()).collect();
        fc.at(
            raw.topic.span(),
            format!("unknown topic '{topic}'{} (`grill topics` lists them)", did_you_mean(&topic, &known)),
        );
    }
    let known_tools: Vec<&str> = tax.tools.iter().map(|t| t.id.as_str()).collect();
    let mut tools = Vec::new();
    for t in &raw.tools {
        let id = t.get_ref().trim().to_string();
        if tax.tool(&id).is_none() {
            fc.at(
                t.span(),
                format!("unknown tool '{id}'{} (`grill tools` lists them)", did_you_mean(&id, &known_tools)),
            );
        } else if tools.contains(&id) {
            fc.at(t.span(), format!("tool '{id}' is listed twice"));
        } else {
            tools.push(id);
        }
    }
    let level = Level::parse(raw.level.get_ref());
    if level.is_none() {
        fc.at(raw.level.span(), format!("unknown level '{}' (use junior, mid, senior or staff)", raw.level.get_ref()));
    }
    let scenario = raw.scenario.get_ref().trim().to_string();
    if scenario.is_empty() {
        fc.at(raw.scenario.span(), "scenario is empty (write the question the candidate is asked)");
    }
    if fc.out.len() > before {
        return None;
    }
    let id_line = fc.line_of(raw.id.span());
    let answer = raw.answer.trim();
    Some((
        Question {
            id,
            title,
            topic,
            tools,
            level: level?,
            tags: raw.tags.into_iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect(),
            scenario,
            answer: (!answer.is_empty()).then(|| answer.to_string()),
        },
        id_line,
    ))
}

fn parse_rubric(file: &str, text: &str, out: &mut Vec<Diagnostic>) -> Option<(Spanned<String>, Rubric)> {
    let mut fc = FileCheck { file, text, out };
    let raw = fc.parse::<RawRubric>()?;
    let before = fc.out.len();
    let question = normalize_id(raw.question.get_ref());
    if file_stem(file) != question {
        fc.at(raw.question.span(), format!("rubric for '{question}' is in the wrong file (name it {question}.toml)"));
    }
    let n = raw.criteria.len();
    if !(4..=8).contains(&n) {
        let line_span = raw.question.span();
        fc.at(line_span, format!("rubric has {n} criteria (a rubric needs 4 to 8 [[criteria]])"));
    }
    let mut ids = HashSet::new();
    let mut criteria = Vec::new();
    for c in raw.criteria {
        let span = c.span();
        let c = c.into_inner();
        if !ids.insert(c.id.clone()) {
            fc.at(span.clone(), format!("criterion id '{}' is used twice (ids must be unique within a rubric)", c.id));
        }
        let w = *c.weight.get_ref();
        if !(w.is_finite() && w > 0.0) {
            fc.at(c.weight.span(), format!("criterion '{}' has weight {w} (weights must be positive numbers)", c.id));
        }
        for (field, value) in [
            ("id", &c.id),
            ("idea", &c.idea),
            ("statement", &c.statement),
            ("followup", &c.followup),
            ("study", &c.study),
        ] {
            if value.trim().is_empty() {
                fc.at(span.clone(), format!("criterion '{}' has an empty {field} (fill it in)", c.id));
            }
        }
        let terms: Vec<TermGroup> =
            c.terms.iter().map(|t| TermGroup::parse(t)).filter(|g| !g.aliases.is_empty()).collect();
        if terms.is_empty() {
            fc.at(span.clone(), format!("criterion '{}' has no terms (list the key terms a strong answer uses)", c.id));
        }
        criteria.push(Criterion {
            id: c.id.trim().to_string(),
            idea: c.idea.trim().to_lowercase(),
            weight: w,
            statement: c.statement.trim().to_string(),
            terms,
            followup: c.followup.trim().to_string(),
            study: c.study.trim().to_string(),
        });
    }
    let mut red_flags = Vec::new();
    for f in raw.red_flags {
        let span = f.span();
        let f = f.into_inner();
        let p = *f.penalty.get_ref();
        if !(p.is_finite() && (1.0..=30.0).contains(&p)) {
            fc.at(f.penalty.span(), format!("red flag penalty {p} is out of range (use 1 to 30 points)"));
        }
        if f.statement.trim().is_empty() {
            fc.at(span, "red flag has an empty statement (say what the bad advice is)");
        }
        red_flags.push(RedFlag {
            statement: f.statement.trim().to_string(),
            terms: f.terms.iter().map(|t| TermGroup::parse(t)).filter(|g| !g.aliases.is_empty()).collect(),
            penalty: p,
        });
    }
    if fc.out.len() > before {
        return None;
    }
    let q = raw.question.clone();
    Some((q, Rubric { question, version: raw.version, criteria, red_flags }))
}

/// Load a bank from (path, contents) pairs; paths are relative to the bank root.
pub(super) fn load(files: Vec<(String, String)>, origin: String) -> Result<Bank, LoadError> {
    let mut diags = Vec::new();
    let taxonomy = match files.iter().find(|(p, _)| p == "taxonomy.toml" || p == "questions/taxonomy.toml") {
        Some((p, text)) => parse_taxonomy(p, text, &mut diags),
        None => parse_taxonomy("taxonomy.toml (built in)", super::DEFAULT_TAXONOMY, &mut diags),
    };
    let mut parsed: Vec<(Question, usize, &String)> = Vec::new();
    let mut rubric_files = Vec::new();
    // Stems of question files that exist but did not load: their rubrics are not blamed.
    let mut broken: HashSet<String> = HashSet::new();
    for (path, text) in &files {
        if path.ends_with("taxonomy.toml") {
            continue;
        }
        if path.starts_with("questions/") {
            match parse_question(path, text, &taxonomy, &mut diags) {
                Some((q, line)) => parsed.push((q, line, path)),
                None => {
                    broken.insert(file_stem(path).to_string());
                }
            }
        } else if path.starts_with("rubrics/") {
            rubric_files.push((path, text));
        }
    }
    // Files whose name matches their id claim it first; a copy under another name is a duplicate.
    parsed.sort_by_key(|(q, _, path)| (file_stem(path) != q.id, (*path).clone()));
    let mut questions: Vec<Question> = Vec::new();
    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    for (q, line, path) in parsed {
        if let Some(other) = seen_ids.get(&q.id) {
            diags.push(Diagnostic {
                file: path.clone(),
                line: Some(line),
                message: format!(
                    "duplicate id '{}': {other} already has it (give this question its own id, e.g. the file's name)",
                    q.id
                ),
            });
            continue;
        }
        if file_stem(path) != q.id {
            diags.push(Diagnostic {
                file: path.clone(),
                line: Some(line),
                message: format!(
                    "id '{}' does not match the file name (rename the file to {}.toml, or fix the id)",
                    q.id, q.id
                ),
            });
            broken.insert(file_stem(path).to_string());
            continue;
        }
        seen_ids.insert(q.id.clone(), path.clone());
        questions.push(q);
    }
    let ids: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
    let mut rubrics = BTreeMap::new();
    for (path, text) in rubric_files {
        if let Some((qspan, r)) = parse_rubric(path, text, &mut diags) {
            if !ids.contains(&r.question.as_str()) {
                if broken.contains(&r.question) {
                    continue;
                }
                let mut fc = FileCheck { file: path, text, out: &mut diags };
                fc.at(
                    qspan.span(),
                    format!(
                        "rubric for '{}', but no such question exists{} (add questions/{}.toml or fix the id)",
                        r.question,
                        did_you_mean(&r.question, &ids),
                        r.question
                    ),
                );
                continue;
            }
            rubrics.insert(r.question.clone(), r);
        }
    }
    if questions.is_empty() && diags.is_empty() {
        diags.push(Diagnostic {
            file: "questions/".into(),
            line: None,
            message: "no question files found (add questions/q001.toml; see docs/bank-format.md)".into(),
        });
    }
    if !diags.is_empty() {
        return Err(LoadError::Invalid(diags));
    }
    questions.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Bank { taxonomy, questions, rubrics, origin })
}

/// Load a bank from a directory.
pub(super) fn load_dir(dir: &Path) -> Result<Bank, LoadError> {
    let io = |path: &Path, source| LoadError::Io { path: path.display().to_string(), source };
    if !dir.is_dir() {
        return Err(io(
            dir,
            std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory (a bank holds questions/ and rubrics/)"),
        ));
    }
    let mut files = Vec::new();
    let top = dir.join("taxonomy.toml");
    if top.is_file() {
        files.push(("taxonomy.toml".to_string(), std::fs::read_to_string(&top).map_err(|e| io(&top, e))?));
    }
    for sub in ["questions", "rubrics"] {
        let d = dir.join(sub);
        if !d.is_dir() {
            if sub == "questions" {
                return Err(io(
                    &d,
                    std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "missing questions/ folder (a bank holds questions/ and rubrics/)",
                    ),
                ));
            }
            continue;
        }
        let mut entries: Vec<_> =
            std::fs::read_dir(&d).map_err(|e| io(&d, e))?.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.extension().is_some_and(|e| e == "toml") {
                let name = p.file_name().unwrap_or_default().to_string_lossy();
                let text = std::fs::read_to_string(&p).map_err(|e| io(&p, e))?;
                files.push((format!("{sub}/{name}"), text));
            }
        }
    }
    load(files, dir.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: &str = "id = \"q001\"\ntitle = \"A title\"\ntopic = \"cost\"\ntools = [\"dvc\"]\nlevel = \"mid\"\ntags = [\"a\", \"b\"]\nscenario = '''Why?'''\n";

    fn rubric(n: usize) -> String {
        let mut s = String::from("question = \"q001\"\nversion = 1\n");
        for i in 0..n {
            s.push_str(&format!("[[criteria]]\nid = \"c{i}\"\nidea = \"idea {i}\"\nweight = 2\nstatement = \"Says thing {i}.\"\nterms = [\"thing{i} | alias\"]\nfollowup = \"What about {i}?\"\nstudy = \"Read {i}.\"\n"));
        }
        s
    }

    fn run(files: &[(&str, &str)]) -> Result<Bank, Vec<Diagnostic>> {
        load(files.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(), "test".into()).map_err(|e| match e {
            LoadError::Invalid(d) => d,
            other => panic!("{other}"),
        })
    }

    #[test]
    fn a_valid_bank_loads() {
        let r = rubric(4);
        let bank = run(&[("questions/q001.toml", Q), ("rubrics/q001.toml", &r)]).unwrap();
        assert_eq!(bank.questions.len(), 1);
        assert_eq!(bank.rubric("q001").unwrap().criteria.len(), 4);
        assert!(bank.questions[0].answer.is_none());
    }

    #[test]
    fn unknown_topic_names_line_and_suggests() {
        let q = Q.replace("\"cost\"", "\"costs\"");
        let d = run(&[("questions/q001.toml", &q)]).unwrap_err();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, Some(3));
        assert!(d[0].message.contains("did you mean cost"), "{}", d[0].message);
    }

    #[test]
    fn unknown_tool_and_bad_level_are_both_reported() {
        let q = Q.replace("\"dvc\"", "\"dvcc\"").replace("\"mid\"", "\"principal\"");
        let d = run(&[("questions/q001.toml", &q)]).unwrap_err();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().any(|x| x.line == Some(4) && x.message.contains("did you mean dvc")));
        assert!(d.iter().any(|x| x.line == Some(5) && x.message.contains("junior, mid, senior or staff")));
    }

    #[test]
    fn syntax_error_names_the_line() {
        let q = Q.replace("level = \"mid\"", "level = mid");
        let d = run(&[("questions/q001.toml", &q)]).unwrap_err();
        assert_eq!(d[0].line, Some(5), "{d:?}");
    }

    #[test]
    fn missing_field_is_named() {
        let q = Q.replace("title = \"A title\"\n", "");
        let d = run(&[("questions/q001.toml", &q)]).unwrap_err();
        assert!(d[0].message.contains("missing field `title`"), "{d:?}");
    }

    #[test]
    fn duplicate_ids_are_reported() {
        let q2 = Q.replace("\"q001\"", "\"q002\"");
        let d = run(&[("questions/q002b.toml", &q2), ("questions/q002.toml", &q2)]).unwrap_err();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].file, "questions/q002b.toml");
        assert!(d[0].message.contains("duplicate id 'q002': questions/q002.toml already has it"), "{d:?}");
    }

    #[test]
    fn rubric_for_missing_question_and_bad_weight() {
        let r = rubric(4).replace("q001", "q009");
        let d = run(&[("questions/q001.toml", Q), ("rubrics/q009.toml", &r)]).unwrap_err();
        assert!(d.iter().any(|x| x.message.contains("no such question")), "{d:?}");
        let r = rubric(4).replacen("weight = 2", "weight = 0", 1);
        let d = run(&[("questions/q001.toml", Q), ("rubrics/q001.toml", &r)]).unwrap_err();
        assert!(d.iter().any(|x| x.message.contains("weights must be positive") && x.line == Some(6)), "{d:?}");
    }

    #[test]
    fn rubric_needs_four_to_eight_criteria() {
        let r = rubric(3);
        let d = run(&[("questions/q001.toml", Q), ("rubrics/q001.toml", &r)]).unwrap_err();
        assert!(d[0].message.contains("4 to 8"), "{d:?}");
    }
}
