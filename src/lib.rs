//! ree-screen: screen a transaction against China's October 2025 rare-earth export controls.
//!
//! The domain (`rules`, `engine`) is pure and IO-free; the command line, the terminal form,
//! plain line mode, batch screening and the history store sit around it.

#![forbid(unsafe_code)]

pub mod engine;
pub mod files;
pub mod json;
pub mod present;
pub mod report;
pub mod rules;
pub mod text;

pub use engine::{Answers, Determination, determine};
