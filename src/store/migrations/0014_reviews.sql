-- 好差评 (good/bad reviews) of cases and the rectifications (整改) that bad
-- reviews open, src/services/reviews.c. Design note: docs/internals/reviews.md.

-- One review per case and stage (accept: 受理, complete: 办结), by the
-- applicant. The reviewed parties are copied from the case and its steps
-- (item, handling organisation, the staff member who did the stage, the
-- channel the review came by) so that statistics never join the cases. The
-- applicant is not stored here: the case names them. void is 1 once an
-- appeal against the review was upheld (it then leaves the statistics).
CREATE TABLE yw_service_reviews (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES yw_service_cases (id),
    stage TEXT NOT NULL CHECK (stage IN ('accept', 'complete')),
    item TEXT NOT NULL,
    org TEXT NOT NULL,
    staff TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('online', 'mobile', 'window', 'kiosk')),
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    bad INTEGER NOT NULL,
    indicators TEXT NOT NULL,
    comment TEXT,
    day BIGINT NOT NULL,
    void INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (case_id, stage)
);
CREATE INDEX yw_service_reviews_org ON yw_service_reviews (org, created_at);
CREATE INDEX yw_service_reviews_item ON yw_service_reviews (item, day);
CREATE INDEX yw_service_reviews_staff ON yw_service_reviews (staff, day);

-- The statistics' rollup, kept in the transaction of each review and of each
-- rectification step, so that statistics over a million reviews read a few
-- thousand rows: per reviewed party (dim item, staff or channel; by
-- organisation sums the channel rows) and organisation, per day (grain day,
-- period the day) and per month (grain month, period its first day). A range
-- reads whole months from the month rows and its ragged ends from the day
-- rows. x_*: the rectifications of those reviews (not void): all, closed
-- (rectified, explained, rated), still open (appealed included), and the
-- applicants' ratings of them.
CREATE TABLE yw_service_review_rollup (
    dim TEXT NOT NULL CHECK (dim IN ('item', 'staff', 'channel')),
    grain TEXT NOT NULL CHECK (grain IN ('day', 'month')),
    period BIGINT NOT NULL,
    org TEXT NOT NULL,
    party TEXT NOT NULL,
    n BIGINT NOT NULL,
    level_sum BIGINT NOT NULL,
    n1 BIGINT NOT NULL,
    n2 BIGINT NOT NULL,
    n3 BIGINT NOT NULL,
    n4 BIGINT NOT NULL,
    n5 BIGINT NOT NULL,
    x_total BIGINT NOT NULL,
    x_closed BIGINT NOT NULL,
    x_open BIGINT NOT NULL,
    x_satisfied BIGINT NOT NULL,
    x_basically BIGINT NOT NULL,
    x_dissatisfied BIGINT NOT NULL,
    PRIMARY KEY (dim, grain, period, org, party)
);
CREATE INDEX yw_service_review_rollup_org ON yw_service_review_rollup (org, dim, grain, period);

-- The rectification a bad review opens, owned by the handling organisation:
-- open → called_back → verified → rectified | explained → rated; or appealed
-- (from open, called_back or verified) → void (upheld) or back (rejected).
-- day: the review's; due_day: rectify_days working days after it.
CREATE TABLE yw_service_rectifications (
    id TEXT PRIMARY KEY,
    review_id TEXT NOT NULL UNIQUE REFERENCES yw_service_reviews (id),
    case_id TEXT NOT NULL,
    item TEXT NOT NULL,
    org TEXT NOT NULL,
    staff TEXT NOT NULL,
    channel TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'called_back', 'verified', 'appealed',
        'rectified', 'explained', 'rated', 'void')),
    resume_state TEXT,
    day BIGINT NOT NULL,
    due_day BIGINT NOT NULL,
    done_day BIGINT,
    satisfaction TEXT,
    doc TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX yw_service_rectifications_org ON yw_service_rectifications (org, state, due_day);
-- Overdue ones for the statistics, read from the index alone.
CREATE INDEX yw_service_rectifications_due ON yw_service_rectifications (state, due_day, day, org,
    item, staff, channel);

-- Every step of a rectification, in order.
CREATE TABLE yw_service_rectification_steps (
    rectification_id TEXT NOT NULL REFERENCES yw_service_rectifications (id),
    seq INTEGER NOT NULL,
    step TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT,
    at TEXT NOT NULL,
    PRIMARY KEY (rectification_id, seq)
);
