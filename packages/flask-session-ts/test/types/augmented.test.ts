/**
 * Typing by augmenting `SessionTypes` (test/types/augmented): its own TypeScript program, since an
 * augmentation is global and would retype every other file's session. The program's
 * `@ts-expect-error` lines make it fail when a refusal stops working; `expectTypeOf` when a type drifts.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));
const project = fileURLToPath(new URL('augmented/tsconfig.json', import.meta.url));

describe('typing by augmenting SessionTypes', () => {
  it('types req.session, request.session and SessionEnv, and refuses undeclared keys', async () => {
    const result = await run(process.execPath, [tsc, '-p', project, '--pretty', 'false']).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: unknown) => {
        const { code, stdout } = error as { code: number; stdout: string };
        return { code, stdout };
      },
    );
    expect(result).toEqual({ code: 0, stdout: '' });
  }, 120_000);
});
