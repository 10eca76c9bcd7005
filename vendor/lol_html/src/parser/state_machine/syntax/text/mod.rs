#[macro_use]
mod cdata_section;

#[macro_use]
mod data;

#[macro_use]
mod plaintext;

#[macro_use]
mod rawtext;

#[macro_use]
mod rcdata;

#[macro_use]
mod script_data;
