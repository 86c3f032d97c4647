//! Stopping a process together with every process it started. A timed-out
//! `node --test` leaves Chromium and its helpers behind otherwise, still
//! busy on a 2-core machine (and holding our pipes open).
//!
//! On Linux the tree is read from `/proc/*/stat` (each process's parent
//! id): it is frozen with SIGSTOP, so nothing forks a child we have not
//! seen, then killed with SIGKILL. Elsewhere only the child is killed
//! (`Child::kill`). The children stay in our process group on purpose:
//! Ctrl-C in the terminal still reaches all of them.

use std::process::Child;

/// Kills `child` and its descendants, then reaps `child`.
pub fn kill(child: &mut Child) {
    #[cfg(target_os = "linux")]
    linux::kill_tree(child.id());
    // The fallback, and harmless after the tree kill (the child is dead).
    let _ = child.kill();
    let _ = child.wait();
}

/// A process's parent id, from the text of its `/proc/<pid>/stat`:
/// `pid (comm) state ppid …`, where comm may itself hold spaces and `)`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn parent_in_stat(stat: &str) -> Option<u32> {
    let (_, after_comm) = stat.rsplit_once(')')?;
    after_comm.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(target_os = "linux")]
mod linux {
    use std::fs;

    const SIGKILL: i32 = 9;
    const SIGSTOP: i32 = 19;

    extern "C" {
        /// libc's `kill(2)`, which std already links.
        fn kill(pid: i32, signal: i32) -> i32;
    }

    pub fn kill_tree(root: u32) {
        let mut tree = vec![root];
        let mut stopped = 0;
        // Stopped processes cannot fork, so a few rounds reach a fixed point.
        for _ in 0..16 {
            for &pid in &tree[stopped..] {
                signal(pid, SIGSTOP);
            }
            stopped = tree.len();
            let new: Vec<u32> = descendants(root)
                .into_iter()
                .filter(|pid| !tree.contains(pid))
                .collect();
            if new.is_empty() {
                break;
            }
            tree.extend(new);
        }
        for &pid in &tree {
            signal(pid, SIGKILL);
        }
    }

    fn signal(pid: u32, signal: i32) {
        let Ok(pid) = i32::try_from(pid) else {
            return;
        };
        // SAFETY: kill(2) takes plain integers and touches no memory of
        // ours; a pid that has gone away only makes it return an error.
        unsafe {
            kill(pid, signal);
        }
    }

    /// Every process below `root`, read from `/proc` (empty if unreadable).
    fn descendants(root: u32) -> Vec<u32> {
        let Ok(entries) = fs::read_dir("/proc") else {
            return Vec::new();
        };
        let parents: Vec<(u32, u32)> = entries
            .filter_map(|entry| {
                let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
                let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
                Some((pid, super::parent_in_stat(&stat)?))
            })
            .collect();
        let mut found = Vec::new();
        let mut queue = vec![root];
        while let Some(parent) = queue.pop() {
            for &(pid, _) in parents.iter().filter(|(_, of)| *of == parent) {
                if !found.contains(&pid) {
                    found.push(pid);
                    queue.push(pid);
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::parent_in_stat;

    #[test]
    fn process_tree_parent_is_read_after_the_command_name() {
        assert_eq!(parent_in_stat("42 (sleep) S 7 42 1 0"), Some(7));
        assert_eq!(parent_in_stat("42 (a) b (c) R 9 42 1 0"), Some(9));
        assert_eq!(parent_in_stat("42 (sleep"), None);
    }
}
