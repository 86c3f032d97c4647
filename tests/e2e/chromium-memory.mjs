// What a headless Chromium of the bench holds in memory, from /proc: the
// browser is the process started with our profile directory, its renderers
// are the descendants with --type=renderer (a dedicated worker runs inside
// its page's renderer), leaving out Chromium's own UI (--top-chrome-webui).
// Linux only; elsewhere the figures are null.
import { readFileSync, readdirSync } from "node:fs";

const read = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null; // the process ended meanwhile
  }
};

/** Every process as { pid, ppid, cmdline }: the command line as one
 * string, since Chromium's children rewrite theirs as one (setproctitle). */
function processes() {
  const list = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    const cmdline = read(`/proc/${name}/cmdline`);
    if (stat === null || cmdline === null) continue;
    // The command name may hold spaces and parentheses: fields follow the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    list.push({ pid: Number(name), ppid, cmdline: ` ${cmdline.split("\0").join(" ")} ` });
  }
  return list;
}

/** The browser process started with `profile`, or undefined. */
export function browserPid(profile) {
  const flag = ` --user-data-dir=${profile} `;
  return processes().find((p) => p.cmdline.includes(flag) && !p.cmdline.includes(" --type="))?.pid;
}

const rssBytes = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? "")?.[1] ?? 0) * 1024;

/** { renderers, all }: RSS in bytes of the renderer processes and of the
 * whole browser (every descendant and itself), or null without /proc. */
export function chromiumRss(profile) {
  const root = browserPid(profile);
  if (root === undefined) return null;
  const all = processes();
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  const members = all.filter((p) => tree.has(p.pid));
  const renderers = members.filter((p) => p.cmdline.includes(" --type=renderer ") && !p.cmdline.includes(" --top-chrome-webui "));
  const sum = (list) => list.reduce((total, p) => total + rssBytes(p.pid), 0);
  return { renderers: sum(renderers), all: sum(members), rendererCount: renderers.length };
}
