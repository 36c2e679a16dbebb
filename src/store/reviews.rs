//! Reading the attempt log back for the gap plan, spaced repetition and exports.
//!
//! The review schedule is not stored: it is replayed from the scored attempts every
//! time (see `plan::srs`), so it can never drift from the answers that set it and needs
//! no writes from the practice or mock flows.

use super::Store;
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// One attempt with its session's kind: everything the gap plan and the CSV export read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttemptLogRow {
    pub id: i64,
    pub session_id: i64,
    pub session_kind: String,
    pub question_id: String,
    pub position: i64,
    pub asked_at: String,
    pub answered_at: Option<String>,
    pub status: String,
    pub score: Option<f64>,
    pub band: Option<String>,
    pub elapsed_secs: Option<f64>,
    pub hint_used: bool,
    pub answer: Option<String>,
    /// The stored scorecard JSON, as written by `save_score`.
    pub scorecard: Option<serde_json::Value>,
}

impl Store {
    /// Every attempt of every session, oldest first.
    pub fn attempt_log(&self) -> Result<Vec<AttemptLogRow>> {
        let mut st = self.conn.prepare(
            "SELECT a.id, a.session_id, s.kind, a.question_id, a.position, a.asked_at, a.answered_at, a.status, a.score, a.band, \
             a.elapsed_secs, a.hint_used, a.answer, a.scorecard \
             FROM attempts a JOIN sessions s ON s.id = a.session_id ORDER BY COALESCE(a.answered_at, a.asked_at), a.id",
        )?;
        let rows = st
            .query_map([], |r| {
                let card: Option<String> = r.get(13)?;
                Ok(AttemptLogRow {
                    id: r.get(0)?,
                    session_id: r.get(1)?,
                    session_kind: r.get(2)?,
                    question_id: r.get(3)?,
                    position: r.get(4)?,
                    asked_at: r.get(5)?,
                    answered_at: r.get(6)?,
                    status: r.get(7)?,
                    score: r.get(8)?,
                    band: r.get(9)?,
                    elapsed_secs: r.get(10)?,
                    hint_used: r.get::<_, i64>(11)? != 0,
                    answer: r.get(12)?,
                    scorecard: card.and_then(|c| serde_json::from_str(&c).ok()),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempt_log_joins_sessions_in_time_order() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("g.sqlite3")).unwrap();
        let sid = s.create_session("practice", &serde_json::json!({}), None).unwrap();
        let a = s.start_attempt(sid, "q002", 0).unwrap();
        s.save_answer(a, "an answer", 3.0).unwrap();
        let b = s.start_attempt(sid, "q001", 1).unwrap();
        s.skip_attempt(b).unwrap();
        let log = s.attempt_log().unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!(log[0].question_id, "q002");
        assert_eq!(log[0].session_kind, "practice");
        assert_eq!(log[0].answer.as_deref(), Some("an answer"));
        assert_eq!(log[1].status, "skipped");
    }
}
