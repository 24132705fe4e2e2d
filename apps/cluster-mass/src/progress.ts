import cliProgress from 'cli-progress';

/** One progress bar: `update(done, extra)` with a short status text; `stop()` ends the line. */
export interface ProgressBar {
  update(done: number, status?: string): void;
  stop(): void;
}

/** Makes progress bars for named tasks of a known size. */
export type ProgressFactory = (label: string, total: number) => ProgressBar;

const silentBar: ProgressBar = { update() {}, stop() {} };

/** No output at all (`--quiet`, and the tests). */
export const silentProgress: ProgressFactory = () => silentBar;

/**
 * Progress on `stream`: cli-progress bars on a terminal; without one (CI logs, pipes), a plain line
 * at every 10% so a log stays short and readable.
 */
export function streamProgress(stream: NodeJS.WriteStream = process.stderr): ProgressFactory {
  if (stream.isTTY === true) {
    return (label, total) => {
      const bar = new cliProgress.SingleBar(
        {
          format: `${label.padEnd(22)} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} elapsed, eta {eta_formatted} | {status}`,
          stream,
          hideCursor: true,
          etaBuffer: 50,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { status: '' });
      return {
        update: (done, status = '') => bar.update(done, { status }),
        stop: () => bar.stop(),
      };
    };
  }
  return (label, total) => {
    const start = performance.now();
    let nextTenth = 1;
    let last = '';
    return {
      update(done, status = '') {
        last = status;
        const tenth = Math.floor((10 * done) / Math.max(1, total));
        if (tenth >= nextTenth && done < total) {
          nextTenth = tenth + 1;
          stream.write(`${label}: ${done}/${total} (${tenth * 10}%) ${((performance.now() - start) / 1000).toFixed(1)} s ${status}\n`);
        }
      },
      stop() {
        stream.write(`${label}: done in ${((performance.now() - start) / 1000).toFixed(1)} s ${last}\n`);
      },
    };
  };
}
