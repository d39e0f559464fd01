-- One-stop services (一网通办), src/services/: service items (政务服务事项)
-- and cases (办件) with their materials and steps.

-- One row per item: the guide as JSON, the columns its searches filter on,
-- and its search terms (src/util/search.c) between spaces.
CREATE TABLE yw_service_items (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    org TEXT NOT NULL REFERENCES yw_orgs (code),
    objects TEXT NOT NULL,
    doc TEXT NOT NULL,
    terms TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX yw_service_items_org ON yw_service_items (org, code);

-- A case: where it was received (收件地) and where it is handled (办理地),
-- its channel, its applicant, its state and deadline (a day number, working
-- days from acceptance; paused_day while a supplement is awaited), and the
-- rest (form, consent, hand-over, decision) as JSON.
CREATE TABLE yw_service_cases (
    id TEXT PRIMARY KEY,
    item TEXT NOT NULL REFERENCES yw_service_items (code),
    org TEXT NOT NULL REFERENCES yw_orgs (code),
    receiving_org TEXT NOT NULL REFERENCES yw_orgs (code),
    channel TEXT NOT NULL
        CHECK (channel IN ('online', 'mobile', 'window', 'kiosk', 'assisted')),
    applicant_kind TEXT NOT NULL CHECK (applicant_kind IN ('citizen', 'enterprise')),
    applicant_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'accepted', 'not_accepted',
        'supplement_requested', 'under_review', 'approved', 'denied', 'result_issued', 'closed')),
    resume_state TEXT,
    due_day BIGINT,
    paused_day BIGINT,
    doc TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX yw_service_cases_org ON yw_service_cases (org, state, due_day);
CREATE INDEX yw_service_cases_receiving ON yw_service_cases (receiving_org, state);
CREATE INDEX yw_service_cases_applicant ON yw_service_cases (applicant_id);

-- Each material the item asks for: obtained by sharing (with the grant and
-- the delivery's ledger index), uploaded, or still missing; note says why a
-- fetch failed.
CREATE TABLE yw_service_materials (
    case_id TEXT NOT NULL REFERENCES yw_service_cases (id),
    idx INTEGER NOT NULL,
    name TEXT NOT NULL,
    required INTEGER NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('sharing', 'upload', 'missing')),
    resource TEXT,
    grant_id TEXT,
    ledger_index BIGINT,
    content TEXT,
    note TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (case_id, idx)
);

-- Every step of a case, in order.
CREATE TABLE yw_service_case_steps (
    case_id TEXT NOT NULL REFERENCES yw_service_cases (id),
    seq INTEGER NOT NULL,
    step TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT,
    at TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);
