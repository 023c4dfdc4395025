//! The rule set: its data model and the loader that validates and compiles it.

mod diff;
mod find;
mod items;
mod load;
mod model;

pub use diff::{Change, ItemChange, diff};
pub use find::rank_options;
pub use items::{Catalogue, CodeGrade, CustomsCode, Item, catalogue};
pub use load::{
    EMBEDDED_NAME, EMBEDDED_TEXT, RulesError, countries, embedded, limits, load, load_file, parse,
};
pub use model::*;
