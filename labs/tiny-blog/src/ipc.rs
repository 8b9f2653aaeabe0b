//! SysV shared memory, to show that containers share an IPC namespace
//! (`pod-ipc`): a segment made in one is listed in the other.

use crate::error::{Error, Result};
use std::fs;
use std::path::Path;

/// One segment as `/proc/sysvipc/shm` lists it for the reader's IPC namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub key: i32,
    pub bytes: u64,
}

/// Parses a key written as hex (`0x70617573`) or decimal.
pub fn parse_key(text: &str) -> Result<i32> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).map(|k| k as i32),
        None => text.parse::<i32>(),
    };
    match parsed {
        Ok(0) => Err(Error::BadInput(
            "key 0 is IPC_PRIVATE, which no other process can find; pick another".into(),
        )),
        Ok(key) => Ok(key),
        Err(_) => Err(Error::BadInput(format!(
            "key {text:?}: expected a number such as 0x70617573"
        ))),
    }
}

/// The segments in the text of `/proc/sysvipc/shm` (first line: headers).
pub fn parse_table(text: &str) -> Vec<Segment> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            Some(Segment {
                key: fields.first()?.parse().ok()?,
                bytes: fields.get(3)?.parse().ok()?,
            })
        })
        .collect()
}

/// The segments of this process's IPC namespace.
pub fn list(proc_root: &Path) -> Result<Vec<Segment>> {
    let path = proc_root.join("sysvipc/shm");
    let text = fs::read_to_string(&path)
        .map_err(|e| Error::proc("read", &path, e, "is /proc mounted here?"))?;
    Ok(parse_table(&text))
}

/// Makes (or finds) the segment `key` of `bytes` bytes; it outlives this
/// process and stays until removed or until its IPC namespace goes away.
pub fn create(key: i32, bytes: usize) -> Result<i32> {
    // SAFETY: shmget takes plain integers and touches no memory of ours.
    let id = unsafe { libc::shmget(key, bytes, libc::IPC_CREAT | 0o644) };
    if id < 0 {
        return Err(Error::ipc(format!("shmget({key:#x}, {bytes})")));
    }
    Ok(id)
}

/// Removes the segment `key` from this IPC namespace.
pub fn remove(key: i32) -> Result<()> {
    // SAFETY: shmget takes plain integers; size 0 and no flags only look
    // the key up.
    let id = unsafe { libc::shmget(key, 0, 0) };
    if id < 0 {
        return Err(Error::ipc(format!("no segment {key:#x} here")));
    }
    // SAFETY: IPC_RMID ignores the buffer argument.
    if unsafe { libc::shmctl(id, libc::IPC_RMID, std::ptr::null_mut()) } < 0 {
        return Err(Error::ipc(format!("remove segment {key:#x}")));
    }
    Ok(())
}

/// One line per segment: `0x70617573 4096 bytes`.
pub fn format_segments(segments: &[Segment]) -> String {
    if segments.is_empty() {
        return "no SysV shared memory segments\n".to_string();
    }
    segments
        .iter()
        .map(|s| format!("{:#010x} {} bytes\n", s.key as u32, s.bytes))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n\
        1885435251          3   644                  4096    20     0      0 65534 65534 65534 65534          0          0 1764186000                     0                     0\n";

    #[test]
    fn keys_in_hex_or_decimal() {
        assert_eq!(parse_key("0x70617573"), Ok(0x7061_7573));
        assert_eq!(parse_key("42"), Ok(42));
        assert!(
            parse_key("0")
                .unwrap_err()
                .to_string()
                .contains("IPC_PRIVATE")
        );
        assert!(
            parse_key("pause")
                .unwrap_err()
                .to_string()
                .contains("expected a number")
        );
    }

    #[test]
    fn table_rows_become_segments() {
        let segments = parse_table(TABLE);
        assert_eq!(
            segments,
            [Segment {
                key: 0x7061_7573,
                bytes: 4096
            }]
        );
        assert_eq!(format_segments(&segments), "0x70617573 4096 bytes\n");
        assert_eq!(format_segments(&[]), "no SysV shared memory segments\n");
    }

    #[test]
    fn create_list_remove_in_this_namespace() {
        // A key unlikely to be taken: derived from our PID.
        let key = 0x7000_0000 | (std::process::id() as i32 & 0xffff);
        create(key, 4096).unwrap();
        let listed = list(Path::new("/proc")).unwrap();
        let guard_result = listed.iter().any(|s| s.key == key && s.bytes == 4096);
        remove(key).unwrap();
        assert!(guard_result, "segment {key:#x} not in {listed:?}");
        assert!(
            !list(Path::new("/proc"))
                .unwrap()
                .iter()
                .any(|s| s.key == key)
        );
        assert!(remove(key).is_err());
    }
}
