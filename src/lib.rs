//! ree-screen: screen a transaction against China's October 2025 rare-earth export controls.
//!
//! The domain (`rules`, `engine`) is pure and IO-free; the command line, the terminal form,
//! plain line mode, batch screening and the history store sit around it.

#![forbid(unsafe_code)]

pub mod batch;
pub mod cli;
pub mod engine;
pub mod history;
pub mod paths;
pub mod plain;
pub mod report;
pub mod rules;
pub mod screening;
pub mod settings;
pub mod text;
pub mod tui;

pub use engine::{Answers, Determination, determine};
