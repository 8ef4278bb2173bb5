//! Where the window was and how large, kept between runs in the config folder
//! (`window.json`, apart from the settings: the UI saves those whole and must not
//! undo a move). Physical pixels, as the window system gives them.

use crate::error::Result;
use crate::settings::write_whole;
use serde::{Deserialize, Serialize};
use std::path::Path;

const PLACE_FILE: &str = "window.json";
/// Smaller than this the app's own layout does not fit; larger is no real screen.
const MIN_SIDE: u32 = 320;
const MAX_SIDE: u32 = 16_384;
/// How much of the window's title strip must be on a screen to be grabbed again.
const VISIBLE: i64 = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowPlace {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    /// Maximised when closed; the place above is then the one it had before.
    pub maximized: bool,
}

/// A screen's area in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreenArea {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

impl WindowPlace {
    /// The place kept last run; `None` when there is none or the file is not one
    /// (the window then opens at its default place, never failing the start).
    pub fn load(config_dir: &Path) -> Option<WindowPlace> {
        let bytes = std::fs::read(config_dir.join(PLACE_FILE)).ok()?;
        serde_json::from_slice::<WindowPlace>(&bytes)
            .ok()
            .filter(WindowPlace::is_sensible)
    }

    pub fn save(&self, config_dir: &Path) -> Result<()> {
        let text = serde_json::to_vec(self).expect("a place serialises");
        write_whole(config_dir, PLACE_FILE, &text)
    }

    fn is_sensible(&self) -> bool {
        (MIN_SIDE..=MAX_SIDE).contains(&self.width) && (MIN_SIDE..=MAX_SIDE).contains(&self.height)
    }

    /// Whether the window would come back where it can be seen and grabbed: a
    /// sensible size, and the top of it on one of the screens there are now (a
    /// screen unplugged since leaves it nowhere).
    pub fn fits(&self, screens: &[ScreenArea]) -> bool {
        self.is_sensible()
            && screens.iter().any(|screen| {
                let (left, top) = (i64::from(screen.x), i64::from(screen.y));
                let (right, bottom) = (
                    left + i64::from(screen.width),
                    top + i64::from(screen.height),
                );
                let (x, y) = (i64::from(self.x), i64::from(self.y));
                let overlap = (x + i64::from(self.width)).min(right) - x.max(left);
                y >= top && y + VISIBLE <= bottom && overlap >= VISIBLE
            })
    }

    /// The place to keep when the window closes: this one, or when the window is
    /// maximised, the one it had before with the mark (a maximised window's own
    /// size is the screen's, which says nothing of where it goes when restored).
    pub fn on_close(now: WindowPlace, kept: Option<WindowPlace>) -> WindowPlace {
        match (now.maximized, kept) {
            (true, Some(before)) => WindowPlace {
                maximized: true,
                ..before
            },
            _ => now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCREEN: ScreenArea = ScreenArea {
        x: 0,
        y: 0,
        width: 1920,
        height: 1080,
    };

    fn place(x: i32, y: i32, width: u32, height: u32) -> WindowPlace {
        WindowPlace {
            x,
            y,
            width,
            height,
            maximized: false,
        }
    }

    #[test]
    fn a_place_is_kept_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(WindowPlace::load(dir.path()), None);
        let kept = place(100, 80, 1000, 700);
        kept.save(dir.path()).unwrap();
        assert_eq!(WindowPlace::load(dir.path()), Some(kept));
    }

    #[test]
    fn a_broken_or_absurd_file_is_no_place() {
        let dir = tempfile::tempdir().unwrap();
        for text in [
            "{",
            "null",
            r#"{"x":0,"y":0,"width":0,"height":600,"maximized":false}"#,
            r#"{"x":0,"y":0,"width":99999999,"height":600,"maximized":false}"#,
            r#"{"x":0,"y":0,"width":-5,"height":600,"maximized":false}"#,
        ] {
            std::fs::write(dir.path().join(PLACE_FILE), text).unwrap();
            assert_eq!(WindowPlace::load(dir.path()), None, "{text}");
        }
    }

    #[test]
    fn a_place_fits_only_where_its_top_can_be_grabbed() {
        assert!(place(100, 80, 1000, 700).fits(&[SCREEN]));
        // Half off the right edge is still fine; its title is reachable.
        assert!(place(1500, 80, 1000, 700).fits(&[SCREEN]));
        for lost in [
            place(1900, 80, 1000, 700),  // only 20 px left on screen
            place(100, -40, 1000, 700),  // the title above the screen
            place(100, 1050, 1000, 700), // below the screen
            place(-5000, 80, 1000, 700), // on a screen since unplugged
            place(i32::MAX, i32::MAX, 1000, 700),
        ] {
            assert!(!lost.fits(&[SCREEN]), "{lost:?}");
        }
        assert!(!place(100, 80, 1000, 700).fits(&[]));
        // A second screen to the left holds it.
        let left = ScreenArea {
            x: -1280,
            y: 0,
            width: 1280,
            height: 1024,
        };
        assert!(place(-1200, 80, 1000, 700).fits(&[SCREEN, left]));
    }

    #[test]
    fn a_maximised_window_keeps_its_place_from_before() {
        let before = place(100, 80, 1000, 700);
        let maximised = WindowPlace {
            maximized: true,
            ..place(0, 0, 1920, 1080)
        };
        assert_eq!(
            WindowPlace::on_close(maximised, Some(before)),
            WindowPlace {
                maximized: true,
                ..before
            }
        );
        assert_eq!(WindowPlace::on_close(maximised, None), maximised);
        assert_eq!(WindowPlace::on_close(before, Some(maximised)), before);
    }
}
