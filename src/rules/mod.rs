//! The rule set: its data model and the loader that validates it.

mod load;
mod model;

pub use load::{EMBEDDED_NAME, EMBEDDED_TEXT, RulesError, embedded, load_file, parse};
pub use model::*;
