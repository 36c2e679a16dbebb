-- Sessions: one practice run or one mock interview.
CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('practice', 'mock')),
    started_at      TEXT NOT NULL,
    ended_at        TEXT,
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'finished', 'interrupted')),
    -- JSON: the question ids planned (mock) and the filters used
    plan            TEXT NOT NULL DEFAULT '{}',
    time_limit_secs INTEGER,
    report_path     TEXT
);

-- One question asked in a session, and what became of it. The answer is written
-- before it is scored; a draft is kept while it is typed.
CREATE TABLE attempts (
    id             INTEGER PRIMARY KEY,
    session_id     INTEGER NOT NULL REFERENCES sessions (id),
    question_id    TEXT NOT NULL,
    position       INTEGER NOT NULL,
    asked_at       TEXT NOT NULL,
    answered_at    TEXT,
    draft          TEXT NOT NULL DEFAULT '',
    answer         TEXT,
    elapsed_secs   REAL,
    hint_used      INTEGER NOT NULL DEFAULT 0,
    status         TEXT NOT NULL DEFAULT 'asked' CHECK (status IN ('asked', 'answered', 'scored', 'skipped')),
    score          REAL,
    band           TEXT,
    scorecard      TEXT,
    model          TEXT,
    rubric_version INTEGER
);
CREATE INDEX attempts_session ON attempts (session_id, position);
CREATE INDEX attempts_question ON attempts (question_id, asked_at);

-- Follow-up probes asked after an answer, and the replies.
CREATE TABLE followups (
    id           INTEGER PRIMARY KEY,
    attempt_id   INTEGER NOT NULL REFERENCES attempts (id),
    criterion_id TEXT NOT NULL,
    probe        TEXT NOT NULL,
    asked_at     TEXT NOT NULL,
    reply        TEXT,
    coverage     REAL,
    answered_at  TEXT
);
CREATE INDEX followups_attempt ON followups (attempt_id);
