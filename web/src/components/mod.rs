//! Components shared by pages.

pub mod json_view;
pub mod timeline;
pub mod virtual_list;
