//! The screening history: a local, append-only, hash-chained JSON Lines file of every
//! determination (compact records naming the rule set they were decided under, which is kept
//! once beside the history), with review (summaries, filters), re-screening, the impact of
//! new rules, and exports. Every command reads the file in one pass or from its end.

mod approval;
mod chain;
pub mod export;
mod impact;
mod index_file;
mod licence;
mod lines;
mod lock;
mod query;
mod record;
mod record_view;
mod rescreen;
mod snapshot;
mod store;
mod v1;

pub use approval::{
    ApprovalState, Decision as ApprovalDecision, OFFICER_REQUIRED, Requirement, TEAM_FILE,
    TeamPolicy, Verdict,
};
pub use chain::{Cases, NotCurrent, Standing};
pub use impact::{ChangedCase, Impact, impact, impact_reason};
pub use licence::{EXPIRY_WARNING_DAYS, Licence, LicenceKind, LicenceRecord, Licences, Validity};
pub use lines::{FoundRecord, Item, NewestFirst, RevItem, RevLine, ReverseLines, Walk};
pub use lock::{LOCK_TIMEOUT_ENV, Notices};
pub use query::{
    Index, PreparedQuery, Query, Records, SkippedLine, Summary, SummaryRef, answers_json,
    newest_matching,
};
pub use record::{
    Acknowledged, Batch, Decision, GENESIS, LineProblem, Link, MAX_LINE, Rebuilt, Record,
    RecordKind, SCHEMA_VERSION, StoredClause, StoredDuty, chain_hash, check_link, decode,
    decode_record, frame_of, link_of,
};
pub use record_view::{HeaderLine, Overridden, Part, RecordView, rules_for};
pub use rescreen::{ClauseChange, Diff, diff, diff_text, rescreen};
pub use snapshot::{DEFAULT_RULES, SNAPSHOT_DIR, Snapshot, SnapshotProblem, Snapshots};
pub(crate) use store::policy_file_counts;
pub use store::{
    AcknowledgedGap, BadLine, ChainBreak, DefaultRules, FILE_NAME, History, HistoryError,
    KeptRules, NewRecord, Sharing, Stored, Unfinished, Verification,
};
pub use v1::DESTINATION_NOTE;
