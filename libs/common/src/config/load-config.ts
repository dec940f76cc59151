import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function describe(errors: ValidationError[], raw: Record<string, unknown>): string[] {
  return errors.flatMap((e) => {
    // show what the operator typed (not the converted value: "eighty" became NaN)
    const shown = /PASSWORD|SECRET|KEY/i.test(e.property) ? '(hidden)' : JSON.stringify(raw[e.property] ?? null);
    return Object.values(e.constraints ?? {}).map((m) => `${e.property}=${shown}: ${m}`);
  });
}

/**
 * Validate the environment once, at boot, into a typed, frozen object holding only the declared
 * variables. A bad value stops the process with a message naming the variable; nothing reads
 * process.env afterwards.
 */
export function loadConfig<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const declared = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(cls, '', true, false)
      .map((m) => m.propertyName),
  );
  const plain: Record<string, unknown> = {};
  for (const key of declared) {
    const value = env[key];
    if (value !== undefined && value !== '') plain[key] = value;
  }
  const instance = plainToInstance(cls, plain, { exposeDefaultValues: true });
  const errors = validateSync(instance, { forbidUnknownValues: false });
  if (errors.length > 0) throw new ConfigError(describe(errors, plain));
  return Object.freeze(instance);
}
