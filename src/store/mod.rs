//! The session store: SQLite in the data directory. Sessions, attempts (answer text,
//! timings, scorecard, model and rubric versions) and follow-ups. Migrations are the
//! numbered files in migrations/, embedded here; WAL and a busy timeout let two grill
//! processes share the file safely.

use anyhow::{bail, Context, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::Path;

mod reviews;
pub use reviews::AttemptLogRow;

/// Numbered migrations; the schema version is the number of the last one applied.
const MIGRATIONS: &[(u32, &str)] = &[(1, include_str!("../../migrations/0001_init.sql"))];

pub struct Store {
    conn: Connection,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: i64,
    pub kind: String,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub status: String,
    pub plan: serde_json::Value,
    pub time_limit_secs: Option<i64>,
    pub report_path: Option<String>,
    pub questions: i64,
    pub mean_score: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FollowupRow {
    pub id: i64,
    pub criterion_id: String,
    pub probe: String,
    pub asked_at: String,
    pub reply: Option<String>,
    pub coverage: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttemptRow {
    pub id: i64,
    pub session_id: i64,
    pub question_id: String,
    pub position: i64,
    pub asked_at: String,
    pub answered_at: Option<String>,
    pub draft: String,
    pub answer: Option<String>,
    pub elapsed_secs: Option<f64>,
    pub hint_used: bool,
    pub status: String,
    pub score: Option<f64>,
    pub band: Option<String>,
    pub scorecard: Option<serde_json::Value>,
    pub model: Option<String>,
    pub rubric_version: Option<i64>,
    pub followups: Vec<FollowupRow>,
}

/// Now, as RFC 3339 in UTC. `GRILL_NOW` (RFC 3339) pins the clock for tests and demos.
pub fn now() -> String {
    if let Ok(fixed) = std::env::var("GRILL_NOW") {
        if time::OffsetDateTime::parse(&fixed, &time::format_description::well_known::Rfc3339).is_ok() {
            return fixed;
        }
    }
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

impl Store {
    /// Open (creating if needed) and migrate the database at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| {
                format!(
                    "cannot create the data directory {} (set --data-dir or GRILL_DATA_DIR to a writable folder)",
                    dir.display()
                )
            })?;
        }
        let conn =
            Connection::open(path).with_context(|| format!("cannot open the session database {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL").context("cannot switch the session database to WAL mode")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Store { conn };
        store.migrate(path)?;
        Ok(store)
    }

    fn migrate(&mut self, path: &Path) -> Result<()> {
        let known = MIGRATIONS.last().map_or(0, |m| m.0);
        let current: u32 = self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current > known {
            bail!(
                "the session database {} has schema version {current}, but this grill knows only up to {known}: it was written by a newer grill. Upgrade grill, or use another --data-dir",
                path.display()
            );
        }
        for (n, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql).with_context(|| format!("migration {n} failed"))?;
            tx.pragma_update(None, "user_version", n)?;
            tx.commit()?;
        }
        Ok(())
    }

    pub fn create_session(&self, kind: &str, plan: &serde_json::Value, time_limit_secs: Option<i64>) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO sessions (kind, started_at, plan, time_limit_secs) VALUES (?1, ?2, ?3, ?4)",
            params![kind, now(), plan.to_string(), time_limit_secs],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn set_plan(&self, session: i64, plan: &serde_json::Value) -> Result<()> {
        self.conn.execute("UPDATE sessions SET plan = ?2 WHERE id = ?1", params![session, plan.to_string()])?;
        Ok(())
    }

    pub fn finish_session(&self, session: i64, status: &str, report_path: Option<&str>) -> Result<()> {
        self.conn.execute(
            "UPDATE sessions SET status = ?2, ended_at = ?3, report_path = COALESCE(?4, report_path) WHERE id = ?1",
            params![session, status, now(), report_path],
        )?;
        Ok(())
    }

    pub fn start_attempt(&self, session: i64, question: &str, position: i64) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO attempts (session_id, question_id, position, asked_at) VALUES (?1, ?2, ?3, ?4)",
            params![session, question, position, now()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Keep what has been typed so far, so a crash loses nothing.
    pub fn save_draft(&self, attempt: i64, draft: &str) -> Result<()> {
        self.conn.execute("UPDATE attempts SET draft = ?2 WHERE id = ?1", params![attempt, draft])?;
        Ok(())
    }

    pub fn mark_hint(&self, attempt: i64) -> Result<()> {
        self.conn.execute("UPDATE attempts SET hint_used = 1 WHERE id = ?1", params![attempt])?;
        Ok(())
    }

    /// Record the submitted answer (before scoring).
    pub fn save_answer(&self, attempt: i64, answer: &str, elapsed_secs: f64) -> Result<()> {
        self.conn.execute(
            "UPDATE attempts SET answer = ?2, draft = ?2, elapsed_secs = ?3, answered_at = ?4, status = 'answered' WHERE id = ?1",
            params![attempt, answer, elapsed_secs, now()],
        )?;
        Ok(())
    }

    pub fn skip_attempt(&self, attempt: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE attempts SET status = 'skipped', answered_at = ?2 WHERE id = ?1",
            params![attempt, now()],
        )?;
        Ok(())
    }

    pub fn save_score(&self, attempt: i64, card: &crate::scoring::Scorecard) -> Result<()> {
        self.conn.execute(
            "UPDATE attempts SET status = 'scored', score = ?2, band = ?3, scorecard = ?4, model = ?5, rubric_version = ?6 WHERE id = ?1",
            params![attempt, card.score, card.band.label(), serde_json::to_string(card)?, card.model, card.rubric_version],
        )?;
        Ok(())
    }

    pub fn add_followup(&self, attempt: i64, criterion: &str, probe: &str) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO followups (attempt_id, criterion_id, probe, asked_at) VALUES (?1, ?2, ?3, ?4)",
            params![attempt, criterion, probe, now()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn save_followup_reply(&self, followup: i64, reply: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE followups SET reply = ?2, answered_at = ?3 WHERE id = ?1",
            params![followup, reply, now()],
        )?;
        Ok(())
    }

    pub fn save_followup_coverage(&self, followup: i64, coverage: f64) -> Result<()> {
        self.conn.execute("UPDATE followups SET coverage = ?2 WHERE id = ?1", params![followup, coverage])?;
        Ok(())
    }

    fn session_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRow> {
        let plan: String = r.get(5)?;
        Ok(SessionRow {
            id: r.get(0)?,
            kind: r.get(1)?,
            started_at: r.get(2)?,
            ended_at: r.get(3)?,
            status: r.get(4)?,
            plan: serde_json::from_str(&plan).unwrap_or(serde_json::Value::Null),
            time_limit_secs: r.get(6)?,
            report_path: r.get(7)?,
            questions: r.get(8)?,
            mean_score: r.get(9)?,
        })
    }

    const SESSION_SELECT: &'static str =
        "SELECT s.id, s.kind, s.started_at, s.ended_at, s.status, s.plan, s.time_limit_secs, s.report_path, \
         (SELECT COUNT(*) FROM attempts a WHERE a.session_id = s.id AND a.status != 'skipped'), \
         (SELECT AVG(a.score) FROM attempts a WHERE a.session_id = s.id AND a.status = 'scored') FROM sessions s";

    pub fn sessions(&self) -> Result<Vec<SessionRow>> {
        let mut st = self.conn.prepare(&format!("{} ORDER BY s.id DESC", Self::SESSION_SELECT))?;
        let rows = st.query_map([], Self::session_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn session(&self, id: i64) -> Result<Option<SessionRow>> {
        Ok(self
            .conn
            .query_row(&format!("{} WHERE s.id = ?1", Self::SESSION_SELECT), [id], Self::session_from_row)
            .optional()?)
    }

    /// The most recent mock that did not finish.
    pub fn last_unfinished_mock(&self) -> Result<Option<SessionRow>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "{} WHERE s.kind = 'mock' AND s.status != 'finished' ORDER BY s.id DESC LIMIT 1",
                    Self::SESSION_SELECT
                ),
                [],
                Self::session_from_row,
            )
            .optional()?)
    }

    pub fn attempts(&self, session: i64) -> Result<Vec<AttemptRow>> {
        let mut st = self.conn.prepare(
            "SELECT id, session_id, question_id, position, asked_at, answered_at, draft, answer, elapsed_secs, hint_used, status, score, band, scorecard, model, rubric_version \
             FROM attempts WHERE session_id = ?1 ORDER BY position, id",
        )?;
        let mut rows = st
            .query_map([session], |r| {
                let card: Option<String> = r.get(13)?;
                Ok(AttemptRow {
                    id: r.get(0)?,
                    session_id: r.get(1)?,
                    question_id: r.get(2)?,
                    position: r.get(3)?,
                    asked_at: r.get(4)?,
                    answered_at: r.get(5)?,
                    draft: r.get(6)?,
                    answer: r.get(7)?,
                    elapsed_secs: r.get(8)?,
                    hint_used: r.get::<_, i64>(9)? != 0,
                    status: r.get(10)?,
                    score: r.get(11)?,
                    band: r.get(12)?,
                    scorecard: card.and_then(|c| serde_json::from_str(&c).ok()),
                    model: r.get(14)?,
                    rubric_version: r.get(15)?,
                    followups: vec![],
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut st = self.conn.prepare("SELECT id, criterion_id, probe, asked_at, reply, coverage FROM followups WHERE attempt_id = ?1 ORDER BY id")?;
        for a in &mut rows {
            a.followups = st
                .query_map([a.id], |r| {
                    Ok(FollowupRow {
                        id: r.get(0)?,
                        criterion_id: r.get(1)?,
                        probe: r.get(2)?,
                        asked_at: r.get(3)?,
                        reply: r.get(4)?,
                        coverage: r.get(5)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
        }
        Ok(rows)
    }

    /// Every scored attempt, oldest first (for mastery and the gap plan).
    pub fn scored_attempts(&self) -> Result<Vec<(String, String, f64)>> {
        let mut st = self.conn.prepare(
            "SELECT question_id, asked_at, score FROM attempts WHERE status = 'scored' ORDER BY asked_at, id",
        )?;
        let rows =
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_schema_guard() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.sqlite3");
        let s = Store::open(&path).unwrap();
        let sid = s.create_session("mock", &serde_json::json!({"questions": ["q001"]}), Some(600)).unwrap();
        let a = s.start_attempt(sid, "q001", 0).unwrap();
        s.save_draft(a, "half an answer").unwrap();
        assert_eq!(s.attempts(sid).unwrap()[0].draft, "half an answer");
        s.save_answer(a, "a full answer", 12.5).unwrap();
        let f = s.add_followup(a, "rollback", "How would you roll back?").unwrap();
        s.save_followup_reply(f, "kubectl rollout undo").unwrap();
        let rows = s.attempts(sid).unwrap();
        assert_eq!(rows[0].answer.as_deref(), Some("a full answer"));
        assert_eq!(rows[0].followups[0].reply.as_deref(), Some("kubectl rollout undo"));
        assert_eq!(s.last_unfinished_mock().unwrap().unwrap().id, sid);
        s.finish_session(sid, "finished", Some("/tmp/r.md")).unwrap();
        assert!(s.last_unfinished_mock().unwrap().is_none());
        drop(s);
        // a newer schema on disk is refused with a clear message
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        let err = Store::open(&path).err().unwrap().to_string();
        assert!(err.contains("newer grill"), "{err}");
    }
}
