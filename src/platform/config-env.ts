/**
 * What the configuration modules share: the error every bad setting throws, and the zod pieces
 * that read environment variables (one copy, so a flag or a number is spelled the same everywhere).
 * @module
 */
import { z } from 'zod';

/** Thrown for a setting that cannot work; the server prints the message and exits non-zero. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A yes/no variable. Empty variables never reach it: `loadConfig` reads them as unset. */
export const flag = z
  .enum(['0', '1', 'false', 'true', 'no', 'yes', 'off', 'on'], {
    error: 'must be 1/0, true/false, yes/no or on/off',
  })
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

/** A whole number from `min` to `max`, inclusive. */
export const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`);

/** A positive number of seconds up to `max`, fractions allowed. */
export const seconds = (max: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, `must be a number of seconds up to ${max}`)
    .transform(Number)
    .refine((n) => n > 0 && n <= max, `must be a number of seconds above 0 and up to ${max}`);
