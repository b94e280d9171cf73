/** The timers and sockets this process holds open, to show that a soak left none behind. */
export interface HandleCounts {
  timers: number;
  sockets: number;
}

/** Counts the process's open timers and TCP handles now. */
export function handleCounts(): HandleCounts {
  const resources = process.getActiveResourcesInfo();
  return {
    timers: resources.filter((name) => name === 'Timeout').length,
    sockets: resources.filter((name) => name.startsWith('TCP')).length,
  };
}

/**
 * The counts once they are back at or below `baseline`, or after 2 s (40 × 50 ms) of waiting:
 * sockets close and timers clear a few ticks after whatever owned them was closed.
 */
export async function handlesAfterSettling(baseline: HandleCounts): Promise<HandleCounts> {
  let after = handleCounts();
  for (let round = 0; round < 40; round += 1) {
    if (after.timers <= baseline.timers && after.sockets <= baseline.sockets) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
    after = handleCounts();
  }
  return after;
}
