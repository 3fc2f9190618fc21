//! Old Word files (.doc, and WPS Office's .wps, which is the same format)
//! in, without LibreOffice: the text of the Word 97–2003 binary format.
//!
//! The file is an OLE compound file (read with the `cfb` crate). Its
//! `WordDocument` stream starts with the FIB, which says which table stream
//! (`0Table` or `1Table`) holds the CLX, and how many characters the main
//! document has (`ccpText`). The CLX's piece table maps those characters to
//! runs of bytes in `WordDocument`: 8-bit (Windows-1252) or UTF-16LE. The
//! text comes out plain: paragraph and line ends become line ends, a table
//! row one line with its cells apart, a field keeps its shown result and
//! drops its code, pictures and other objects are left out. Formatting
//! (bold, headings, tables as tables) needs LibreOffice ([`super::soffice`]).
//!
//! Every offset and length read from the file is checked against what is
//! there: a damaged or hostile file is an error ([`M::DocDamaged`]), never a
//! panic, and the text is never longer than the `WordDocument` stream, so a
//! piece table cannot make it grow past the file's size.

use super::Notice;
use crate::msg::M;
use anyhow::Result;
use std::io::{Cursor, Read};

/// The first bytes of every OLE compound file.
pub const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Whether `bytes` start as an OLE compound file does.
pub fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&OLE_MAGIC)
}

/// `wIdent` of a Word document's FIB.
const WORD_IDENT: u16 = 0xA5EC;
/// The first `nFib` of Word 97; Word 6.0 and 95 files have lower ones.
const NFIB_WORD97: u16 = 0xC0;
/// The index of `fcClx` / `lcbClx` among the FIB's fc/lcb pairs.
const CLX_PAIR: usize = 33;

/// The text of the main document of the Word 97–2003 file `bytes`, lines
/// ended with `\n`. `wps`: the file is named .wps (a file that is not OLE
/// is then an old Kingsoft WPS file, not a disguised .doc).
pub fn read_text(bytes: &[u8], wps: bool) -> Result<String> {
    if !is_ole(bytes) {
        return Err(Notice::new(if wps {
            M::WpsOldFormat
        } else {
            M::DocNotWord97
        })
        .into());
    }
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|_| damaged("OLE"))?;
    let word = read_stream(&mut cf, "/WordDocument", bytes.len())?
        .ok_or_else(|| Notice::new(M::DocNoWordStream))?;
    let fib = Fib::parse(&word)?;
    let table_name = if fib.table1 { "/1Table" } else { "/0Table" };
    let table = read_stream(&mut cf, table_name, bytes.len())?.ok_or_else(|| damaged("1Table"))?;
    let clx = table
        .get(fib.fc_clx as usize..)
        .and_then(|t| t.get(..fib.lcb_clx as usize))
        .ok_or_else(|| damaged("CLX"))?;
    let pieces = pieces(clx)?;
    // never more characters than the stream has bytes
    let wanted = (fib.ccp_text as usize).min(word.len());
    let mut raw = String::new();
    let mut got = 0usize;
    for p in pieces {
        if got >= wanted {
            break;
        }
        let n = ((p.cp_end - p.cp_start) as usize).min(wanted - got);
        piece_text(&word, &p, n, &mut raw)?;
        got += n;
    }
    Ok(plain(&raw))
}

