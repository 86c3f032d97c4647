//! Components shared by pages.

pub mod confirm_delete;
pub mod json_view;
pub mod timeline;
pub mod virtual_list;
