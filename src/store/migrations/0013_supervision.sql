-- Approval–supervision linkage (审管联动), src/services/supervision.c: a task
-- pushed to each supervising organisation when a case is approved, with its
-- deadlines (day numbers: to claim, then to finish) and its history.
CREATE TABLE yw_supervision_tasks (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES yw_service_cases (id),
    approving_org TEXT NOT NULL REFERENCES yw_orgs (code),
    supervisor_org TEXT NOT NULL REFERENCES yw_orgs (code),
    state TEXT NOT NULL CHECK (state IN ('pushed', 'claimed', 'completed')),
    outcome TEXT CHECK (outcome IN ('compliant', 'rectification_ordered', 'penalty',
        'licence_revoked')),
    claim_due_day BIGINT NOT NULL,
    finish_due_day BIGINT,
    escalated INTEGER NOT NULL DEFAULT 0,
    elements TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX yw_supervision_tasks_supervisor ON yw_supervision_tasks (supervisor_org, state);
CREATE INDEX yw_supervision_tasks_approving ON yw_supervision_tasks (approving_org, state);
CREATE INDEX yw_supervision_tasks_case ON yw_supervision_tasks (case_id);

CREATE TABLE yw_supervision_events (
    task_id TEXT NOT NULL REFERENCES yw_supervision_tasks (id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    body TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (task_id, seq)
);