/// What the import needs of the FIB.
struct Fib {
    table1: bool,
    ccp_text: u32,
    fc_clx: u32,
    lcb_clx: u32,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl Fib {
    fn parse(w: &[u8]) -> Result<Fib> {
        let fib = || damaged("FIB");
        if u16_at(w, 0).ok_or_else(fib)? != WORD_IDENT {
            return Err(Notice::new(M::DocNoWordStream).into());
        }
        let n_fib = u16_at(w, 2).ok_or_else(fib)?;
        let flags = u16_at(w, 0x0A).ok_or_else(fib)?;
        if flags & 0x0100 != 0 {
            // fEncrypted (also set for the XOR obfuscation)
            return Err(Notice::new(M::DocEncrypted).into());
        }
        if n_fib < NFIB_WORD97 {
            return Err(Notice::new(M::DocWord95).into());
        }
        // FibBase (32 bytes), csw + fibRgW, cslw + fibRgLw, cbRgFcLcb + pairs
        let csw = u16_at(w, 32).ok_or_else(fib)? as usize;
        let lw_at = 34 + csw * 2;
        let cslw = u16_at(w, lw_at).ok_or_else(fib)? as usize;
        let lw = lw_at + 2;
        if cslw < 4 {
            return Err(fib());
        }
        let ccp_text = u32_at(w, lw + 3 * 4).ok_or_else(fib)?;
        let pairs_at = lw + cslw * 4;
        let pairs = u16_at(w, pairs_at).ok_or_else(fib)? as usize;
        if pairs <= CLX_PAIR {
            return Err(fib());
        }
        let clx_at = pairs_at + 2 + CLX_PAIR * 8;
        Ok(Fib {
            table1: flags & 0x0200 != 0,
            ccp_text,
            fc_clx: u32_at(w, clx_at).ok_or_else(fib)?,
            lcb_clx: u32_at(w, clx_at + 4).ok_or_else(fib)?,
        })
    }
}

/// A stream of the compound file, `None` when there is none of that name;
/// never more than `bound` bytes are read (the file's size: a stream of a
/// real file cannot be longer).
fn read_stream(
    cf: &mut cfb::CompoundFile<Cursor<&[u8]>>,
    name: &str,
    bound: usize,
) -> Result<Option<Vec<u8>>> {
    if !cf.is_stream(name) {
        return Ok(None);
    }
    let s = cf.open_stream(name).map_err(|_| damaged(name))?;
    let mut buf = vec![];
    s.take(bound as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|_| damaged(name.trim_start_matches('/')))?;
    if buf.len() > bound {
        return Err(damaged(name.trim_start_matches('/')));
    }
    Ok(Some(buf))
}

/// One piece of the text: characters `cp_start..cp_end`, from byte `fc` of
/// `WordDocument`, 8-bit when `compressed`.
struct Piece {
    cp_start: u32,
    cp_end: u32,
    fc: usize,
    compressed: bool,
}

/// The pieces of the CLX: its `Prc` property runs skipped, then the `Pcdt`
/// (the CP array, then one 8-byte `Pcd` per piece).
fn pieces(clx: &[u8]) -> Result<Vec<Piece>> {
    let bad = || damaged("CLX");
    let mut at = 0usize;
    loop {
        match clx.get(at) {
            Some(1) => {
                let n = u16_at(clx, at + 1).ok_or_else(bad)? as i16;
                if n < 0 {
                    return Err(bad());
                }
                at += 3 + n as usize;
            }
            Some(2) => break,
            _ => return Err(bad()),
        }
    }
    let lcb = u32_at(clx, at + 1).ok_or_else(bad)? as usize;
    let plc = clx
        .get(at + 5..)
        .and_then(|p| p.get(..lcb))
        .ok_or_else(bad)?;
    if plc.len() < 4 || (plc.len() - 4) % 12 != 0 {
        return Err(bad());
    }
    let n = (plc.len() - 4) / 12;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let cp_start = u32_at(plc, i * 4).ok_or_else(bad)?;
        let cp_end = u32_at(plc, (i + 1) * 4).ok_or_else(bad)?;
        if cp_end < cp_start {
            return Err(bad());
        }
        let fc = u32_at(plc, (n + 1) * 4 + i * 8 + 2).ok_or_else(bad)?;
        let compressed = fc & 0x4000_0000 != 0;
        let fc = (fc & 0x3FFF_FFFF) as usize;
        out.push(Piece {
            cp_start,
            cp_end,
            fc: if compressed { fc / 2 } else { fc },
            compressed,
        });
    }
    Ok(out)
}

/// Appends the first `n` characters of piece `p` to `out`.
fn piece_text(word: &[u8], p: &Piece, n: usize, out: &mut String) -> Result<()> {
    let bad = || damaged("WordDocument");
    if p.compressed {
        let b = word.get(p.fc..).and_then(|b| b.get(..n)).ok_or_else(bad)?;
        out.push_str(&encoding_rs::WINDOWS_1252.decode_without_bom_handling(b).0);
    } else {
        let len = n.checked_mul(2).ok_or_else(bad)?;
        let b = word
            .get(p.fc..)
            .and_then(|b| b.get(..len))
            .ok_or_else(bad)?;
        out.push_str(&encoding_rs::UTF_16LE.decode_without_bom_handling(b).0);
    }
    Ok(())
}

