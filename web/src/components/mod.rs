//! Components shared by pages.

pub mod charts;
pub mod compare_pick;
pub mod confirm_delete;
pub mod content;
pub mod flame;
pub mod json_view;
pub mod markdown;
pub mod messages;
pub mod row_filters;
pub mod share;
pub mod timeline;
pub mod trace_search;
pub mod virtual_list;
