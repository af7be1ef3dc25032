import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { reason } from './error-body';

/** Flattens class-validator's tree into `field: problem` pairs with dotted/indexed paths. */
export function flattenValidationErrors(
  errors: ValidationError[],
  parent = '',
): Array<{ field: string; message: string }> {
  const out: Array<{ field: string; message: string }> = [];
  for (const e of errors) {
    const field = /^\d+$/.test(e.property)
      ? `${parent}[${e.property}]`
      : parent
        ? `${parent}.${e.property}`
        : e.property;
    for (const text of Object.values(e.constraints ?? {})) {
      // class-validator starts messages with the property name; drop it since the path says it.
      const message = text.startsWith(`${e.property} `) ? text.slice(e.property.length + 1) : text;
      out.push({
        field,
        message: `${message}${'value' in e && e.value !== undefined && typeof e.value !== 'object' ? ` (got ${JSON.stringify(e.value)})` : ''}`,
      });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => {
      const list = flattenValidationErrors(errors);
      const first = list[0] ?? { field: 'body', message: 'is invalid' };
      return new BadRequestException({
        statusCode: 400,
        error: reason(400),
        message: list.map((e) => `${e.field}: ${e.message}`).join('; '),
        field: first.field,
        code: 'INVALID_ARGUMENT',
        errors: list,
      });
    },
  });
}
