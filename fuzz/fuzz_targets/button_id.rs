//! Button ids arrive from anyone who can click (or forge a click): the parser
//! must never panic, and whatever it accepts must be exactly what the bot
//! would have written (no two spellings of one button).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tutorbot::core::ButtonId;

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    if let Ok(button) = ButtonId::parse(&raw) {
        assert_eq!(button.encode(), raw, "a parsed id re-encodes to itself");
        assert!(raw.len() <= 100, "an accepted id fits Discord's custom_id");
    }
});
