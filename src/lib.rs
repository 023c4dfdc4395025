//! ree-screen: screen a transaction against China's October 2025 rare-earth export controls.
//!
//! The domain (`rules`, `engine`) is pure; the command line, the terminal form and the
//! history store sit around it.

#![forbid(unsafe_code)]

pub mod engine;
pub mod rules;

pub use engine::{Answers, Determination, determine};
pub mod cli;
pub mod report;
pub mod screening;
pub mod text;
pub mod paths;
pub mod tui;
