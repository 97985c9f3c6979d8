/**
 * The error `run` throws, for assertions on its class and data.
 * @throws Error when `run` throws nothing, so a test cannot pass by accident.
 */
export function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('Expected an error, but nothing was thrown');
}
