//! The screening history: a local, append-only, hash-chained JSON Lines file of every
//! determination, with review (summaries, filters), re-screening and exports.

pub mod export;
mod query;
mod record;
mod rescreen;
mod store;

pub use query::{Index, PreparedQuery, Query, SkippedLine, Summary};
pub use record::{
    GENESIS, LineProblem, Record, RecordKind, SCHEMA_VERSION, chain_hash, decode, encode,
};
pub use rescreen::{ClauseChange, Diff, diff, diff_text, rescreen};
pub use store::{
    BadLine, ChainBreak, FILE_NAME, History, HistoryError, NewRecord, ReverseLines, Scan, Stored,
    Verification,
};
