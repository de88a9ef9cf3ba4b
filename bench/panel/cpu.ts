// CPU time by kind of process, read from /proc: what the trainer, the editor's processes and
// Chromium's each take while a run trains. Linux only (the benchmark's machine).
import { readdirSync, readFileSync } from 'node:fs';

export type ProcessKind = 'trainer' | 'cli' | 'extension host' | 'language server' | 'code-server' | 'chromium renderer' | 'chromium gpu' | 'chromium other' | 'other';

/** Clock ticks per second for /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** The machine's idle time, and the time its hypervisor gave its CPUs to someone else (/proc/stat). */
export interface MachineTime {
  idle: number;
  steal: number;
}

export function machineTime(): MachineTime {
  // "cpu user nice system idle iowait irq softirq steal …", in ticks, summed over the CPUs.
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { idle: (ticks[3]! + ticks[4]!) / TICKS, steal: ticks[7]! / TICKS };
}

export function kindOf(cmdline: string): ProcessKind {
  if (/trainer\.py|tfjsTrainer\.js/.test(cmdline)) return 'trainer';
  if (/netlens\.js\s+train/.test(cmdline)) return 'cli';
  if (/chrom/i.test(cmdline)) {
    if (cmdline.includes('--type=renderer')) return 'chromium renderer';
    if (cmdline.includes('--type=gpu-process')) return 'chromium gpu';
    return 'chromium other';
  }
  if (/type=extensionHost/.test(cmdline)) return 'extension host';
  if (/dist\/server\.js/.test(cmdline)) return 'language server';
  if (/code-server/.test(cmdline)) return 'code-server';
  return 'other';
}

interface ProcessTime {
  kind: ProcessKind;
  command: string;
  seconds: number;
}

/** CPU seconds used so far by each live process, keyed by pid. */
export function cpuByPid(): Map<number, ProcessTime> {
  const out = new Map<number, ProcessTime>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.set(Number(name), { kind: kindOf(cmdline), command: cmdline.slice(0, 100).trim(), seconds: ticks / TICKS });
    } catch {
      // the process ended while being read
    }
  }
  return out;
}

/**
 * Follows CPU time by kind between start() and stop(), sampling often enough that processes
 * which live only during the window (the trainer) are counted up to their last sample.
 */
export class CpuMeter {
  private first = new Map<number, number>();
  private last = new Map<number, ProcessTime>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private t0 = 0;
  private machine0: MachineTime = { idle: 0, steal: 0 };

  start(everyMs = 500): void {
    const now = cpuByPid();
    this.first = new Map([...now].map(([pid, p]) => [pid, p.seconds]));
    this.last = now;
    this.t0 = Date.now();
    this.machine0 = machineTime();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  private sample(): void {
    for (const [pid, p] of cpuByPid()) {
      const known = this.last.get(pid);
      if (!this.first.has(pid) && !known) this.first.set(pid, 0);
      // A process that has exited but not been reaped has no command line left: it keeps its kind.
      this.last.set(pid, p.command === '' && known ? { ...known, seconds: p.seconds } : p);
    }
  }

  /**
   * Cores used on average by each kind over the window, the machine's idle and stolen cores, and
   * the busiest processes of no known kind (what else ran).
   */
  stop(): { seconds: number; cores: Partial<Record<ProcessKind, number>>; machine: MachineTime; others: { command: string; cores: number }[] } {
    this.sample();
    clearInterval(this.timer);
    const wall = (Date.now() - this.t0) / 1000;
    const now = machineTime();
    const machine = { idle: (now.idle - this.machine0.idle) / wall, steal: (now.steal - this.machine0.steal) / wall };
    const cores: Partial<Record<ProcessKind, number>> = {};
    const others: { command: string; cores: number }[] = [];
    for (const [pid, p] of this.last) {
      const used = (p.seconds - (this.first.get(pid) ?? 0)) / wall;
      cores[p.kind] = (cores[p.kind] ?? 0) + used;
      if (p.kind === 'other' && used >= 0.01) others.push({ command: p.command, cores: Number(used.toFixed(3)) });
    }
    return { seconds: wall, cores, machine, others: others.sort((a, b) => b.cores - a.cores).slice(0, 5) };
  }
}
