//! ree-screen: screen a transaction against China's October 2025 rare-earth export controls.
//!
//! The domain (`rules`, `engine`, `present`) is pure and IO-free; the command line, the
//! terminal form, plain line mode, batch screening and the history store sit around it.
//! Layers, from the top: `cli` -> `tui`, `plain` -> `context` -> `history` -> `batch`,
//! `report`, `settings` -> `keys`, `screening` -> `present` -> `engine` -> `rules`, `paths`, `text`.

#![forbid(unsafe_code)]

pub mod batch;
pub mod cli;
pub mod context;
pub mod engine;
pub mod exit;
pub mod files;
pub mod history;
pub mod identity;
pub mod json;
pub mod keys;
pub mod parties;
pub mod paths;
pub mod plain;
pub mod present;
pub mod report;
pub mod rules;
pub mod screening;
pub mod settings;
pub mod signing;
pub mod state;
pub mod text;
pub mod tui;

pub use engine::{Answers, Determination, determine};
