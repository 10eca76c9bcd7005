// Required for the links attribute
fn main() {}