/// The document's characters as plain text: paragraph marks, line and page
/// breaks → line ends; the cells of a table row on one line, apart by an
/// ideographic space, the row ending the line (a cell mark right after a
/// cell mark ends the row, so an empty last cell reads as the row's end);
/// a field's result kept and its code dropped; object anchors, footnote
/// marks and optional hyphens dropped.
fn plain(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    // for each open field: whether its result (after the separator) is reached
    let mut fields: Vec<bool> = vec![];
    let mut after_cell = false;
    for c in raw.chars() {
        match c {
            '\u{13}' => fields.push(false),
            '\u{14}' => {
                if let Some(top) = fields.last_mut() {
                    *top = true;
                }
            }
            '\u{15}' => {
                fields.pop();
            }
            _ if fields.iter().any(|shown| !shown) => {}
            '\u{7}' => {
                if after_cell {
                    // the row's end mark
                    while out.ends_with('\u{3000}') {
                        out.pop();
                    }
                    out.push('\n');
                    after_cell = false;
                } else {
                    out.push('\u{3000}');
                    after_cell = true;
                }
                continue;
            }
            '\r' | '\u{b}' | '\u{c}' => out.push('\n'),
            '\u{1e}' => out.push('-'),
            '\u{a0}' => out.push(' '),
            // a picture, a drawn object, a footnote or comment mark, an optional hyphen
            '\u{1}' | '\u{2}' | '\u{5}' | '\u{8}' | '\u{1f}' => {}
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
        after_cell = false;
    }
    // the document's last paragraph mark
    while out.ends_with('\n') {
        out.pop();
    }
    out.push('\n');
    out
}

fn damaged(part: &str) -> anyhow::Error {
    Notice::new(M::DocDamaged { part }).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_files_are_errors_not_panics() {
        let real: &[u8] = include_bytes!("../../tests/fixtures/doc/全镇党建推进会讲话.doc");
        assert!(read_text(real, false)
            .unwrap()
            .starts_with("在全镇基层党建工作推进会上的讲话\n"));
        let mut rng = fastrand::Rng::with_seed(20);
        for round in 0..3000 {
            let mut b = real.to_vec();
            match round % 3 {
                // bytes overwritten anywhere
                0 => {
                    for _ in 0..rng.usize(1..16) {
                        let i = rng.usize(..b.len());
                        b[i] = rng.u8(..);
                    }
                }
                // cut short
                1 => b.truncate(rng.usize(..b.len())),
                // a run of 0xFF (free / end-of-chain markers) somewhere
                _ => {
                    let i = rng.usize(..b.len());
                    let end = (i + rng.usize(1..64)).min(b.len());
                    b[i..end].fill(0xFF);
                }
            }
            if let Err(e) = read_text(&b, false) {
                assert!(e.downcast_ref::<Notice>().is_some(), "{e}");
            }
        }
    }

    #[test]
    fn eight_bit_and_utf16_pieces() {
        // Word keeps Latin text 8-bit (Windows-1252): “Email” then a paragraph mark
        let word = b"xx\x93Email\x94\r".to_vec();
        let p = Piece {
            cp_start: 0,
            cp_end: 8,
            fc: 2,
            compressed: true,
        };
        let mut out = String::new();
        piece_text(&word, &p, 8, &mut out).unwrap();
        assert_eq!(out, "\u{201c}Email\u{201d}\r");
        // a piece running past the stream is damage, not a panic
        let mut out = String::new();
        assert!(piece_text(&word, &p, 9, &mut out).is_err());
        let utf16: Vec<u8> = "党建".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let p = Piece {
            cp_start: 0,
            cp_end: 2,
            fc: 0,
            compressed: false,
        };
        let mut out = String::new();
        piece_text(&utf16, &p, 2, &mut out).unwrap();
        assert_eq!(out, "党建");
        assert!(piece_text(&utf16, &p, usize::MAX, &mut out).is_err());
    }

    #[test]
    fn piece_tables() {
        // a Prc (2 bytes of properties) then the Pcdt: CPs 0, 5, 9; two Pcds
        let mut clx = vec![1, 2, 0, 0xAA, 0xBB, 2];
        let mut plc = vec![];
        for cp in [0u32, 5, 9] {
            plc.extend_from_slice(&cp.to_le_bytes());
        }
        for fc in [0x4000_0000u32 | 0x800, 0x1200] {
            plc.extend_from_slice(&[0, 0]);
            plc.extend_from_slice(&fc.to_le_bytes());
            plc.extend_from_slice(&[0, 0]);
        }
        clx.extend_from_slice(&(plc.len() as u32).to_le_bytes());
        clx.extend_from_slice(&plc);
        let p = pieces(&clx).unwrap();
        assert_eq!(
            p.iter()
                .map(|p| (p.cp_start, p.cp_end, p.fc, p.compressed))
                .collect::<Vec<_>>(),
            [(0, 5, 0x400, true), (5, 9, 0x1200, false)]
        );
        // cut short, or CPs going backwards
        assert!(pieces(&clx[..clx.len() - 1]).is_err());
        clx[10..14].copy_from_slice(&7u32.to_le_bytes());
        clx[14..18].copy_from_slice(&3u32.to_le_bytes());
        assert!(pieces(&clx).is_err());
        assert!(pieces(&[7]).is_err());
    }

    #[test]
    fn plain_text_of_marks_fields_and_cells() {
        let raw = "标题\r\u{13} HYPERLINK \"https://a\" \u{14}链接\u{15}与\u{13}PAGE\u{15}页\u{b}下一行\u{c}\r\u{1}图\u{8}\r支部\u{7}党员数\u{7}\u{7}东村\u{7}42\u{7}\u{7}\u{13}A\u{13}B\u{14}b\u{15}\u{14}外\u{15}\r";
        assert_eq!(
            plain(raw),
            "标题\n链接与页\n下一行\n\n图\n支部　党员数\n东村　42\n外\n"
        );
    }
}
