import { z } from 'zod';

/**
 * The value types the configuration is written in (zod schemas over environment strings), the error
 * that stops start-up, and how a slice's variables are read. Every message names the variable and
 * never echoes a value that could be a secret.
 */

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The variables of one concern, read from the environment: empty variables count as unset; every problem is reported. */
export function readVariables<Shape extends z.ZodRawShape>(env: Env, shape: Shape): z.output<z.ZodObject<Shape>> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = z.object(shape).safeParse(present);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message));
  return parsed.data;
}

/**
 * Runs each slice's reader, so that one configuration error lists the problems of every slice at
 * once; a slice that failed is `undefined` to the readers after it, which skip the rules that need it.
 */
export class ProblemCollector {
  readonly problems: string[] = [];

  read<T>(reader: () => T): T | undefined {
    try {
      return reader();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.problems.push(...error.problems);
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

export const port = (name: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${name} must be a whole number from 0 to 65535`)
    .transform(Number)
    .refine((n) => n >= 0 && n <= 65535, `${name} must be a whole number from 0 to 65535`);

export const int = (name: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${name} must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be a whole number from ${min} to ${max}`);

/** A share from 0 to 1. */
export const rate = (name: string) =>
  z
    .string()
    .trim()
    .regex(/^(0(\.\d+)?|1(\.0+)?)$/, `${name} must be a number from 0 to 1`)
    .transform(Number);

export const host = (name: string) =>
  z.string().trim().min(1, `${name} must not be empty`).regex(/^[A-Za-z0-9.:-]+$/, `${name} must be a host name or IP address`);

export const bool = (name: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => v === 'true' || v === 'false', `${name} must be true or false`)
    .transform((v) => v === 'true');

/** An access key or secret: printable, no spaces; its value never appears in a message. */
export const secret = (name: string) =>
  z
    .string()
    .trim()
    .regex(/^[\x21-\x7e]{8,256}$/, `${name} must be 8 to 256 printable characters without spaces`);

export const id = (name: string) =>
  z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z_-]{1,64}$/, `${name} must be an id of letters, digits, - and _`);

/** Comma-separated, entries trimmed, empty entries skipped. */
export const list = () => z.string().transform((value) => value.split(',').map((v) => v.trim()).filter(Boolean));

/** The URL a value spells, or undefined when it spells none. */
export function urlOf(value: string): URL | undefined {
  return URL.canParse(value) ? new URL(value) : undefined;
}
