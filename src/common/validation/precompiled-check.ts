import { getMetadataStorage, ValidationArguments, ValidatorConstraintInterface } from 'class-validator';
import { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** class-validator's metadata types (ValidationTypes) this check understands; any other makes a class ineligible. */
const CONDITIONAL = 'conditionalValidation';
const CUSTOM = 'customValidation';
const WHITELIST = 'whitelistValidation';

interface ConstraintCheck {
  instance: ValidatorConstraintInterface;
  property: string;
  constraints: unknown[];
}

interface PropertyPlan {
  name: string;
  /** `@IsOptional()`, `@ValidateIf()`: when one says no, the property's other rules are skipped. */
  conditions: ((object: object, value: unknown) => boolean)[];
  checks: ConstraintCheck[];
}

/** A class's rules, read once from class-validator's metadata. */
export interface ValidationPlan {
  properties: PropertyPlan[];
  /** Properties with at least one rule (others are refused by `forbidNonWhitelisted`). */
  known: ReadonlySet<string>;
}

/**
 * The plan of a class whose rules are all synchronous constraints on its own properties (`@IsString()`,
 * `@Length()`, `@IsUUID()`, `@Matches()`, `ValidateBy(...)`, `@IsOptional()` …), or null when it has others
 * (nested validation, `@IsDefined()`, groups, `each`, promises, async constraints) or none at all.
 * Reads the metadata class-validator's own executor reads, with the same arguments (ValidationPipe's options
 * set no groups, `always` or `strictGroups`).
 */
export function compileValidationPlan(target: Function): ValidationPlan | null {
  const storage = getMetadataStorage();
  const metadatas: ValidationMetadata[] = storage.getTargetValidationMetadatas(target, '', false, false, undefined);
  if (metadatas.length === 0) return null;
  const grouped = storage.groupByPropertyName(metadatas);
  const properties: PropertyPlan[] = [];
  for (const [name, list] of Object.entries(grouped)) {
    const plan: PropertyPlan = { name, conditions: [], checks: [] };
    for (const metadata of list) {
      if (metadata.each || (metadata.groups && metadata.groups.length > 0)) return null;
      if (metadata.type === WHITELIST) continue;
      if (metadata.type === CONDITIONAL) {
        plan.conditions.push(metadata.constraints[0] as PropertyPlan['conditions'][number]);
        continue;
      }
      if (metadata.type !== CUSTOM) return null;
      for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
        if (constraint.async) return null;
        plan.checks.push({ instance: constraint.instance, property: metadata.propertyName, constraints: metadata.constraints });
      }
    }
    properties.push(plan);
  }
  return { properties, known: new Set(properties.map((p) => p.name)) };
}

/**
 * True when `object` passes `plan` with class-validator's options `whitelist` + `forbidNonWhitelisted`, i.e.
 * when class-validator would report no error. False means "not sure it passes": the caller then runs the full
 * validation, which finds and words the errors. Every constraint runs the validator class-validator itself
 * would call, with the same arguments; a constraint answering anything but `true` (false, a promise) is a no.
 */
export function passesPlan(plan: ValidationPlan, object: Record<string, unknown>): boolean {
  for (const key of Object.keys(object)) if (!plan.known.has(key)) return false;
  const targetName = object.constructor?.name;
  for (const property of plan.properties) {
    const value = object[property.name];
    let applies = true;
    for (const condition of property.conditions) applies = condition(object, value) && applies;
    if (!applies) continue;
    for (const check of property.checks) {
      const args: ValidationArguments = { targetName, property: check.property, object, value, constraints: check.constraints };
      if (check.instance.validate(value, args) !== true) return false;
    }
  }
  return true;
}
