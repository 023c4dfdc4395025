//! One small module per screen and overlay, each with a `render` that draws from `&App`.

pub mod confirm;
pub mod date_dialog;
pub mod decision_form;
pub mod export_dialog;
pub mod form;
pub mod help;
pub mod history_detail;
pub mod history_list;
pub mod impact;
pub mod licence_form;
pub mod list;
pub mod override_form;
pub mod picker;
pub mod rescreen_diff;
pub mod result;
pub mod resume;
pub mod review;
pub mod too_small;
