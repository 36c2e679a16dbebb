//! Filtering and keyword search over the bank, and "did you mean" suggestions.

use super::{Bank, Level, Question};

/// Criteria that combine with AND; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub topic: Option<String>,
    pub tool: Option<String>,
    pub level: Option<Level>,
    /// Every word must appear (case-insensitive) in the title, scenario, tags or model answer.
    pub search: Option<String>,
}

impl Filter {
    pub fn matches(&self, q: &Question) -> bool {
        if self.topic.as_deref().is_some_and(|t| q.topic != t) {
            return false;
        }
        if self.tool.as_deref().is_some_and(|t| !q.tools.iter().any(|x| x == t)) {
            return false;
        }
        if self.level.is_some_and(|l| q.level != l) {
            return false;
        }
        if let Some(words) = &self.search {
            let hay =
                format!("{}\n{}\n{}\n{}", q.title, q.scenario, q.tags.join(" "), q.answer.as_deref().unwrap_or(""))
                    .to_lowercase();
            if !words.to_lowercase().split_whitespace().all(|w| hay.contains(w)) {
                return false;
            }
        }
        true
    }

    pub fn apply<'b>(&self, bank: &'b Bank) -> Vec<&'b Question> {
        bank.questions.iter().filter(|q| self.matches(q)).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.topic.is_none() && self.tool.is_none() && self.level.is_none() && self.search.is_none()
    }
}

/// Up to three known names close to `value`, closest first.
pub fn suggest(value: &str, known: &[&str]) -> Vec<String> {
    let v = value.trim().to_lowercase();
    if v.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(f64, &str)> = known
        .iter()
        .map(|k| {
            let kl = k.to_lowercase();
            let mut s = strsim::jaro_winkler(&v, &kl);
            if kl.starts_with(&v) || (v.len() >= 3 && kl.contains(&v)) {
                s = s.max(0.95);
            }
            (s, *k)
        })
        .filter(|(s, _)| *s >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, k)| k.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_rank_close_names() {
        let known = ["mlflow", "airflow", "kubeflow", "feast"];
        assert_eq!(suggest("mlfow", &known)[0], "mlflow");
        assert_eq!(suggest("kube", &known), vec!["kubeflow"]);
        assert!(suggest("zzzz", &known).is_empty());
    }
}
