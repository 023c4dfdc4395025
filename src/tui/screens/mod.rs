//! One small module per screen and overlay, each with a `render` that draws from `&App`.

pub mod confirm;
pub mod form;
pub mod help;
pub mod list;
pub mod result;
pub mod review;
pub mod too_small;
