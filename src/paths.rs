//! Where ree-screen keeps its files: the data directory (history, draft), the config
//! directory (settings) and the user's cache (history indexes), from the `directories`
//! crate unless overridden.

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

/// Environment variable that overrides the data directory (after `--data-dir`).
pub const DATA_DIR_ENV: &str = "REE_SCREEN_DATA_DIR";

fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("org", "ree-screen", "ree-screen")
}

/// The data directory: `--data-dir`, else `REE_SCREEN_DATA_DIR`, else the platform's.
pub fn data_dir(flag: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    project_dirs()
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| {
            format!("no home directory found: pass --data-dir DIR or set {DATA_DIR_ENV}")
        })
}

/// Environment variable that overrides the user's cache directory (derived files only).
pub const CACHE_DIR_ENV: &str = "REE_SCREEN_CACHE_DIR";

/// The user's own cache directory (the history indexes): `REE_SCREEN_CACHE_DIR`, else the
/// platform's.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CACHE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    project_dirs().map(|p| p.cache_dir().to_path_buf())
}

/// The platform config directory, where the settings file lives.
pub fn config_dir() -> Result<PathBuf, String> {
    project_dirs()
        .map(|p| p.config_dir().to_path_buf())
        .ok_or_else(|| "no home directory found for the config directory".to_string())
}
