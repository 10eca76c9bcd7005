//! One run's parameters: which handler set, which settings, where the input is cut into chunks.
//! Printed as one line on a failure and parsed back by `--replay FILE --case LINE`.

use crate::rng::Rng;
use std::fmt;

/// Handler sets. Each is run separately on both copies.
pub const SETS: &[(u8, &str)] = &[
    (1, "proxy selectors (send API, mutations, 8 MiB limit, adjust charset)"),
    (2, "`*` element + end tag recording"),
    (3, "attribute selectors"),
    (4, "adjust charset on meta, no handlers (UTF-8)"),
    (5, "windows-1252, adjust charset, `*` element + text recording"),
    (6, "document handlers (doctype/comments/text/end) + `*` comments/text, text replace"),
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    pub set: u8,
    /// `Settings::with_strict`.
    pub strict: bool,
    /// `Settings::with_enable_esi_tags`.
    pub esi: bool,
    /// `MemorySettings::with_preallocated_parsing_buffer_size`.
    pub prealloc: usize,
    /// `MemorySettings::with_max_allowed_memory_usage`; 0 = no limit (usize::MAX).
    pub mem: usize,
    /// `MemorySettings::with_graceful_bail_out_on_memory_limit_exceeded` (+ a recording bail-out handler).
    pub graceful: bool,
    /// Fixed chunk size (`every=N`); 0 = cut at `splits` instead.
    pub every: usize,
    /// Byte offsets where the input is cut; chunks are `[0, s0), [s0, s1), …, [sN, len)`.
    pub splits: Vec<usize>,
}

impl Case {
    /// Random settings for `set` and random chunk splits of an input of `len` bytes.
    pub fn random(rng: &mut Rng, set: u8, len: usize) -> Case {
        let mut case = Case {
            set,
            strict: true,
            esi: false,
            prealloc: 1024,
            mem: 0,
            graceful: false,
            every: 0,
            splits: Vec::new(),
        };
        match random_splits(rng, len) {
            Splits::Every(n) => case.every = n,
            Splits::At(v) => case.splits = v,
        }
        match set {
            1 => case.mem = 8 * 1024 * 1024, // as the proxy
            2 | 3 | 6 => {
                case.strict = !rng.chance(1, 3);
                case.esi = rng.chance(1, 4);
                case.prealloc = *rng.pick(&[0, 1, 16, 1024, 4096]);
                if set == 3 && rng.chance(1, 6) {
                    // Tight limit: exercises MemoryLimitExceeded and graceful bail-out.
                    case.mem = rng.range(256, 64 * 1024);
                    case.prealloc = case.prealloc.min(case.mem);
                    case.graceful = rng.chance(1, 2);
                }
            }
            _ => {}
        }
        case
    }

    pub fn parse(s: &str) -> Result<Case, String> {
        let mut case = Case {
            set: 0,
            strict: true,
            esi: false,
            prealloc: 1024,
            mem: 0,
            graceful: false,
            every: 0,
            splits: Vec::new(),
        };
        for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| format!("bad case part {part:?}"))?;
            let num = |v: &str| v.parse::<usize>().map_err(|e| format!("{k}={v}: {e}"));
            match k {
                "set" => case.set = num(v)? as u8,
                "strict" => case.strict = num(v)? != 0,
                "esi" => case.esi = num(v)? != 0,
                "prealloc" => case.prealloc = num(v)?,
                "mem" => case.mem = num(v)?,
                "graceful" => case.graceful = num(v)? != 0,
                "every" => case.every = num(v)?,
                "splits" => case.splits = v.split(',').filter(|x| !x.is_empty()).map(num).collect::<Result<_, _>>()?,
                _ => return Err(format!("unknown case key {k:?}")),
            }
        }
        if !SETS.iter().any(|(n, _)| *n == case.set) {
            return Err(format!("unknown set {}", case.set));
        }
        Ok(case)
    }

    /// The input cut into chunks at `splits` (offsets past the end are clamped).
    pub fn chunks<'a>(&self, input: &'a [u8]) -> Vec<&'a [u8]> {
        if self.every > 0 {
            return input.chunks(self.every).collect();
        }
        let mut chunks = Vec::with_capacity(self.splits.len() + 1);
        let mut start = 0;
        for &s in &self.splits {
            let s = s.clamp(start, input.len());
            chunks.push(&input[start..s]);
            start = s;
        }
        chunks.push(&input[start..]);
        chunks
    }
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "set={};strict={};esi={};prealloc={};mem={};graceful={};",
            self.set, self.strict as u8, self.esi as u8, self.prealloc, self.mem, self.graceful as u8
        )?;
        if self.every > 0 {
            return write!(f, "every={}", self.every);
        }
        f.write_str("splits=")?;
        for (i, s) in self.splits.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

enum Splits {
    Every(usize),
    At(Vec<usize>),
}

/// Strategies: whole input, byte by byte (inputs up to 8 KiB), a fixed chunk size, or random
/// cut points (sorted, each in `1..len`, sometimes with an empty chunk).
fn random_splits(rng: &mut Rng, len: usize) -> Splits {
    if len < 2 {
        return Splits::At(Vec::new());
    }
    let mut splits = match rng.below(6) {
        0 => Vec::new(),
        1 if len <= 8 * 1024 => return Splits::Every(1),
        1 | 2 => {
            let size = *rng.pick(&[1usize, 2, 3, 7, 16, 64, 100, 1024]);
            return Splits::Every(if len / size > 100_000 { len / 1000 } else { size });
        }
        _ => {
            let n = rng.range(1, (len - 1).min(64));
            (0..n).map(|_| rng.range(1, len - 1)).collect()
        }
    };
    splits.sort_unstable();
    splits.dedup();
    // Sometimes an empty chunk too (a write of zero bytes).
    if rng.chance(1, 10) {
        let at = if splits.is_empty() { 0 } else { splits[rng.below(splits.len())] };
        let pos = splits.partition_point(|&s| s < at);
        splits.insert(pos, at);
    }
    Splits::At(splits)
}
