//! Fuzzes the decoding of the platform's JSON bodies: never panics.
//! Stand-in until `platform::decode` is merged: the wire structs only.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lotwatch::platform::wire::{EventsBody, LotsBody};

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<LotsBody>(data);
    let _ = serde_json::from_slice::<EventsBody>(data);
});
